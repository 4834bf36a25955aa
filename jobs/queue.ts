// What a queue is to the worker: a job definition from lib/ (queue, name, payload schema, job id, options: the same one
// its producers enqueue through the outbox), how this process runs its jobs, and how the sweep finds its work again
// when the queue lost it (PostgreSQL records what is owed). No queue goes without a reconciler.
import type { Job } from "bullmq";
import type { z } from "zod";
import type { Logger } from "@/lib/core";
import type { JobDefinition, JobPayload, PendingWork } from "@/lib/outbox";

/** A job whose worker died runs once more under its own id; a second stall fails it (the reconciler then takes over). */
export const MAX_STALLED_COUNT = 1;

export type JobContext = {
  /** Pauses the whole queue (every worker) for `ms`: the provider said the installation is too fast. */
  rateLimit(ms: number): Promise<void>;
  log: Logger;
};

export type Reconciler = {
  /** Work whose state says pending and whose intent is not waiting in the outbox, oldest first, after `cursor`. */
  pending(after: string | null, limit: number): Promise<PendingWork[]>;
  /** Enqueues the work again (through the outbox, under its next generation) if it is still pending under `work.generation`. */
  requeue(work: PendingWork, reason: string): Promise<boolean>;
  /** Records the work as given up (its retry budget is spent) if it is still pending under `work.generation`. */
  giveUp(work: PendingWork, reason: string): Promise<boolean>;
};

export type QueueDefinition<S extends z.ZodType<JobPayload> = z.ZodType<JobPayload>> = {
  job: JobDefinition<S>;
  /** Runs one job with its payload parsed; `token` is the job's lock token (to move it back to delayed). */
  process(job: Job, payload: z.output<S>, ctx: JobContext, token?: string): Promise<unknown>;
  concurrency(): number;
  backoff?(attemptsMade: number, err: Error | undefined): number;
  limiter?(): { max: number; duration: number } | undefined;
  /** After BullMQ failed a job for good (a final error, or stalled too often). */
  onFailed?(job: Job, err: Error, log: Logger): Promise<void>;
  reconcile: Reconciler;
};

/** Ties a queue's processor to its job definition's payload type. */
export function defineQueue<S extends z.ZodType<JobPayload>>(definition: QueueDefinition<S>): QueueDefinition<S> {
  return definition;
}
