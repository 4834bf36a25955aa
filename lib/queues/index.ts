// The machinery, for operators: each job queue's counts, its failed jobs with their reasons and a retry; e-mails that
// failed or are stuck, with a retry through the outbox; and whether the database and the job queue answer at all
// (the readiness endpoint). A failed job is retried in place (BullMQ moves it back to waiting with fresh attempts);
// an e-mail is retried as a new intent in the outbox, like any other work a mutation causes.
import type { Job } from "bullmq";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { authorizeInstallation, type Principal } from "@/lib/authz";
import {
  ConflictError,
  NotFoundError,
  keysetClauses,
  keysetOf,
  keysetPage,
  parseRow,
  parseRows,
  timestampColumn,
  type KeysetPage,
  type PageRequest,
} from "@/lib/core";
import { DELETION_QUEUE } from "@/lib/deletions";
import { EMAIL_QUEUE, requeueEmail } from "@/lib/email";
import { NOTICES_QUEUE } from "@/lib/notices";
import { probeDatabase, probeQueueBackend, withQueue, type Reachability } from "./backend";

export { QUEUE_UNAVAILABLE, probeDatabase, type Reachability } from "./backend";

/**
 * Every queue the worker serves (jobs/registry.ts; tests/integration/queues.test.ts checks the two lists agree). A
 * domain can't import jobs/, so a new queue adds its name here too.
 */
export const QUEUE_NAMES: readonly string[] = [EMAIL_QUEUE, DELETION_QUEUE, NOTICES_QUEUE];

/** After this long still queued, an e-mail counts as stuck: listed for operators, and retryable. */
export const EMAIL_STUCK_AFTER_MINUTES = 10;

export const FAILED_JOBS_PAGE_SIZE = 20;
export const EMAILS_PAGE_SIZE = 20;

function knownQueue(name: string): string {
  if (!QUEUE_NAMES.includes(name)) throw new NotFoundError("There is no such queue.");
  return name;
}

export type QueueSummary = {
  name: string;
  paused: boolean;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
};

/** Each queue's counts: waiting (prioritized ones included), active, delayed, failed, completed; and whether it is paused. */
export async function getQueueOverview(principal: Principal): Promise<QueueSummary[]> {
  authorizeInstallation(principal, "VIEW_QUEUES");
  return Promise.all(
    QUEUE_NAMES.map((name) =>
      withQueue(name, async (queue) => {
        const [c, paused] = await Promise.all([queue.getJobCounts("waiting", "prioritized", "active", "delayed", "failed", "completed"), queue.isPaused()]);
        const n = (k: string) => Number(c[k] ?? 0);
        return {
          name,
          paused,
          waiting: n("waiting") + n("prioritized"),
          active: n("active"),
          delayed: n("delayed"),
          failed: n("failed"),
          completed: n("completed"),
        };
      }),
    ),
  );
}

export type FailedJob = {
  id: string;
  name: string;
  reason: string;
  attemptsMade: number;
  attempts: number;
  createdAt: Date;
  failedAt: Date | null;
  data: string;
};

function describeFailed(job: Job): FailedJob {
  const data = JSON.stringify(job.data ?? null);
  return {
    id: String(job.id),
    name: job.name,
    reason: job.failedReason || "(no reason recorded)",
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    createdAt: new Date(job.timestamp),
    failedAt: job.finishedOn ? new Date(job.finishedOn) : null,
    data: data.length > 200 ? `${data.slice(0, 199)}…` : data,
  };
}

/** A queue's failed jobs, most recently failed first, with their reasons; paged by page number. */
export async function listFailedJobs(principal: Principal, queueName: string, opts: { page?: number } = {}) {
  authorizeInstallation(principal, "VIEW_QUEUES");
  const name = knownQueue(queueName);
  const page = Math.max(1, Math.min(10_000, Math.floor(opts.page ?? 1)));
  const start = (page - 1) * FAILED_JOBS_PAGE_SIZE;
  return withQueue(name, async (queue) => {
    const [total, jobs] = await Promise.all([queue.getFailedCount(), queue.getFailed(start, start + FAILED_JOBS_PAGE_SIZE - 1)]);
    return { queue: name, page, total, rows: jobs.filter(Boolean).map(describeFailed), more: start + FAILED_JOBS_PAGE_SIZE < total };
  });
}

/**
 * Moves a failed job back to waiting with its attempts reset, so it runs again with the queue's full retry policy.
 * Processors are idempotent (an e-mail already sent is not sent again), so a retry never does the work twice.
 */
export async function retryFailedJob(principal: Principal, queueName: string, jobId: string) {
  authorizeInstallation(principal, "RETRY_JOBS");
  const name = knownQueue(queueName);
  if (typeof jobId !== "string" || jobId.length === 0 || jobId.length > 200) throw new NotFoundError("There is no such job.");
  return withQueue(name, async (queue) => {
    const job = await queue.getJob(jobId);
    if (!job) throw new NotFoundError("There is no such job any more (failed jobs are kept for a week).");
    const state = await job.getState();
    if (state !== "failed") throw new ConflictError(`This job is ${state === "unknown" ? "gone" : state} now, not failed: there is nothing to retry.`);
    await job.retry("failed", { resetAttemptsMade: true, resetAttemptsStarted: true });
    return { queue: name, id: jobId };
  });
}

