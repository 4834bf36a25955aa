// Queue `email`: renders a recorded e-mail and sends it once. The record in PostgreSQL is the truth (queued → sending →
// sent / failed, or superseded); a job only carries it. A worker claims the record with a lease before sending, so two
// jobs for one e-mail never send it at once, and the provider sees the same idempotency key on every attempt and every
// re-enqueue, so a repeat after a crash is dropped there.
import { UnrecoverableError, Worker, type Job } from "bullmq";
import type { z } from "zod";
import { isTemplateName, renderEmail, type EmailContent, type TemplateName, type TemplateProps } from "@/emails";
import {
  EMAIL_QUEUE,
  PermanentEmailError,
  TransientEmailError,
  claimEmail,
  emailJob,
  emailRetryBudgetMs,
  giveUpPendingEmail,
  listPendingEmails,
  markEmailFailed,
  markEmailSent,
  propsWithLink,
  recordEmailBody,
  releaseEmail,
  requeuePendingEmail,
  requeueStalledEmail,
  sendEmail,
  withoutLink,
} from "@/lib/email";
import { getEnv, type Logger } from "@/lib/core";
import { MAX_STALLED_COUNT, defineQueue, type JobContext } from "./queue";

export { EMAIL_QUEUE };

/** A 429 without Retry-After waits this long (Resend counts requests per second). */
const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;
type EmailPayload = z.output<typeof emailJob.payload>;

/**
 * BullMQ honours a queue-wide pause (a 429) only on a queue with a limiter; without EMAIL_RATE_PER_SECOND the limit is
 * one no installation reaches.
 */
export function emailLimiter(): { max: number; duration: number } {
  return { max: getEnv().EMAIL_RATE_PER_SECOND ?? 1_000_000, duration: 1000 };
}

/** Backoff after a 5xx, a timeout or a network error: exponential from EMAIL_BACKOFF_MS, capped, with jitter. */
export function emailBackoff(attemptsMade: number, err: Error | undefined): number {
  if (err instanceof TransientEmailError && err.retryAfterMs !== null) return err.retryAfterMs;
  const env = getEnv();
  const exp = Math.min(env.EMAIL_BACKOFF_MAX_MS, env.EMAIL_BACKOFF_MS * 2 ** Math.min(30, Math.max(0, attemptsMade - 1)));
  // "Equal jitter": never less than half the delay, so retries spread out without collapsing to zero.
  return Math.round(exp / 2 + (Math.random() * exp) / 2);
}

type EmailJob = Pick<Job, "id" | "attemptsMade" | "opts">;

export async function processEmailJob(job: EmailJob, { emailId, generation }: EmailPayload, ctx: JobContext): Promise<{ status: string }> {
  const jobId = String(job.id);
  const log = ctx.log.child({ emailId, jobId });

  const claimed = await claimEmail(emailId, jobId, generation);
  if ("status" in claimed) {
    log.debug({ outcome: claimed.status }, "email not sent by this job");
    return claimed;
  }
  const { email } = claimed;
  const deadline = (email.firstAttemptAt ?? new Date()).getTime() + emailRetryBudgetMs();
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1) || Date.now() >= deadline;

  /** Retries (the row goes back to queued) or, on the last attempt or a permanent error, records the failure for good. */
  const failure = async (err: unknown, message: string): Promise<never> => {
    const rateLimited = err instanceof TransientEmailError && err.status === 429;
    const wait = rateLimited ? (err.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS) : 0;
    const final = err instanceof PermanentEmailError || (rateLimited ? Date.now() + wait > deadline : lastAttempt);
    if (final) {
      await markEmailFailed(email.id, message);
      log.error({ err, attempts: email.attempts }, "email not sent: given up");
      throw new UnrecoverableError(message);
    }
    await releaseEmail(email.id, jobId, message);
    if (rateLimited) {
      // Not an attempt used up: the job goes back to waiting, and the whole queue pauses for the wait the provider asked.
      log.warn({ err, waitMs: wait }, "email provider rate limit: queue paused");
      await ctx.rateLimit(wait);
      throw Worker.RateLimitError();
    }
    log.warn({ err, attempts: email.attempts }, "email not sent: will retry");
    throw err;
  };

  if (!isTemplateName(email.template))
    return failure(new PermanentEmailError(`unknown template ${email.template}`, null), `unknown template ${email.template}`);

  let url: string | null = null;
  let content: EmailContent;
  try {
    const withLink = propsWithLink(email.props, email.link);
    url = withLink.url;
    content = await renderEmail(email.template as TemplateName, withLink.props as TemplateProps[TemplateName]);
  } catch (err) {
    // A template's own error message: no secret in it that we know of, but it stays out of the record and the audit.
    return failure(err, `The e-mail could not be rendered (${err instanceof Error ? err.name : "error"}).`);
  }
  // The record keeps the body without its live link, the dev mailbox included: its reader derives the link on opening.
  await recordEmailBody(email.id, content, url);

  let result: Awaited<ReturnType<typeof sendEmail>>;
  try {
    result = await sendEmail({ id: email.id, to: email.to, ...content });
  } catch (err) {
    return failure(err, withoutLink(err instanceof Error ? err.message : "the provider failed", url));
  }

  const outcome = await markEmailSent(email, result);
  log.info({ transport: result.transport, attempts: email.attempts, outcome }, "email sent");
  return { status: "sent" };
}

/**
 * BullMQ failed a job for good. A final error the processor recorded itself; a job that stalled too often (its worker
 * died mid-send) it could not: record that and send again.
 */
export async function onEmailJobFailed(job: Job, _err: Error, log: Logger): Promise<void> {
  // BullMQ marks a job it fails for stalling too often with a deferred failure (and counts the stalls).
  if (!job.deferredFailure && job.stalledCounter <= MAX_STALLED_COUNT) return;
  const parsed = emailJob.payload.safeParse(job.data);
  if (!parsed.success) return;
  const { emailId, generation } = parsed.data;
  const jobId = String(job.id);
  // Held by this very job (its worker died mid-send), or not yet claimed under it: either way nobody else carries it.
  const requeued = await requeueStalledEmail(emailId, jobId, generation);
  log.warn({ emailId, jobId, requeuedAs: requeued }, "email job stalled: its worker stopped mid-send");
}

export const emailQueue = defineQueue({
  job: emailJob,
  process: (job, payload, ctx) => processEmailJob(job, payload, ctx),
  concurrency: () => getEnv().EMAIL_CONCURRENCY,
  backoff: emailBackoff,
  limiter: emailLimiter,
  onFailed: onEmailJobFailed,
  reconcile: {
    pending: listPendingEmails,
    requeue: requeuePendingEmail,
    giveUp: giveUpPendingEmail,
  },
});
