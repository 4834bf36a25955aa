// The worker's side of an e-mail's record (outbound_emails): claiming it under a lease, putting it back for a retry,
// recording what was sent or that it failed for good, and what the reconciliation sweep needs to find e-mails whose job
// the queue lost. The record is the truth (queued → sending → sent / failed, or superseded); a job only carries it.
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db, type Tx } from "@/db/client";
import { invitations, outboundEmails, type EmailStatus } from "@/db/schema";
import type { EmailContent } from "@/emails";
import { recordAudit } from "@/lib/audit";
import { systemPrincipal } from "@/lib/authz";
import { getEnv, parseRows } from "@/lib/core";
import type { PendingWork } from "@/lib/outbox";
import { emailJob, requeueEmail, withoutLink, type EmailLink } from "./queue-email";
import type { SendResult } from "./transport";

const WORKER = systemPrincipal("worker");

/** How long retries go on after the first attempt (EMAIL_RETRY_BUDGET_HOURS). */
export const emailRetryBudgetMs = () => getEnv().EMAIL_RETRY_BUDGET_HOURS * 3600_000;
/** How long a claim holds: a send (bounded by its timeout) plus rendering and bookkeeping. */
const leaseMs = () => getEnv().EMAIL_SEND_TIMEOUT_MS + 10_000;

/** What a worker that claimed an e-mail needs to render and send it. */
export type ClaimedEmail = {
  id: string;
  to: string;
  template: string;
  props: Record<string, unknown>;
  link: EmailLink | null;
  invitationId: string | null;
  attempts: number;
  firstAttemptAt: Date | null;
};

/**
 * Locks the invitation an e-mail belongs to, before the e-mail's own row: a resend locks them in that order (the
 * invitation, then its e-mails), and the opposite order would deadlock with it.
 */
async function lockInvitationOf(tx: Tx, emailId: string): Promise<void> {
  await tx.execute(sql`select 1 from invitations where id = (select invitation_id from outbound_emails where id = ${emailId}) for update`);
}

/** Records the e-mail as given up and, unless it was superseded, its invitation as failed (audited). */
export function markEmailFailed(emailId: string, message: string): Promise<boolean> {
  return markFailed(emailId, message);
}

