// Records an outbound e-mail and the intent to send it, inside the caller's transaction.
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { outboundEmails } from "@/db/schema";
import type { TemplateName, TemplateProps } from "@/emails";
import { deriveLinkToken } from "@/lib/core";
import { getEnv } from "@/lib/core";
import { addToOutbox } from "@/lib/outbox";

export const EMAIL_QUEUE = "email";
export const EMAIL_JOB = "email.send";

/**
 * A link the e-mail carries, stored without its token: `path` has a `{token}` placeholder, filled at render time from
 * `nonce` and the installation's secret, into the template prop `prop`.
 */
export type EmailLink<P extends string = string> = { purpose: string; nonce: string; path: string; prop: P };

export async function queueEmail<K extends TemplateName, L extends keyof TemplateProps[K] & string = never>(
  ex: Executor,
  email: {
    template: K;
    to: string;
    props: Omit<TemplateProps[K], L>;
    link?: EmailLink<L>;
    customerId?: string | null;
    invitationId?: string | null;
  },
): Promise<string> {
  const [row] = await ex
    .insert(outboundEmails)
    .values({
      template: email.template,
      to: email.to,
      props: email.props,
      link: email.link ?? null,
      customerId: email.customerId ?? null,
      invitationId: email.invitationId ?? null,
    })
    .returning({ id: outboundEmails.id });
  await addToOutbox(ex, emailIntent(row.id, 0));
  return row.id;
}

/** The BullMQ job id of an e-mail's `generation`-th enqueue: deterministic, so a repeat of the same enqueue is dropped. */
export function emailJobId(emailId: string, generation: number): string {
  return generation === 0 ? `email-${emailId}` : `email-${emailId}-${generation}`;
}

/** The outbox intent that (re-)enqueues an e-mail. */
export function emailIntent(emailId: string, generation: number) {
  return { queue: EMAIL_QUEUE, jobName: EMAIL_JOB, jobId: emailJobId(emailId, generation), payload: { emailId } };
}

/**
 * Sends an e-mail again, through the outbox, under its next job id (BullMQ ignores a new job whose id it still holds as
 * completed or failed); the provider's idempotency key stays the same, so the recipient still gets it once. `only`
 * says which states of the record qualify; `freshBudget` starts the retry budget anew (an operator's retry). Returns
 * the new job id, or null when the record did not qualify.
 */
export async function requeueEmail(ex: Executor, emailId: string, opts: { only: SQL; reason?: string | null; freshBudget?: boolean }): Promise<string | null> {
  const [row] = await ex
    .update(outboundEmails)
    .set({
      status: "queued",
      leaseUntil: null,
      leaseJob: null,
      jobGeneration: sql`${outboundEmails.jobGeneration} + 1`,
      queuedAt: sql`now()`,
      ...(opts.reason !== undefined ? { lastError: opts.reason } : {}),
      ...(opts.freshBudget ? { firstAttemptAt: null } : {}),
    })
    .where(and(eq(outboundEmails.id, emailId), opts.only))
    .returning({ generation: outboundEmails.jobGeneration });
  if (!row) return null;
  const intent = emailIntent(emailId, row.generation);
  await addToOutbox(ex, intent);
  return intent.jobId;
}

/**
 * Marks an invitation's e-mails that have not gone out yet as superseded (call it before queueing the newer one): they
 * are not sent any more, and an attempt already under way no longer changes the invitation, whatever its outcome.
 */
export async function supersedeEmails(ex: Executor, of: { invitationId: string }): Promise<void> {
  await ex
    .update(outboundEmails)
    .set({ status: "superseded" })
    .where(and(eq(outboundEmails.invitationId, of.invitationId), inArray(outboundEmails.status, ["queued", "sending"])));
}

/** The props to render with: the stored ones plus the link, made usable again with the installation's secret. */
export function propsWithLink(props: Record<string, unknown>, link: EmailLink | null): { props: Record<string, unknown>; url: string | null } {
  if (!link) return { props, url: null };
  const url = `${getEnv().APP_URL}${link.path.replace("{token}", deriveLinkToken(link.purpose, link.nonce))}`;
  return { props: { ...props, [link.prop]: url }, url };
}

/** A rendered body with its live link taken out, for the record of an e-mail a real provider delivered. */
export function withoutLink(body: string, url: string | null): string {
  if (!url) return body;
  return body.split(url).join("[link removed after sending]").split(url.replace(/&/g, "&amp;")).join("[link removed after sending]");
}
