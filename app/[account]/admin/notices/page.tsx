import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Day } from "@/app/components/day";
import { PlusIcon } from "@/app/components/icons";
import { KeysetPager } from "@/app/components/keyset-pager";
import { SearchBox } from "@/app/components/list-controls";
import { ListSection, TableCard } from "@/app/components/list-section";
import { NoticeEvents } from "@/app/components/notice-events";
import { ProgressBar } from "@/app/components/progress-bar";
import { firstParams, type SearchParams, searchTerm } from "@/lib/core";
import { MODE_LABELS, listNotices } from "@/lib/notices";
import { getAdminContext } from "../admin-context";
import { STATE_LABELS, addressedText } from "./notice-labels";

export const metadata: Metadata = { title: "Notices · Administration" };

export default async function NoticesPage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string }>;
  searchParams: Promise<SearchParams<"q" | "after" | "before">>;
}) {
  const { account } = await params;
  const sp = firstParams(await searchParams, ["q", "after", "before"]);
  const { principal, customer: partner, can } = await getAdminContext(account);
  if (partner.kind !== "partner" || !can("VIEW_NOTICE_TRACKING")) notFound();
  const q = searchTerm(sp.q);
  const list = await listNotices(principal, partner.identifier, { q, after: sp.after, before: sp.before });
  const base = `/${partner.identifier}/admin/notices`;
  const current = { q: q || undefined };
  return (
    <div className="space-y-6">
      <NoticeEvents account={partner.identifier} />
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">Notices</h1>
          <p className="mt-1 max-w-2xl text-sm text-slate-600">
            Messages to the users of your customers, shown to them when they sign in until they acknowledge them. With <em>All must read</em> each recipient
            acknowledges; with <em>Single read only</em> the first acknowledgement in a customer closes it for the whole customer.
          </p>
        </div>
        {can("SEND_NOTICES") ? (
          <Link href={`${base}/new`} className="btn btn-primary">
            <PlusIcon /> New notice
          </Link>
        ) : null}
      </div>
      <ListSection
        id="notices-heading"
        title="Sent notices"
        description="Newest first. The bar counts acknowledgements against the recipients the customers have now."
        tools={<SearchBox q={q} label="Search titles" />}
      >
        <TableCard
          columns={["Title", "Mode", "To", "Sent", "State", "Acknowledged"]}
          tableClassName="min-w-[56rem]"
          empty={
            list.rows.length === 0 &&
            (q ? (
              <>
                No notice&apos;s title contains “{q}”.{" "}
                <Link href={base} className="text-blue-700 hover:underline">
                  Clear the search
                </Link>
              </>
            ) : sp.after || sp.before ? (
              "No more notices."
            ) : (
              "No notices sent yet."
            ))
          }
          footer={<KeysetPager label="Notices" page={list} base={base} current={current} />}
        >
          {list.rows.map((n) => (
            <tr key={n.id} data-testid="notice-row">
              <td className="max-w-[18rem] font-medium break-words">
                <Link href={`${base}/${n.id}`} className="text-blue-800 hover:underline">
                  {n.title}
                </Link>
                {n.importance === "action_required" ? <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900">action</span> : null}
              </td>
              <td className="text-sm whitespace-nowrap">{MODE_LABELS[n.mode]}</td>
              <td className="max-w-[14rem] text-sm break-words whitespace-normal">{addressedText(n.addressed, n.targets_count)}</td>
              <td className="whitespace-nowrap">
                <Day at={n.starts_at} />
              </td>
              <td>
                <span className={`rounded px-1.5 py-0.5 text-xs ${STATE_LABELS[n.state].className}`}>{STATE_LABELS[n.state].label}</span>
              </td>
              <td>
                <ProgressBar done={n.progress.acknowledged} total={n.progress.expected} label={`Acknowledgements of ${n.title}`} />
              </td>
            </tr>
          ))}
        </TableCard>
      </ListSection>
    </div>
  );
}
