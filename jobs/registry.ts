// Every queue the worker serves: name, payload schema, job options for enqueueing, its processor, and how the sweep
// finds the queue's work again when the queue lost it (its state lives in PostgreSQL).
import type { Job, JobsOptions } from "bullmq";
import type { z } from "zod";
import { getEnv, type Logger } from "@/lib/core";
import { DELETION_QUEUE, deletionJobOptions, deletionPayload, deletionReconciler, processDeletionJob } from "./deletion";
import { NOTICES_QUEUE, noticesBackoff, noticesJobOptions, noticesPayload, processNoticesJob } from "./notices";
import { EMAIL_QUEUE, emailBackoff, emailJobOptions, emailLimiter, emailPayload, emailReconciler, onEmailJobFailed, processEmailJob } from "./email";

export type JobContext = {
  /** Pauses the whole queue (every worker) for `ms`: the provider said the installation is too fast. */
  rateLimit(ms: number): Promise<void>;
  log: Logger;
};

/** A piece of pending work as PostgreSQL records it, with the job that should be carrying it. */
export type PendingWork = { id: string; jobId: string; cursor: string; budgetSpent: boolean };

export type Reconciler = {
  /** Work whose state says pending and whose intent is not waiting in the outbox, oldest first, after `cursor`. */
  pending(after: string | null, limit: number): Promise<PendingWork[]>;
  /** Enqueues the work again (through the outbox, under a new job id) if it is still pending under `jobId`. */
  requeue(work: PendingWork, reason: string): Promise<boolean>;
  /** Records the work as given up (its retry budget is spent) if it is still pending under `jobId`. */
  giveUp(work: PendingWork, reason: string): Promise<boolean>;
};

export type QueueDefinition = {
  name: string;
  /** The relay sets aside an outbox row whose payload this refuses. */
  payload: z.ZodType;
  jobOptions: () => JobsOptions;
  /** `token` is the job's lock token (a processor that moves its own job back to delayed needs it). */
  process: (job: Job, ctx: JobContext, token?: string) => Promise<unknown>;
  concurrency: () => number;
  backoff?: (attemptsMade: number, err: Error | undefined) => number;
  limiter?: () => { max: number; duration: number } | undefined;
  /** After BullMQ failed a job for good (a final error, or stalled too often). */
  onFailed?: (job: Job, err: Error, log: Logger) => Promise<void>;
  reconcile?: Reconciler;
};

export const QUEUES: Record<string, QueueDefinition> = {
  [EMAIL_QUEUE]: {
    name: EMAIL_QUEUE,
    payload: emailPayload,
    jobOptions: emailJobOptions,
    process: processEmailJob,
    concurrency: () => getEnv().EMAIL_CONCURRENCY,
    backoff: emailBackoff,
    limiter: emailLimiter,
    onFailed: onEmailJobFailed,
    reconcile: emailReconciler,
  },
  [DELETION_QUEUE]: {
    name: DELETION_QUEUE,
    payload: deletionPayload,
    jobOptions: deletionJobOptions,
    process: processDeletionJob,
    // One deletion at a time per worker: its chunks already keep the database busy, other requests must still get through.
    concurrency: () => 1,
    reconcile: deletionReconciler,
  },
  [NOTICES_QUEUE]: {
    name: NOTICES_QUEUE,
    payload: noticesPayload,
    jobOptions: noticesJobOptions,
    process: processNoticesJob,
    concurrency: () => 2,
    backoff: noticesBackoff,
    // Copies and reminders call the provider's batch API at EMAIL_RATE_PER_SECOND themselves; this lets a 429 pause the queue.
    limiter: () => ({ max: 1_000_000, duration: 1000 }),
  },
};