/** Records the e-mail as given up and, unless it was superseded, its invitation as failed (audited). */
async function markFailed(emailId: string, message: string, only?: SQL): Promise<boolean> {
  return db.transaction(async (tx) => {
    await lockInvitationOf(tx, emailId);
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
export async function claimEmail(emailId: string, jobId: string, generation: number): Promise<{ email: ClaimedEmail } | { status: string }> {
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
        eq(outboundEmails.jobGeneration, generation),
        sql`(${outboundEmails.status} = 'queued' or (${outboundEmails.status} = 'sending' and (${outboundEmails.leaseUntil} < now() or ${outboundEmails.leaseJob} = ${jobId})))`,
      ),
    )
    .returning({
      id: outboundEmails.id,
      to: outboundEmails.to,
      template: outboundEmails.template,
      props: outboundEmails.props,
      link: outboundEmails.link,
      invitationId: outboundEmails.invitationId,
      attempts: outboundEmails.attempts,
      firstAttemptAt: outboundEmails.firstAttemptAt,
    });
  if (email) return { email: { ...email, props: email.props as Record<string, unknown>, link: email.link as EmailLink | null } };
  const [row] = await db
    .select({ status: outboundEmails.status, jobGeneration: outboundEmails.jobGeneration })
    .from(outboundEmails)
    .where(eq(outboundEmails.id, emailId));
  if (!row) return { status: "gone" };
  const done: Partial<Record<EmailStatus, string>> = { sent: "already-sent", failed: "already-failed", superseded: "superseded" };
  if (done[row.status]) return { status: done[row.status]! };
  // Pending, but carried by a newer job, or being sent right now by another worker.
  return { status: row.jobGeneration !== generation ? "stale-job" : "busy" };
}

/** Back to queued for the next attempt (a superseded e-mail stays superseded), keeping what went wrong. */
export async function releaseEmail(emailId: string, jobId: string, message: string): Promise<void> {
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

/** Keeps the rendered subject and body, without the live link (no stored column is a working link). */
export async function recordEmailBody(emailId: string, content: EmailContent, url: string | null): Promise<void> {
  await db
    .update(outboundEmails)
    .set({ subject: content.subject, html: withoutLink(content.html, url), text: withoutLink(content.text, url) })
    .where(eq(outboundEmails.id, emailId));
}

/** Records the e-mail as sent (a superseded one stays superseded) and its invitation as delivered; returns the status. */
export async function markEmailSent(email: Pick<ClaimedEmail, "id" | "invitationId">, result: SendResult): Promise<EmailStatus | undefined> {
  return db.transaction(async (tx) => {
    await lockInvitationOf(tx, email.id);
    const [row] = await tx
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
    if (row?.status === "sent" && email.invitationId)
      await tx
        .update(invitations)
        .set({ deliveryStatus: "sent" })
        .where(sql`${invitations.id} = ${email.invitationId} and ${invitations.acceptedAt} is null`);
    return row?.status;
  });
}

/** Whether the record is pending and nobody holds it: queued, or sending under a lease that ran out. */
const unheld = sql`(${outboundEmails.status} = 'queued' or (${outboundEmails.status} = 'sending' and coalesce(${outboundEmails.leaseUntil}, '-infinity') < now()))`;

/**
 * The job of generation `generation` stalled too often (its worker died mid-send): sends the e-mail again under the next
 * generation, if this job still holds it or never claimed it. Returns the new job id, or null.
 */
export function requeueStalledEmail(emailId: string, jobId: string, generation: number): Promise<string | null> {
  const only = sql`((${outboundEmails.status} = 'sending' and ${outboundEmails.leaseJob} = ${jobId}) or (${outboundEmails.jobGeneration} = ${generation} and ${unheld}))`;
  return db.transaction((tx) => requeueEmail(tx, emailId, { only, reason: "The worker stopped while sending it (stalled); sending again." }));
}

const pendingColumns = z.object({ id: z.uuid(), job_generation: z.number().int(), created: z.string(), budget_spent: z.boolean() });

/** E-mails still owed that nobody holds and whose intent isn't waiting in the outbox, oldest first after `after`. */
export async function listPendingEmails(after: string | null, limit: number): Promise<PendingWork[]> {
  const [afterTime, afterId] = after ? after.split("|") : [null, null];
  const rows = parseRows(
    pendingColumns,
    await db.execute(sql`
      select e.id, e.job_generation, e.created_at::text as created,
             (e.first_attempt_at is not null and e.first_attempt_at < now() - ${`${emailRetryBudgetMs()} milliseconds`}::interval) as budget_spent
        from outbound_emails e
       where e.status in ('queued', 'sending')
         and (e.status = 'queued' or coalesce(e.lease_until, '-infinity') < now())
         and (${afterTime}::timestamptz is null or (e.created_at, e.id) > (${afterTime}::timestamptz, ${afterId}::uuid))
         and not exists (
           select 1 from outbox o
            where o.relayed_at is null and o.set_aside_at is null and o.queue = ${emailJob.queue} and o.payload->>'emailId' = e.id::text)
       order by e.created_at, e.id
       limit ${limit}`),
  );
  return rows.map((r) => ({
    id: r.id,
    generation: r.job_generation,
    jobId: emailJob.jobId({ emailId: r.id, generation: r.job_generation }),
    cursor: `${r.created}|${r.id}`,
    budgetSpent: r.budget_spent,
  }));
}

/** Enqueues a pending e-mail again under its next generation, if it is still unheld under `work.generation`. */
export async function requeuePendingEmail(work: PendingWork, reason: string): Promise<boolean> {
  const only = sql`${outboundEmails.jobGeneration} = ${work.generation} and ${unheld}`;
  return (await db.transaction((tx) => requeueEmail(tx, work.id, { only, reason }))) !== null;
}

/** Records a pending e-mail as failed for good (its retry budget is spent), if it is still unheld under `work.generation`. */
export function giveUpPendingEmail(work: PendingWork, reason: string): Promise<boolean> {
  return markFailed(work.id, reason, sql`${outboundEmails.jobGeneration} = ${work.generation} and ${unheld}`);
}
