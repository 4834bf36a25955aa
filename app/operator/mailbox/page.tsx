import Link from "next/link";
import { Timestamp } from "@/app/components/day";
import { TableCard } from "@/app/components/list-section";
import { listMailbox } from "@/lib/mailbox";
import { orNotFound } from "@/lib/web";
import { getOperatorContext } from "../operator-context";

export const dynamic = "force-dynamic";
export const metadata = { title: "Dev mailbox" };

export default async function MailboxPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const page = Math.max(1, Math.min(10_000, Number((await searchParams).page) || 1));
  const { principal } = await getOperatorContext("/operator/mailbox");
  const { rows: emails, more } = await orNotFound(listMailbox(principal, { page }));
  return (
    <section className="max-w-4xl">
      <h1 className="text-2xl font-semibold">Dev mailbox</h1>
      <p className="mt-1 text-sm text-slate-600">
        No mail provider is configured (RESEND_API_KEY unset), so e-mails are kept here instead of being sent. Only operators can read it: its messages carry
        live links.
      </p>
      <div className="mt-6">
        <TableCard columns={["Recipient", "Subject", "Status", "Time"]} empty={emails.length === 0 && "No e-mails yet."}>
          {emails.map((e) => (
            <tr key={e.id} data-testid="mailbox-row">
              <td>{e.to}</td>
              <td>
                <Link href={`/operator/mailbox/${e.id}`} className="text-blue-700 hover:underline">
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
        {page > 1 ? (
          <Link className="btn btn-secondary" href={`?page=${page - 1}`}>
            Newer
          </Link>
        ) : null}
        {more ? (
          <Link className="btn btn-secondary" href={`?page=${page + 1}`}>
            Older
          </Link>
        ) : null}
      </div>
    </section>
  );
}
