// Queue `email`: renders a recorded e-mail and sends it once. The record in PostgreSQL is the truth (queued → sending →
// sent / failed, or superseded); a job only carries it. A worker claims the record with a lease before sending, so two
// jobs for one e-mail never send it at once, and the provider sees the same idempotency key on every attempt and every
// re-enqueue, so a repeat after a crash is dropped there.
import { UnrecoverableError, Worker, type Job, type JobsOptions } from "bullmq";
import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { invitations, outboundEmails, type EmailStatus, type OutboundEmail } from "@/db/schema";
import { isTemplateName, renderEmail, type EmailContent, type TemplateName, type TemplateProps } from "@/emails";
import { recordAudit } from "@/lib/audit";
import { systemPrincipal } from "@/lib/authz";
import {
  EMAIL_JOB,
  EMAIL_QUEUE,
  PermanentEmailError,
  TransientEmailError,
  emailJobId,
  propsWithLink,
  requeueEmail,
  sendEmail,
  withoutLink,
  type EmailLink,
} from "@/lib/email";
import { devMailboxEnabled, getEnv, type Logger } from "@/lib/core";
import type { JobContext, PendingWork, Reconciler } from "./registry";

export { EMAIL_JOB, EMAIL_QUEUE };

const WORKER = systemPrincipal("worker");
/** BullMQ needs a number of attempts; without EMAIL_ATTEMPTS the retry budget alone ends the retries. */
const NO_ATTEMPT_CAP = 1_000_000;
/** A 429 without Retry-After waits this long (Resend counts requests per second). */
const DEFAULT_RATE_LIMIT_WAIT_MS = 1000;
/** BullMQ's reason for a job that stalled more than maxStalledCount times (its worker died while running it). */
const STALLED_REASON = "job stalled more than allowable limit";

export const emailPayload = z.object({ emailId: z.uuid() });

export function emailJobOptions(): JobsOptions {
  const env = getEnv();
  return {
    attempts: env.EMAIL_ATTEMPTS ?? NO_ATTEMPT_CAP,
    backoff: { type: "email", delay: env.EMAIL_BACKOFF_MS },
    removeOnComplete: { age: 24 * 3600, count: 10000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

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

const retryBudgetMs = () => getEnv().EMAIL_RETRY_BUDGET_HOURS * 3600_000;
/** How long a claim holds: a send (bounded by its timeout) plus rendering and bookkeeping. */
const leaseMs = () => getEnv().EMAIL_SEND_TIMEOUT_MS + 10_000;

/**
 * The generation of a job id made by emailJobId(); null for another id naming the e-mail (an operator's retry job): such
 * a job may send the e-mail whatever its generation, under the same lease rules.
 */
export function generationOf(jobId: string, emailId: string): number | null {
  if (jobId === `email-${emailId}`) return 0;
  const m = jobId.startsWith(`email-${emailId}-`) ? /^\d+$/.exec(jobId.slice(`email-${emailId}-`.length)) : null;
  return m ? Number(m[0]) : null;
}

/** Records the e-mail as given up and, unless it was superseded, its invitation as failed (audited). */
async function markFailed(emailId: string, message: string, only?: ReturnType<typeof sql>): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(outboundEmails)
      .set({
        status: sql`case when ${outboundEmails.status} = 'superseded' then 'superseded'::email_status else 'failed'::email_status end`,
        lastError: message,
        leaseUntil: null,
        leaseJob: null,
      })
      .where(and(eq(outboundEmails.id, emailId), inArray(outboundEmails.status, ["queued", "sending", "superseded"]), only))
      .returning({ status: outboundEmails.status, invitationId: outboundEmails.invitationId });
    if (!row) return false;
    if (row.status === "failed" && row.invitationId) {
      const [inv] = await tx
        .update(invitations)
        .set({ deliveryStatus: "failed" })
        .where(sql`${invitations.id} = ${row.invitationId} and ${invitations.acceptedAt} is null`)
        .returning();
      if (inv)
        await recordAudit(tx, WORKER, {
          customerId: inv.customerId,
          action: "invitation.delivery_failed",
          targetType: "invitation",
          targetId: inv.id,
          targetLabel: inv.email,
          details: { error: message },
        });
    }
    return true;
  });
}

