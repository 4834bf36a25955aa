// The dev mailbox: where e-mails stay when no mail provider is configured. It is the outbound e-mail record itself.
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { outboundEmails } from "@/db/schema";
import { authorizeInstallation, type Principal } from "@/lib/authz";
import { NotFoundError, devMailboxEnabled } from "@/lib/core";

// Only operators read it: its messages carry live links (invitations, password resets), so anyone else reading it
// could act as their recipients. It exists only while no mail provider is configured.
function requireMailbox(principal: Principal): void {
  if (!devMailboxEnabled()) throw new NotFoundError();
  authorizeInstallation(principal, "READ_DEV_MAILBOX");
}

export async function listMailbox(principal: Principal, opts: { page: number; pageSize?: number }) {
  requireMailbox(principal);
  const pageSize = opts.pageSize ?? 50;
  const rows = await db
    .select({
      id: outboundEmails.id,
      to: outboundEmails.to,
      subject: outboundEmails.subject,
      template: outboundEmails.template,
      status: outboundEmails.status,
      createdAt: outboundEmails.createdAt,
      sentAt: outboundEmails.sentAt,
    })
    .from(outboundEmails)
    .orderBy(desc(outboundEmails.createdAt), desc(outboundEmails.id))
    .limit(pageSize + 1)
    .offset((Math.max(1, opts.page) - 1) * pageSize);
  return { rows: rows.slice(0, pageSize), more: rows.length > pageSize };
}

export async function getMailboxMessage(principal: Principal, id: string) {
  requireMailbox(principal);
  const parsed = z.uuid().safeParse(id);
  if (!parsed.success) throw new NotFoundError();
  const [email] = await db.select().from(outboundEmails).where(eq(outboundEmails.id, parsed.data));
  if (!email) throw new NotFoundError();
  return email;
}
