import type { Metadata } from "next";
import { Timestamp } from "@/app/components/day";
import { KeysetPager } from "@/app/components/keyset-pager";
import { ACTIONS_COLUMN, TableCard } from "@/app/components/list-section";
import { firstParams, type SearchParams } from "@/lib/core";
import { EMAIL_STUCK_AFTER_MINUTES, listUndeliveredEmails } from "@/lib/queues";
import { orNotFound } from "@/lib/web";
import { getOperatorContext } from "../operator-context";
import { RetryEmail } from "./retry-email";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "E-mails · Operator" };

export default async function UndeliveredEmailsPage({ searchParams }: { searchParams: Promise<SearchParams<"after" | "before" | "retried">> }) {
  const sp = firstParams(await searchParams, ["after", "before", "retried"]);
  const { principal } = await getOperatorContext("/operator/emails");
  const list = await orNotFound(listUndeliveredEmails(principal, { after: sp.after, before: sp.before }));
  return (
    <section className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">E-mails not delivered</h1>
        <p className="mt-1 text-sm text-slate-600">
          E-mails that failed, and those still queued after {EMAIL_STUCK_AFTER_MINUTES} minutes (stuck), most recently queued first. Retry queues one again; the
          provider is given the same idempotency key, so a message it already accepted is not delivered twice.
        </p>
      </div>
      {sp.retried ? (
        <p role="status" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
          The e-mail is queued again; the worker sends it shortly.
        </p>
      ) : null}
      <TableCard
        columns={["Recipient", "Template", "Status", "Attempts", "Last error", "Queued", ACTIONS_COLUMN]}
        tableClassName="min-w-[56rem]"
        empty={list.rows.length === 0 && "Every e-mail has been delivered or is on its way."}
        footer={<KeysetPager label="E-mails" page={list} base="/operator/emails" current={{}} />}
      >
        {list.rows.map((e) => (
          <tr key={e.id} data-testid="undelivered-email-row">
            <td className="break-words">{e.to}</td>
            <td className="font-mono text-xs">{e.template}</td>
            <td>
              {e.problem === "failed" ? (
                <span className="rounded bg-red-100 px-1.5 py-0.5 text-xs font-semibold text-red-800">failed</span>
              ) : (
                <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900">stuck ({e.status})</span>
              )}
            </td>
            <td className="tabular-nums">{e.attempts}</td>
            <td className="max-w-xs break-words text-sm text-slate-700">{e.lastError ?? "—"}</td>
            <td className="whitespace-nowrap text-sm">
              <Timestamp at={e.queuedAt} />
            </td>
            <td className="text-right">
              <RetryEmail emailId={e.id} to={e.to} />
            </td>
          </tr>
        ))}
      </TableCard>
    </section>
  );
}
