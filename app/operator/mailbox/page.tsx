import Link from "next/link";
import { Timestamp } from "@/app/components/day";
import { KeysetPager } from "@/app/components/keyset-pager";
import { TableCard } from "@/app/components/list-section";
import { firstParams, type SearchParams } from "@/lib/core";
import { listMailbox } from "@/lib/mailbox";
import { orNotFound } from "@/lib/web";
import { getOperatorContext } from "../operator-context";

export const dynamic = "force-dynamic";
export const metadata = { title: "Dev mailbox" };

export default async function MailboxPage({ searchParams }: { searchParams: Promise<SearchParams<"after" | "before">> }) {
  const sp = firstParams(await searchParams, ["after", "before"]);
  const { principal } = await getOperatorContext("/operator/mailbox");
  const list = await orNotFound(listMailbox(principal, { after: sp.after, before: sp.before }));
  const emails = list.rows;
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
      <KeysetPager label="Mailbox" page={list} base="/operator/mailbox" current={{}} className="mt-4" />
    </section>
  );
}
