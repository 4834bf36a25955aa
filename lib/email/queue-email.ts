// Records an outbound e-mail and the intent to send it, inside the caller's transaction.
import type { JobsOptions } from "bullmq";
import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { outboundEmails } from "@/db/schema";
import type { TemplateName, TemplateProps } from "@/emails";
import { deriveLinkToken } from "@/lib/core";
import { getEnv } from "@/lib/core";
import { defineJob, enqueue } from "@/lib/outbox";

export const EMAIL_QUEUE = "email";
/** BullMQ needs a number of attempts; without EMAIL_ATTEMPTS the retry budget alone ends the retries. */
const NO_ATTEMPT_CAP = 1_000_000;

/** Sends one recorded e-mail. The record (outbound_emails) is the truth; `generation` says which enqueue this is. */
export const emailJob = defineJob({
  queue: EMAIL_QUEUE,
  name: () => "email.send",
  payload: z.object({ emailId: z.uuid(), generation: z.number().int().min(0) }),
  // Generation 0 keeps the id the first enqueue always had.
  jobId: ({ emailId, generation }) => (generation === 0 ? `email-${emailId}` : `email-${emailId}-${generation}`),
  options: (): JobsOptions => {
    const env = getEnv();
    return {
      attempts: env.EMAIL_ATTEMPTS ?? NO_ATTEMPT_CAP,
      backoff: { type: "email", delay: env.EMAIL_BACKOFF_MS },
      removeOnComplete: { age: 24 * 3600, count: 10000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  },
});

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
  await enqueue(ex, emailJob, { emailId: row.id, generation: 0 });
  return row.id;
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
  const payload = { emailId, generation: row.generation };
  await enqueue(ex, emailJob, payload);
  return emailJob.jobId(payload);
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

/** What stands in a recorded body where its live link was: the record is never a working link, whatever the transport. */
export const LINK_REMOVED = "[link removed after sending]";

/** A rendered body with its live link taken out, for the record of the e-mail (the dev mailbox included). */
export function withoutLink(body: string, url: string | null): string {
  if (!url) return body;
  return body.split(url).join(LINK_REMOVED).split(escapeHtml(url)).join(LINK_REMOVED);
}

/**
 * A recorded body with its link made live again, for the operator who opens the e-mail in the dev mailbox: the link is
 * derived from the record's nonce with the installation's secret at that moment, and is stored nowhere.
 */
export function withLinkRestored(body: string, link: EmailLink | null, format: "html" | "text"): string {
  if (!link) return body;
  const url = `${getEnv().APP_URL}${link.path.replace("{token}", deriveLinkToken(link.purpose, link.nonce))}`;
  return body.split(LINK_REMOVED).join(format === "html" ? escapeHtml(url) : url);
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;");
