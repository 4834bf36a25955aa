// The dev mailbox: where e-mails stay when no mail provider is configured. It is the outbound e-mail record itself.
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { outboundEmails } from "@/db/schema";
import { authorizeInstallation, type Principal } from "@/lib/authz";
import { NotFoundError, devMailboxEnabled, keysetClauses, keysetOf, keysetPage, type PageRequest } from "@/lib/core";
import { withLinkRestored, type EmailLink } from "@/lib/email";

// Only operators read it: a message opened here shows its live link (invitations, password resets), derived from the
// record's nonce as it is opened, so anyone else reading it could act as its recipient. The record itself holds no
// working link. It exists only while no mail provider is configured.
function requireMailbox(principal: Principal): void {
  if (!devMailboxEnabled()) throw new NotFoundError();
  authorizeInstallation(principal, "READ_DEV_MAILBOX");
}

/** The mailbox, newest first, keyset-paged on (created, id). */
export async function listMailbox(principal: Principal, opts: PageRequest = {}) {
  requireMailbox(principal);
  const k = keysetOf(opts, { default: 50, max: 200 }, "timestamptz");
  const page = keysetClauses(k, sql`${outboundEmails.createdAt}`, sql`${outboundEmails.id}`, "desc");
  const rows = await db
    .select({
      id: outboundEmails.id,
      to: outboundEmails.to,
      subject: outboundEmails.subject,
      template: outboundEmails.template,
      status: outboundEmails.status,
      createdAt: outboundEmails.createdAt,
      sentAt: outboundEmails.sentAt,
      sort_value: sql<string>`${outboundEmails.createdAt}::text`,
    })
    .from(outboundEmails)
    .where(page.where)
    .orderBy(page.orderBy)
    .limit(k.limit + 1);
  return keysetPage(rows, k, ({ sort_value: _, ...r }) => r);
}

export type MailboxMessage = {
  id: string;
  to: string;
  subject: string | null;
  status: string;
  html: string | null;
  text: string | null;
  createdAt: Date;
  sentAt: Date | null;
};

/** One e-mail as its recipient got it: the link the record keeps only as a nonce is derived again for this reading. */
export async function getMailboxMessage(principal: Principal, id: string): Promise<MailboxMessage> {
  requireMailbox(principal);
  const parsed = z.uuid().safeParse(id);
  if (!parsed.success) throw new NotFoundError();
  const [email] = await db
    .select({
      id: outboundEmails.id,
      to: outboundEmails.to,
      subject: outboundEmails.subject,
      status: outboundEmails.status,
      html: outboundEmails.html,
      text: outboundEmails.text,
      link: outboundEmails.link,
      createdAt: outboundEmails.createdAt,
      sentAt: outboundEmails.sentAt,
    })
    .from(outboundEmails)
    .where(eq(outboundEmails.id, parsed.data));
  if (!email) throw new NotFoundError();
  const { link, ...rest } = email;
  const emailLink = link as EmailLink | null;
  return {
    ...rest,
    html: rest.html === null ? null : withLinkRestored(rest.html, emailLink, "html"),
    text: rest.text === null ? null : withLinkRestored(rest.text, emailLink, "text"),
  };
}