/** Takes the e-mail for `jobId`: it must be queued, or sending under this very job (a stalled one back) or an expired lease. */
async function claim(emailId: string, jobId: string, generation: number | null): Promise<{ email: OutboundEmail } | { status: string }> {
  const [email] = await db
    .update(outboundEmails)
    .set({
      status: "sending",
      leaseUntil: sql`now() + ${`${leaseMs()} milliseconds`}::interval`,
      leaseJob: jobId,
      attempts: sql`${outboundEmails.attempts} + 1`,
      firstAttemptAt: sql`coalesce(${outboundEmails.firstAttemptAt}, now())`,
    })
    .where(
      and(
        eq(outboundEmails.id, emailId),
        generation === null ? undefined : eq(outboundEmails.jobGeneration, generation),
        sql`(${outboundEmails.status} = 'queued' or (${outboundEmails.status} = 'sending' and (${outboundEmails.leaseUntil} < now() or ${outboundEmails.leaseJob} = ${jobId})))`,
      ),
    )
    .returning();
  if (email) return { email };
  const [row] = await db
    .select({ status: outboundEmails.status, jobGeneration: outboundEmails.jobGeneration })
    .from(outboundEmails)
    .where(eq(outboundEmails.id, emailId));
  if (!row) return { status: "gone" };
  const done: Partial<Record<EmailStatus, string>> = { sent: "already-sent", failed: "already-failed", superseded: "superseded" };
  if (done[row.status]) return { status: done[row.status]! };
  // Pending, but carried by a newer job, or being sent right now by another worker.
  return { status: generation !== null && row.jobGeneration !== generation ? "stale-job" : "busy" };
}

/** Back to queued for the next attempt (a superseded e-mail stays superseded), keeping what went wrong. */
async function release(emailId: string, jobId: string, message: string) {
  await db
    .update(outboundEmails)
    .set({
      status: sql`case when ${outboundEmails.status} = 'sending' then 'queued'::email_status else ${outboundEmails.status} end`,
      lastError: message,
      leaseUntil: null,
      leaseJob: null,
    })
    .where(and(eq(outboundEmails.id, emailId), eq(outboundEmails.leaseJob, jobId)));
}

type EmailJob = Pick<Job, "id" | "data" | "attemptsMade" | "opts">;

export async function processEmailJob(job: EmailJob, ctx: JobContext): Promise<{ status: string }> {
  const parsed = emailPayload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError("invalid email payload");
  const { emailId } = parsed.data;
  const jobId = String(job.id);
  const log = ctx.log.child({ emailId, jobId });
  const generation = generationOf(jobId, emailId);

  const claimed = await claim(emailId, jobId, generation);
  if ("status" in claimed) {
    log.debug({ outcome: claimed.status }, "email not sent by this job");
    return claimed;
  }
  const { email } = claimed;
  const deadline = (email.firstAttemptAt ?? new Date()).getTime() + retryBudgetMs();
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1) || Date.now() >= deadline;

  /** Retries (the row goes back to queued) or, on the last attempt or a permanent error, records the failure for good. */
  const failure = async (err: unknown, message: string): Promise<never> => {
    const rateLimited = err instanceof TransientEmailError && err.status === 429;
    const wait = rateLimited ? (err.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS) : 0;
    const final = err instanceof PermanentEmailError || (rateLimited ? Date.now() + wait > deadline : lastAttempt);
    if (final) {
      await markFailed(email.id, message);
      log.error({ err, attempts: email.attempts }, "email not sent: given up");
      throw new UnrecoverableError(message);
    }
    await release(email.id, jobId, message);
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
    const withLink = propsWithLink(email.props as Record<string, unknown>, email.link as EmailLink | null);
    url = withLink.url;
    content = await renderEmail(email.template as TemplateName, withLink.props as TemplateProps[TemplateName]);
  } catch (err) {
    // A template's own error message: no secret in it that we know of, but it stays out of the record and the audit.
    return failure(err, `The e-mail could not be rendered (${err instanceof Error ? err.name : "error"}).`);
  }
  // The record keeps the body without its live link, except where the record is the inbox itself: the dev mailbox
  // (operators only).
  const keepLink = devMailboxEnabled();
  await db
    .update(outboundEmails)
    .set({
      subject: content.subject,
      html: keepLink ? content.html : withoutLink(content.html, url),
      text: keepLink ? content.text : withoutLink(content.text, url),
    })
    .where(eq(outboundEmails.id, email.id));

  let result: Awaited<ReturnType<typeof sendEmail>>;
  try {
    result = await sendEmail({ id: email.id, to: email.to, ...content });
  } catch (err) {
    return failure(err, withoutLink(err instanceof Error ? err.message : "the provider failed", url));
  }

  const [after] = await db.transaction(async (tx) => {
    const rows = await tx
      .update(outboundEmails)
      .set({
        // A superseded e-mail that went out all the same is recorded as delivered, but stays superseded.
        status: sql`case when ${outboundEmails.status} = 'superseded' then 'superseded'::email_status else 'sent'::email_status end`,
        transport: result.transport,
        providerMessageId: result.providerMessageId,
        sentAt: new Date(),
        lastError: null,
        leaseUntil: null,
        leaseJob: null,
      })
      .where(eq(outboundEmails.id, email.id))
      .returning({ status: outboundEmails.status });
    if (rows[0]?.status === "sent" && email.invitationId)
      await tx
        .update(invitations)
        .set({ deliveryStatus: "sent" })
        .where(sql`${invitations.id} = ${email.invitationId} and ${invitations.acceptedAt} is null`);
    return rows;
  });
  log.info({ transport: result.transport, attempts: email.attempts, outcome: after?.status }, "email sent");
  return { status: "sent" };
}

