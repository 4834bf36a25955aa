// Queue `email`: renders a recorded e-mail and sends it once. Idempotent: a sent record is never sent again, and the
// provider sees the same idempotency key on every attempt.
import { UnrecoverableError, type Job, type JobsOptions } from "bullmq";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { invitations, outboundEmails } from "@/db/schema";
import { isTemplateName, renderEmail, type TemplateName, type TemplateProps } from "@/emails";
import { recordAudit } from "@/lib/audit";
import { systemPrincipal } from "@/lib/authz";
import { EMAIL_JOB, EMAIL_QUEUE, PermanentEmailError, TransientEmailError, propsWithLink, sendEmail, withoutLink, type EmailLink } from "@/lib/email";
import { getEnv } from "@/lib/core";

export { EMAIL_JOB, EMAIL_QUEUE };

const WORKER = systemPrincipal("worker");

export const emailPayload = z.object({ emailId: z.uuid() });

export function emailJobOptions(): JobsOptions {
  const env = getEnv();
  return {
    attempts: env.EMAIL_ATTEMPTS,
    backoff: { type: "email", delay: env.EMAIL_BACKOFF_MS },
    removeOnComplete: { age: 24 * 3600, count: 10000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

/** Backoff for the email queue: the provider's Retry-After when it gave one, else exponential. */
export function emailBackoff(attemptsMade: number, err: Error | undefined): number {
  if (err instanceof TransientEmailError && err.retryAfterMs !== null) return err.retryAfterMs;
  return getEnv().EMAIL_BACKOFF_MS * 2 ** Math.max(0, attemptsMade - 1);
}

async function markFailed(emailId: string, invitationId: string | null, message: string) {
  await db.transaction(async (tx) => {
    await tx.update(outboundEmails).set({ status: "failed", lastError: message }).where(eq(outboundEmails.id, emailId));
    if (invitationId) {
      const [inv] = await tx
        .update(invitations)
        .set({ deliveryStatus: "failed" })
        .where(sql`${invitations.id} = ${invitationId} and ${invitations.acceptedAt} is null`)
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
  });
}

export async function processEmailJob(job: Pick<Job, "data" | "attemptsMade" | "opts">): Promise<{ status: string }> {
  const parsed = emailPayload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid email payload: ${parsed.error.message}`);
  const { emailId } = parsed.data;

  const [email] = await db.select().from(outboundEmails).where(eq(outboundEmails.id, emailId));
  if (!email) return { status: "gone" };
  if (email.status === "sent") return { status: "already-sent" };
  if (!isTemplateName(email.template)) {
    await markFailed(email.id, email.invitationId, `unknown template ${email.template}`);
    throw new UnrecoverableError(`unknown template ${email.template}`);
  }

  const { props, url } = propsWithLink(email.props as Record<string, unknown>, email.link as EmailLink | null);
  const content = await renderEmail(email.template as TemplateName, props as TemplateProps[TemplateName]);
  // The record keeps the body; one a real provider delivers keeps it without its live link. The dev mailbox is the
  // inbox itself (operators only), so there the link stays.
  const viaProvider = Boolean(getEnv().RESEND_API_KEY);
  await db
    .update(outboundEmails)
    .set({
      subject: content.subject,
      html: viaProvider ? withoutLink(content.html, url) : content.html,
      text: viaProvider ? withoutLink(content.text, url) : content.text,
      attempts: sql`${outboundEmails.attempts} + 1`,
    })
    .where(eq(outboundEmails.id, email.id));

  try {
    const result = await sendEmail({ id: email.id, to: email.to, ...content });
    await db.transaction(async (tx) => {
      await tx
        .update(outboundEmails)
        .set({ status: "sent", transport: result.transport, providerMessageId: result.providerMessageId, sentAt: new Date(), lastError: null })
        .where(eq(outboundEmails.id, email.id));
      if (email.invitationId)
        await tx
          .update(invitations)
          .set({ deliveryStatus: "sent" })
          .where(sql`${invitations.id} = ${email.invitationId} and ${invitations.acceptedAt} is null`);
    });
    return { status: "sent" };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (err instanceof PermanentEmailError || lastAttempt) {
      await markFailed(email.id, email.invitationId, message);
      throw err instanceof PermanentEmailError ? new UnrecoverableError(message) : err;
    }
    await db.update(outboundEmails).set({ lastError: message }).where(eq(outboundEmails.id, email.id));
    throw err;
  }
}
