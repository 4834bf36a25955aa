// Where e-mail goes: Resend when an API key is configured, otherwise the dev mailbox (the record itself is the mailbox).
import { Resend } from "resend";
import { getEnv } from "@/lib/core";

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

export async function sendEmail(email: OutgoingEmail): Promise<SendResult> {
  const env = getEnv();
  if (!env.RESEND_API_KEY) return { transport: "dev-mailbox", providerMessageId: `dev-${email.id}` };

  const resend = new Resend(env.RESEND_API_KEY, env.RESEND_BASE_URL ? { baseUrl: env.RESEND_BASE_URL } : undefined);
  const { data, error, headers } = await resend.emails.send(
    { from: env.MAIL_FROM, to: [email.to], subject: email.subject, html: email.html, text: email.text },
    // The same key on every attempt: the provider drops a repeat of a message it already accepted.
    { idempotencyKey: `tenancy-email-${email.id}` },
  );
  if (data?.id) return { transport: "resend", providerMessageId: data.id };

  const status = (error as { statusCode?: number | null } | null)?.statusCode ?? null;
  const message = `Resend answered ${status ?? "no response"}: ${error?.message ?? "unknown error"}`;
  if (status === 429) throw new TransientEmailError(message, status, parseRetryAfter(headers?.["retry-after"]));
  if (status === null || status >= 500 || status === 408) throw new TransientEmailError(message, status);
  throw new PermanentEmailError(message, status);
}
