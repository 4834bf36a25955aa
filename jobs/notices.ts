// Queue `notices`: carries the pieces of work a notice owes (lib/notices runs them; PostgreSQL records them). This side
// maps them onto BullMQ: a piece that isn't due yet goes back to the delayed set, the provider's batch calls are paced
// at EMAIL_RATE_PER_SECOND and a 429 pauses the whole queue, and a refusal the provider will repeat fails the job.
import { DelayedError, UnrecoverableError, type Job } from "bullmq";
import { systemPrincipal } from "@/lib/authz";
import { getEnv } from "@/lib/core";
import { PermanentEmailError, TransientEmailError, sendEmailBatch, type BatchEmail } from "@/lib/email";
import { giveUpNoticeWork, listPendingNoticeWork, noticeJob, requeueNoticeWork, runNoticeWork } from "@/lib/notices";
import { defineQueue, type JobContext } from "./queue";

const WORKER = systemPrincipal("worker");

export function noticesBackoff(attemptsMade: number, err: Error | undefined): number {
  if (err instanceof TransientEmailError && err.retryAfterMs !== null) return err.retryAfterMs;
  return Math.min(300_000, 2000 * 2 ** Math.min(20, Math.max(0, attemptsMade - 1)));
}

/** The provider's batch call, no faster than EMAIL_RATE_PER_SECOND, with its errors turned into what BullMQ acts on. */
function pacedSender(ctx: JobContext) {
  const rate = getEnv().EMAIL_RATE_PER_SECOND;
  const minGapMs = rate ? 1000 / rate : 0;
  let lastCall = 0;
  return async (emails: BatchEmail[], key: string) => {
    const wait = lastCall + minGapMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lastCall = Date.now();
    try {
      return await sendEmailBatch(emails, key);
    } catch (err) {
      if (err instanceof TransientEmailError && err.status === 429) await ctx.rateLimit(err.retryAfterMs ?? 1000);
      throw err;
    }
  };
}

export const noticesQueue = defineQueue({
  job: noticeJob,
  async process(job: Job, payload, ctx, token) {
    const log = ctx.log.child({ workId: payload.workId, kind: payload.kind, jobId: job.id });
    let result;
    try {
      result = await runNoticeWork(
        WORKER,
        { workId: payload.workId, generation: payload.generation, jobId: String(job.id) },
        {
          sendBatch: pacedSender(ctx),
          // Progress is for people watching the queue; the work's own progress is in PostgreSQL. A queue that lost the
          // job's key (Redis restarted empty) must not stop the work: the lease keeps the sweep from doubling it.
          progress: (done) => job.updateProgress(done).catch((err) => log.debug({ err }, "progress not recorded")),
        },
      );
    } catch (err) {
      if (err instanceof PermanentEmailError) throw new UnrecoverableError(err.message);
      throw err;
    }
    if (result.state === "waiting") {
      await job.moveToDelayed(result.until.getTime(), token);
      throw new DelayedError();
    }
    if (result.state === "done" && result.emails) log.info({ outcome: result.outcome, batches: result.batches, emails: result.emails }, "notice e-mails sent");
    return result;
  },
  concurrency: () => 2,
  backoff: noticesBackoff,
  // Copies and reminders pace the provider's batch API themselves; this lets a 429 pause the queue.
  limiter: () => ({ max: 1_000_000, duration: 1000 }),
  reconcile: {
    pending: (after, limit) => listPendingNoticeWork(WORKER, after, limit),
    requeue: (work, reason) => requeueNoticeWork(WORKER, work, reason),
    giveUp: (work, reason) => giveUpNoticeWork(WORKER, work, reason),
  },
});
