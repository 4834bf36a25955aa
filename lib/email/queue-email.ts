// Records an outbound e-mail and the intent to send it, inside the caller's transaction.
import type { Executor } from "@/db/client";
import { outboundEmails } from "@/db/schema";
import type { TemplateName, TemplateProps } from "@/emails";
import { addToOutbox } from "@/lib/outbox";

export const EMAIL_QUEUE = "email";
export const EMAIL_JOB = "email.send";

export async function queueEmail<K extends TemplateName>(
  ex: Executor,
  email: { template: K; to: string; props: TemplateProps[K]; customerId?: string | null; invitationId?: string | null },
): Promise<string> {
  const [row] = await ex
    .insert(outboundEmails)
    .values({
      template: email.template,
      to: email.to,
      props: email.props,
      customerId: email.customerId ?? null,
      invitationId: email.invitationId ?? null,
    })
    .returning({ id: outboundEmails.id });
  await addToOutbox(ex, { queue: EMAIL_QUEUE, jobName: EMAIL_JOB, jobId: `email-${row.id}`, payload: { emailId: row.id } });
  return row.id;
}