/** Whether the record is pending and nobody holds it: queued, or sending under a lease that ran out. */
const unheld = sql`(${outboundEmails.status} = 'queued' or (${outboundEmails.status} = 'sending' and coalesce(${outboundEmails.leaseUntil}, '-infinity') < now()))`;

/** BullMQ failed a job for good. A final error the processor recorded itself; a stall it could not: record and retry. */
export async function onEmailJobFailed(job: Job, err: Error, log: Logger): Promise<void> {
  if (!err.message.includes(STALLED_REASON)) return;
  const parsed = emailPayload.safeParse(job.data);
  if (!parsed.success) return;
  const { emailId } = parsed.data;
  const jobId = String(job.id);
  const generation = generationOf(jobId, emailId);
  // Held by this very job (its worker died mid-send), or not yet claimed under it: either way nobody else carries it.
  const only = sql`((${outboundEmails.status} = 'sending' and ${outboundEmails.leaseJob} = ${jobId}) or (${outboundEmails.jobGeneration} = ${generation ?? -1} and ${unheld}))`;
  const requeued = await db.transaction((tx) => requeueEmail(tx, emailId, { only, reason: "The worker stopped while sending it (stalled); sending again." }));
  log.warn({ emailId, jobId, requeuedAs: requeued }, "email job stalled: its worker stopped mid-send");
}

export const emailReconciler: Reconciler = {
  async pending(after, limit) {
    const [afterTime, afterId] = after ? after.split("|") : [null, null];
    const rows = (await db.execute(sql`
      select e.id, e.job_generation, e.created_at::text as created,
             (e.first_attempt_at is not null and e.first_attempt_at < now() - ${`${retryBudgetMs()} milliseconds`}::interval) as budget_spent
        from outbound_emails e
       where e.status in ('queued', 'sending')
         and (e.status = 'queued' or coalesce(e.lease_until, '-infinity') < now())
         and (${afterTime}::timestamptz is null or (e.created_at, e.id) > (${afterTime}::timestamptz, ${afterId}::uuid))
         and not exists (
           select 1 from outbox o
            where o.relayed_at is null and o.set_aside_at is null and o.queue = ${EMAIL_QUEUE} and o.payload->>'emailId' = e.id::text)
       order by e.created_at, e.id
       limit ${limit}`)) as unknown as { id: string; job_generation: number; created: string; budget_spent: boolean }[];
    return rows.map((r): PendingWork => ({
      id: r.id,
      jobId: emailJobId(r.id, r.job_generation),
      cursor: `${r.created}|${r.id}`,
      budgetSpent: r.budget_spent,
    }));
  },
  async requeue(work, reason) {
    const only = sql`${outboundEmails.jobGeneration} = ${generationOf(work.jobId, work.id) ?? -1} and ${unheld}`;
    return (await db.transaction((tx) => requeueEmail(tx, work.id, { only, reason }))) !== null;
  },
  giveUp: (work, reason) => markFailed(work.id, reason, sql`${outboundEmails.jobGeneration} = ${generationOf(work.jobId, work.id) ?? -1} and ${unheld}`),
};
