// Background jobs as the domain sees them: one typed definition per kind of job (its queue, name, payload schema, job
// id and options), and `enqueue`, which writes the intent to run it into the outbox inside the caller's transaction, so
// a committed change never loses its job. The worker (jobs/) imports the same definitions to process what it is handed:
// a renamed payload field is a type error on both sides, not a row set aside at run time.
import type { JobsOptions } from "bullmq";
import type { z } from "zod";
import type { Executor } from "@/db/client";
import { outbox } from "@/db/schema";

/**
 * Every payload names the record in PostgreSQL that holds the work and the generation of the enqueue that carries it:
 * the record says which generation is current, so a job of an older one knows it was replaced without reading its id.
 */
export type JobPayload = { generation: number };

export type JobDefinition<S extends z.ZodType<JobPayload> = z.ZodType<JobPayload>> = {
  queue: string;
  /** `domain.action`, shown in the operators' queue pages. */
  name(payload: z.output<S>): string;
  payload: S;
  /** Deterministic per record and generation: BullMQ drops a repeat of the same enqueue. */
  jobId(payload: z.output<S>): string;
  options(): JobsOptions;
};

export function defineJob<S extends z.ZodType<JobPayload>>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}

/** A piece of work PostgreSQL records as owed, with the job that should be carrying it: what a reconciler hands the sweep. */
export type PendingWork = { id: string; generation: number; jobId: string; cursor: string; budgetSpent: boolean };

export type OutboxIntent = { queue: string; jobName: string; jobId: string; payload: Record<string, unknown> };

/** The outbox row that enqueues one job: the payload is parsed here, so nothing the worker would refuse is written. */
export function jobIntent<S extends z.ZodType<JobPayload>>(definition: JobDefinition<S>, payload: z.input<S>): OutboxIntent {
  const parsed = definition.payload.parse(payload);
  return { queue: definition.queue, jobName: definition.name(parsed), jobId: definition.jobId(parsed), payload: parsed as Record<string, unknown> };
}

/** Writes the intents to run these jobs into the caller's transaction. */
export async function enqueue<S extends z.ZodType<JobPayload>>(ex: Executor, definition: JobDefinition<S>, payloads: z.input<S> | z.input<S>[]): Promise<void> {
  const rows = (Array.isArray(payloads) ? payloads : [payloads]).map((p) => jobIntent(definition, p));
  if (rows.length === 0) return;
  await ex.insert(outbox).values(rows);
}

export * from "./relay";
