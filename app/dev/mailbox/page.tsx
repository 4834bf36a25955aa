import Link from "next/link";
import { notFound } from "next/navigation";
import { desc } from "drizzle-orm";
import { db } from "@/db/client";
import { Timestamp } from "@/app/components/day";
import { TableCard } from "@/app/components/list-section";
import { outboundEmails } from "@/db/schema";
import { devMailboxEnabled } from "@/lib/env";

export const dynamic = "force-dynamic";
export const metadata = { title: "Dev mailbox" };

export default async function MailboxPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  if (!devMailboxEnabled()) notFound();
  const page = Math.max(1, Number((await searchParams).page) || 1);
  const pageSize = 50;
  const emails = await db
    .select({ id: outboundEmails.id, to: outboundEmails.to, subject: outboundEmails.subject, template: outboundEmails.template, status: outboundEmails.status, createdAt: outboundEmails.createdAt, sentAt: outboundEmails.sentAt })
    .from(outboundEmails)
    .orderBy(desc(outboundEmails.createdAt), desc(outboundEmails.id))
    .limit(pageSize + 1)
    .offset((page - 1) * pageSize);
  return (
    <main className="mx-auto max-w-4xl px-4 py-8">
      <h1 className="text-2xl font-semibold">Dev mailbox</h1>
      <p className="mt-1 text-sm text-slate-600">No mail provider is configured (RESEND_API_KEY unset), so e-mails are kept here instead of being sent.</p>
      <div className="mt-6">
        <TableCard columns={["Recipient", "Subject", "Status", "Time"]} empty={emails.length === 0 && "No e-mails yet."}>
          {emails.slice(0, pageSize).map((e) => (
            <tr key={e.id} data-testid="mailbox-row">
              <td>{e.to}</td>
              <td>
                <Link href={`/dev/mailbox/${e.id}`} className="text-blue-700 hover:underline">
                  {e.subject ?? `(${e.template}, not rendered yet)`}
                </Link>
              </td>
              <td>{e.status}</td>
              <td>
                <Timestamp at={e.sentAt ?? e.createdAt} />
              </td>
            </tr>
          ))}
        </TableCard>
      </div>
      <div className="mt-4 flex gap-2">
        {page > 1 ? <Link className="btn btn-secondary" href={`?page=${page - 1}`}>Newer</Link> : null}
        {emails.length > pageSize ? <Link className="btn btn-secondary" href={`?page=${page + 1}`}>Older</Link> : null}
      </div>
    </main>
  );
}
