import type { Metadata } from "next";
import Link from "next/link";
import { Day } from "@/app/components/day";
import { withParams } from "@/app/components/list-controls";
import { ListSection, TableCard } from "@/app/components/list-section";
import { LiveRefresh } from "@/app/components/live-refresh";
import { firstParams, type SearchParams } from "@/lib/core";
import { listCustomerDeletions } from "@/lib/deletions";
import { getAdminContext } from "../admin-context";
import { DeletionProgress, STATUS_LABELS } from "./deletion-progress";

export const metadata: Metadata = { title: "Deletions · Administration" };

export default async function DeletionsPage({ params, searchParams }: { params: Promise<{ account: string }>; searchParams: Promise<SearchParams<"before">> }) {
  const { account } = await params;
  const sp = firstParams(await searchParams, ["before"]);
  const { principal, customer: manager } = await getAdminContext(account);
  const list = await listCustomerDeletions(principal, manager.identifier, { before: sp.before });
  const base = `/${manager.identifier}/admin/deletions`;
  const active = list.rows.some((d) => d.status === "pending" || d.status === "running");
  return (
    <div className="space-y-6">
      <LiveRefresh active={active} maxMs={30 * 60_000} />
      <div>
        <h1 className="text-2xl font-semibold">Deletions</h1>
        <p className="mt-1 text-sm text-slate-600">
          Customers deleted from this Administration: each can be undone for a few minutes, then the deletion runs in the background and is recorded here.
        </p>
      </div>
      <ListSection
        id="deletions-heading"
        title="Recent deletions"
        description="Newest first. Start one from a customer's Delete…, or by selecting customers in the list."
      >
        <TableCard
          columns={["What", "Asked by", "When", "Status", "Progress"]}
          tableClassName="min-w-[48rem]"
          empty={list.rows.length === 0 && "No deletions yet."}
          footer={
            list.next || sp.before ? (
              <nav aria-label="Deletions pages" className="flex justify-end gap-2 px-3 py-2 text-sm">
                {sp.before ? (
                  <Link className="btn btn-secondary" href={base}>
                    Newest
                  </Link>
                ) : null}
                {list.next ? (
                  <Link className="btn btn-secondary" href={withParams(base, {}, { before: list.next })} rel="next">
                    Older
                  </Link>
                ) : null}
              </nav>
            ) : null
          }
        >
          {list.rows.map((d) => (
            <tr key={d.id} data-testid="deletion-row">
              <td className="max-w-[16rem] font-medium break-words">
                <Link href={`${base}/${d.id}`} className="text-blue-800 hover:underline">
                  {d.label}
                </Link>
              </td>
              <td className="max-w-[14rem] text-sm break-words">{d.requested_by_label.replace(/ <.*>$/, "")}</td>
              <td className="whitespace-nowrap">
                <Day at={d.created_at} />
              </td>
              <td className="text-sm">{STATUS_LABELS[d.status]}</td>
              <td>
                <DeletionProgress d={d} />
              </td>
            </tr>
          ))}
        </TableCard>
      </ListSection>
    </div>
  );
}
