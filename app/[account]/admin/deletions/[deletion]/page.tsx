import type { Metadata } from "next";
import Link from "next/link";
import { Timestamp } from "@/app/components/day";
import { LiveRefresh } from "@/app/components/live-refresh";
import { getCustomerDeletion } from "@/lib/deletions";
import { orNotFound } from "@/lib/web";
import { getAdminContext } from "../../admin-context";
import { DeletionProgress, STATUS_LABELS } from "../deletion-progress";
import { UndoForm } from "./undo-form";
import { counted } from "@/lib/core";

export const metadata: Metadata = { title: "Deletion · Administration" };

export default async function DeletionPage({ params }: { params: Promise<{ account: string; deletion: string }> }) {
  const { account, deletion: deletionId } = await params;
  const { principal, customer: manager, can } = await getAdminContext(account);
  const d = await orNotFound(getCustomerDeletion(principal, manager.identifier, deletionId));
  const undoable = d.status === "pending" && d.undo_until.getTime() > Date.now() && can("DELETE_CUSTOMERS");
  const active = d.status === "pending" || d.status === "running";
  return (
    <div className="max-w-3xl space-y-6">
      <LiveRefresh active={active} intervalMs={1500} maxMs={60 * 60_000} />
      <Link href={`/${manager.identifier}/admin/deletions`} className="text-sm text-blue-700 hover:underline">
        ← Deletions
      </Link>
      <div>
        <p className="text-sm font-medium text-slate-500">Deletion</p>
        <h1 className="text-2xl font-semibold break-words">{d.label}</h1>
        <p className="mt-1 text-sm text-slate-600">
          Asked by {d.requested_by_label.replace(/ <.*>$/, "")} on <Timestamp at={d.created_at} />.{" "}
          <span data-testid="deletion-status">Status: {STATUS_LABELS[d.status]}</span>
          {d.cancelled_by ? ` by ${d.cancelled_by.replace(/ <.*>$/, "")}` : ""}.
        </p>
      </div>
      <section aria-labelledby="progress-heading" className="card space-y-4 p-5">
        <h2 id="progress-heading" className="text-lg font-semibold">
          Progress
        </h2>
        <DeletionProgress d={d} />
        {undoable ? (
          <UndoForm account={manager.identifier} deletionId={d.id} undoUntil={d.undo_until.toISOString()} />
        ) : d.status === "pending" ? (
          <p className="text-sm text-slate-600">Starting: the time to undo it has passed.</p>
        ) : null}
        {d.status === "cancelled" ? (
          <p role="status" className="text-sm text-green-800">
            Undone{d.cancelled_by ? ` by ${d.cancelled_by.replace(/ <.*>$/, "")}` : ""}: every customer is back, exactly as it was.
          </p>
        ) : null}
        {d.status === "done" && d.finished_at ? (
          <p className="text-sm text-green-800">
            Finished on <Timestamp at={d.finished_at} />. A report went to {d.requested_by_label.replace(/ <.*>$/, "")} by e-mail.
          </p>
        ) : null}
      </section>
      <section aria-labelledby="customers-heading" className="card space-y-2 p-5">
        <h2 id="customers-heading" className="text-lg font-semibold">
          Customers ({d.customers_total})
        </h2>
        <p className="text-sm text-slate-600">
          {counted.usersGone(d.impact.users ?? 0)}, {counted.projects(d.impact.projects ?? 0)}, {counted.pendingInvitations(d.impact.pendingInvitations ?? 0)}{" "}
          and {counted.openNotices(d.impact.openNotices ?? 0)}
          {d.impact.usersKept ? `; ${counted.peopleKept(d.impact.usersKept)}` : ""}.
        </p>
        <ul className="max-h-64 list-disc overflow-y-auto pl-5 text-sm">
          {d.customer_list.slice(0, 500).map((c) => (
            <li key={c.identifier}>
              {c.name} <span className="font-mono text-xs text-slate-500">{c.identifier}</span>
            </li>
          ))}
        </ul>
        {d.customer_list.length > 500 ? <p className="text-sm text-slate-600">and {d.customer_list.length - 500} more.</p> : null}
      </section>
    </div>
  );
}
