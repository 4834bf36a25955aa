// Records an outbound e-mail and the intent to send it, inside the caller's transaction.
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
  await addToOutbox(ex, { queue: EMAIL_QUEUE, jobName: EMAIL_JOB, jobId: `email-${row.id}`, payload: { emailId: row.id } });
  return row.id;
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
