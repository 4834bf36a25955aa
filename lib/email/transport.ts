// Where e-mail goes: Resend when an API key is configured, otherwise the dev mailbox (the record itself is the mailbox);
// with neither, nowhere, and the e-mail is recorded as not sent.
import { createHash } from "node:crypto";
import { Resend } from "resend";
import { db } from "@/db/client";
import { outboundEmails } from "@/db/schema";
import { devMailboxEnabled, getEnv } from "@/lib/core";

export type OutgoingEmail = { id: string; to: string; subject: string; html: string; text: string };
export type SendResult = { transport: "resend" | "dev-mailbox"; providerMessageId: string };

/** A failure the job should retry; `retryAfterMs` is the provider's own wait when it gave one. */
export class TransientEmailError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = "TransientEmailError";
  }
}

/** A failure no retry can fix (bad address, rejected key). */
export class PermanentEmailError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "PermanentEmailError";
  }
}

export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The provider's idempotency key of an e-mail: the same on every attempt and every re-enqueue. */
export function idempotencyKeyOf(emailId: string): string {
  return `tenancy-email-${emailId}`;
}

export async function sendEmail(email: OutgoingEmail): Promise<SendResult> {
  const env = getEnv();
  if (!env.RESEND_API_KEY) {
    if (devMailboxEnabled(env)) return { transport: "dev-mailbox", providerMessageId: `dev-${email.id}` };
    throw new PermanentEmailError("Not sent: no e-mail provider is configured (RESEND_API_KEY is unset) and the dev mailbox is off (DEV_MAILBOX=off).", null);
  }

  const resend = new Resend(env.RESEND_API_KEY, env.RESEND_BASE_URL ? { baseUrl: env.RESEND_BASE_URL } : undefined);
  // The SDK hands the signal to fetch: when it fires, the request is abandoned (its connection closed), not just unawaited.
  const timeout = AbortSignal.timeout(env.EMAIL_SEND_TIMEOUT_MS);
  const { data, error, headers } = await resend.emails
    .send(
      { from: env.MAIL_FROM, to: [email.to], subject: email.subject, html: email.html, text: email.text },
      // The same key on every attempt: the provider drops a repeat of a message it already accepted.
      { idempotencyKey: idempotencyKeyOf(email.id), signal: timeout },
    )
    .catch((err: unknown) => {
      // The SDK answers failures as values; should it throw, the attempt failed without an answer, and may be repeated.
      if (timeout.aborted) return { data: null, error: null, headers: null };
      throw new TransientEmailError(`Resend could not be reached (${err instanceof Error ? err.name : "error"})`, null);
    });
  if (data?.id) return { transport: "resend", providerMessageId: data.id };

  if (timeout.aborted) throw new TransientEmailError(`Resend did not answer within ${env.EMAIL_SEND_TIMEOUT_MS} ms`, null);
  const status = (error as { statusCode?: number | null } | null)?.statusCode ?? null;
  const name = (error as { name?: string } | null)?.name ?? null;
  const message = `Resend answered ${status ?? "no response"}: ${error?.message ?? "unknown error"}`;
  if (status === 429) throw new TransientEmailError(message, status, parseRetryAfter(headers?.["retry-after"]));
  // Another attempt with the same key is still in flight at the provider (a worker presumed dead that is not): wait.
  if (status === 409 && name === "concurrent_idempotent_requests") throw new TransientEmailError(message, status);
  if (status === null || status >= 500 || status === 408) throw new TransientEmailError(message, status);
  throw new PermanentEmailError(message, status);
}

/** `template` names the kind of e-mail in the record the dev mailbox lists. */
export type BatchEmail = { to: string; subject: string; html: string; text: string; template?: string };

/**
 * Sends up to 100 e-mails in one call of the provider's batch API. `idempotencyKey` names the batch: a repeat of the
 * same batch (a job retried after a crash) is dropped by the provider. Errors are classified as for one e-mail.
 */
export async function sendEmailBatch(
  emails: BatchEmail[],
  idempotencyKey: string,
): Promise<{ transport: SendResult["transport"]; providerMessageIds: string[] }> {
  if (emails.length === 0 || emails.length > 100) throw new PermanentEmailError(`A batch holds 1 to 100 e-mails, not ${emails.length}.`, null);
  const env = getEnv();
  if (!env.RESEND_API_KEY) {
    if (devMailboxEnabled(env)) return { transport: "dev-mailbox", providerMessageIds: await deliverToDevMailbox(emails, idempotencyKey) };
    throw new PermanentEmailError("Not sent: no e-mail provider is configured (RESEND_API_KEY is unset) and the dev mailbox is off (DEV_MAILBOX=off).", null);
  }
  const resend = new Resend(env.RESEND_API_KEY, env.RESEND_BASE_URL ? { baseUrl: env.RESEND_BASE_URL } : undefined);
  const timeout = AbortSignal.timeout(env.EMAIL_SEND_TIMEOUT_MS);
  const { data, error, headers } = await resend.batch
    .send(
      emails.map((e) => ({ from: env.MAIL_FROM, to: [e.to], subject: e.subject, html: e.html, text: e.text })),
      { idempotencyKey, signal: timeout },
    )
    .catch((err: unknown) => {
      if (timeout.aborted) return { data: null, error: null, headers: null };
      throw new TransientEmailError(`Resend could not be reached (${err instanceof Error ? err.name : "error"})`, null);
    });
  if (data?.data) return { transport: "resend", providerMessageIds: data.data.map((d) => d.id) };
  if (timeout.aborted) throw new TransientEmailError(`Resend did not answer within ${env.EMAIL_SEND_TIMEOUT_MS} ms`, null);
  const status = (error as { statusCode?: number | null } | null)?.statusCode ?? null;
  const message = `Resend answered ${status ?? "no response"}: ${error?.message ?? "unknown error"}`;
  if (status === 429) throw new TransientEmailError(message, status, parseRetryAfter(headers?.["retry-after"]));
  if (status === null || status >= 500 || status === 408 || status === 409) throw new TransientEmailError(message, status);
  throw new PermanentEmailError(message, status);
}

/**
 * The dev mailbox's side of a batch: one sent e-mail record per recipient, which is what the mailbox lists and the
 * operator counts. Each record's id follows from the batch's key and the address, so a repeat of the batch (a job
 * retried after a crash) finds its records there and adds none, as the provider drops a repeated key.
 */
async function deliverToDevMailbox(emails: BatchEmail[], idempotencyKey: string): Promise<string[]> {
  const rows = emails.map((e) => ({
    id: batchEmailId(idempotencyKey, e.to),
    template: e.template ?? "batch",
    props: {},
    to: e.to,
    subject: e.subject,
    html: e.html,
    text: e.text,
    status: "sent" as const,
    transport: "dev-mailbox",
    attempts: 1,
    firstAttemptAt: new Date(),
    sentAt: new Date(),
  }));
  const ids = rows.map((r) => `dev-${r.id}`);
  await db
    .insert(outboundEmails)
    .values(rows.map((r, i) => ({ ...r, providerMessageId: ids[i] })))
    .onConflictDoNothing({ target: outboundEmails.id });
  return ids;
}

/** A UUID (version 8: name-based, SHA-256) for the e-mail to `to` in the batch `idempotencyKey`. */
export function batchEmailId(idempotencyKey: string, to: string): string {
  const b = createHash("sha256").update(`${idempotencyKey}\n${to.toLowerCase()}`).digest().subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x80;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