/** Whether the database and the job queue answer, each within a short timeout. Anyone may ask: it reveals nothing else. */
export async function checkReadiness(_principal: Principal, opts: { timeoutMs?: number } = {}): Promise<{ database: Reachability; queue: Reachability }> {
  const timeoutMs = opts.timeoutMs ?? 1500;
  const database = probeDatabase(timeoutMs);
  const [db, queue] = await Promise.all([database, probeQueueBackend(timeoutMs, () => database)]);
  return { database: db, queue };
}

export type UndeliveredEmail = {
  id: string;
  to: string;
  template: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  /** When it was last handed to the queue: created, or retried. */
  queuedAt: Date;
  problem: "failed" | "stuck";
};

const undeliveredRow = z.object({
  id: z.uuid(),
  to: z.string(),
  template: z.string(),
  status: z.string(),
  attempts: z.number().int(),
  last_error: z.string().nullable(),
  created_at: timestampColumn,
  queued_at: timestampColumn,
  sort_value: z.string(),
});

function stuckAfter(minutes: number | undefined) {
  const m = Math.max(0, Math.floor(minutes ?? EMAIL_STUCK_AFTER_MINUTES));
  return sql`e.queued_at < now() - make_interval(mins => ${m}::int)`;
}

/**
 * E-mails that failed, or that have waited (queued, or held by a worker) longer than `stuckAfterMinutes` (default 10)
 * since they were last queued, most recently queued first; keyset-paged. Sent ones and ones a newer e-mail replaced
 * are left out.
 */
export async function listUndeliveredEmails(
  principal: Principal,
  opts: PageRequest & { stuckAfterMinutes?: number } = {},
): Promise<KeysetPage<UndeliveredEmail>> {
  authorizeInstallation(principal, "VIEW_QUEUES");
  const k = keysetOf(opts, { default: EMAILS_PAGE_SIZE, max: 200 }, "timestamptz");
  // Walks outbound_emails_undelivered_idx newest first: a page costs its rows, however many e-mails were ever sent.
  const page = keysetClauses(k, sql`e.queued_at`, sql`e.id`, "desc", true);
  const rows = parseRows(
    undeliveredRow,
    await db.execute(sql`
      select e.id, e."to", e.template, e.status::text as status, e.attempts, e.last_error, e.created_at, e.queued_at, e.queued_at::text as sort_value
      from outbound_emails e
      where e.status in ('queued', 'sending', 'failed') and (e.status = 'failed' or ${stuckAfter(opts.stuckAfterMinutes)}) and ${page.where}
      order by ${page.orderBy}
      limit ${k.limit + 1}`),
  );
  return keysetPage(rows, k, (r): UndeliveredEmail => ({
    id: r.id,
    to: r.to,
    template: r.template,
    status: r.status,
    attempts: r.attempts,
    lastError: r.last_error,
    createdAt: r.created_at,
    queuedAt: r.queued_at,
    problem: r.status === "failed" ? "failed" : "stuck",
  }));
}

/**
 * Sends a failed or stuck e-mail again, in one transaction: the e-mail's record goes back to `queued` with a fresh
 * retry budget under its next job generation, and an outbox intent with the deterministic job id of that generation
 * (`email-<id>-<n>`: the relay may hand the row over more than once, BullMQ keeps one job per id; the old id can't be
 * reused, BullMQ keeps a failed job for a week and ignores a new one with its id) — lib/email's requeueEmail. Its
 * invitation's delivery status goes back to queued too. Refused with a conflict: a sent e-mail, one a newer e-mail
 * replaced, one a worker holds right now, and one queued less than `stuckAfterMinutes` ago (a retry already on its way,
 * so a double click queues once).
 */
export async function retryEmail(principal: Principal, emailId: string, opts: { stuckAfterMinutes?: number } = {}) {
  authorizeInstallation(principal, "RETRY_JOBS");
  const id = z.uuid().safeParse(emailId);
  if (!id.success) throw new NotFoundError("There is no such e-mail.");
  return db.transaction(async (tx) => {
    const row = parseRow(
      z.object({ id: z.uuid(), status: z.string(), invitation_id: z.uuid().nullable(), stuck: z.boolean(), held: z.boolean() }),
      await tx.execute(sql`
        select e.id, e.status::text as status, e.invitation_id, ${stuckAfter(opts.stuckAfterMinutes)} as stuck,
          (e.status = 'sending' and coalesce(e.lease_until, '-infinity') >= now()) as held
        from outbound_emails e where e.id = ${id.data} for update`),
    );
    if (!row) throw new NotFoundError("There is no such e-mail.");
    if (row.status === "sent") throw new ConflictError("This e-mail has been sent already.");
    if (row.status !== "failed" && row.status !== "queued" && row.status !== "sending")
      throw new ConflictError("A newer e-mail replaced this one; it isn't sent any more.");
    if (row.held) throw new ConflictError("A worker is sending this e-mail right now.");
    if (row.status !== "failed" && !row.stuck)
      throw new ConflictError("This e-mail is queued and on its way; it can be retried if it is still waiting in a few minutes.");
    const jobId = await requeueEmail(tx, row.id, { only: sql`true`, freshBudget: true });
    if (!jobId) throw new ConflictError("This e-mail changed meanwhile; reload and try again.");
    if (row.invitation_id)
      await tx.execute(
        sql`update invitations set delivery_status = 'queued' where id = ${row.invitation_id} and accepted_at is null and delivery_status = 'failed'`,
      );
    return { id: row.id, jobId };
  });
}
