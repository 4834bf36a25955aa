import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { formatUtc } from "@/app/components/day";
import { KeysetPager } from "@/app/components/keyset-pager";
import { ListSection, TableCard } from "@/app/components/list-section";
import { NoticeEvents } from "@/app/components/notice-events";
import { ProgressBar } from "@/app/components/progress-bar";
import { firstParams, type SearchParams } from "@/lib/core";
import { AUDIENCE_LABELS, IMPORTANCE_LABELS, MODE_LABELS, getNoticeTracking } from "@/lib/notices";
import { orNotFound } from "@/lib/web";
import { getAdminContext } from "../../admin-context";
import { STATE_LABELS, addressedText } from "../notice-labels";
import { TrackingTools } from "./tracking-tools";

export const metadata: Metadata = { title: "Notice · Administration" };

const PARAMS = ["q", "after", "before", "people_after", "people_before"] as const;

export default async function NoticeTrackingPage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string; notice: string }>;
  searchParams: Promise<SearchParams<(typeof PARAMS)[number]>>;
}) {
  const { account, notice: noticeId } = await params;
  const sp = firstParams(await searchParams, PARAMS);
  const { principal, customer: partner, can } = await getAdminContext(account);
  if (partner.kind !== "partner" || !can("VIEW_NOTICE_TRACKING")) notFound();
  const t = await orNotFound(
    getNoticeTracking(principal, partner.identifier, noticeId, {
      customers: { after: sp.after, before: sp.before },
      people: { after: sp.people_after, before: sp.people_before },
      q: sp.q,
    }),
  );
  const n = t.notice;
  const base = `/${partner.identifier}/admin/notices/${n.id}`;
  const single = n.mode === "single_read_only";
  const open = n.progress.expected - n.progress.acknowledged;
  const done = n.progress.expected > 0 && open === 0;
  // Each list pages on its own: moving through one keeps where the other is.
  const customersAt = { after: sp.after, before: sp.before };
  const peopleAt = { people_after: sp.people_after, people_before: sp.people_before };
  return (
    <div className="space-y-6">
      <NoticeEvents account={partner.identifier} />
      <div>
        <Link href={`/${partner.identifier}/admin/notices`} className="text-sm text-blue-800 hover:underline">
          ‹ Notices
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-2">
          <h1 className="text-2xl font-semibold break-words">{n.title}</h1>
          <span className={`rounded px-1.5 py-0.5 text-xs ${STATE_LABELS[n.state].className}`}>{STATE_LABELS[n.state].label}</span>
        </div>
        <p className="mt-1 text-sm text-slate-600">
          {MODE_LABELS[n.mode]} · {AUDIENCE_LABELS[n.audience]} · {IMPORTANCE_LABELS[n.importance]}
          {n.due_at ? ` · due ${formatUtc(n.due_at)}` : ""} · to {addressedText(n.addressed, n.targets_count)} · sent by {n.sender_name}, shown from{" "}
          {formatUtc(n.starts_at)}
          {n.expires_at ? ` until ${formatUtc(n.expires_at)}` : ""}
          {n.revision > 1 ? ` · re-issued (revision ${n.revision})` : ""}
        </p>
      </div>

      <section aria-labelledby="progress-heading" className="card space-y-3 p-4">
        <h2 id="progress-heading" className="text-sm font-semibold text-slate-700">
          {single ? "Customers closed" : "Recipients who acknowledged"}
        </h2>
        <ProgressBar done={n.progress.acknowledged} total={n.progress.expected} label={single ? "Customers closed" : "Acknowledgements"} />
        {done ? (
          <p role="status" className="text-sm font-medium text-green-800">
            {single ? "Every customer has closed it." : "Everyone has acknowledged it."}
          </p>
        ) : null}
        <div className="flex flex-wrap items-start justify-between gap-2">
          {can("SEND_NOTICES") && n.state !== "withdrawn" ? (
            <TrackingTools account={partner.identifier} notice={{ id: n.id, title: n.title, body: n.body_md }} open={open} shown={n.state === "shown"} />
          ) : (
            <span />
          )}
          <a href={`${base}/export`} className="btn btn-secondary" download>
            Export CSV
          </a>
        </div>
        <details>
          <summary className="cursor-pointer text-sm text-blue-800">The message</summary>
          <div className="notice-body mt-2 text-sm break-words" dangerouslySetInnerHTML={{ __html: n.bodyHtml }} />
        </details>
      </section>

      <ListSection
        id="customers-heading"
        title="Per customer"
        description={
          single ? "Closed by the first acknowledgement in the customer: by whom and when." : "Acknowledgements against the recipients each customer has now."
        }
      >
        <TableCard
          columns={["Customer", single ? "Status" : "Acknowledged"]}
          tableClassName="min-w-[32rem]"
          empty={t.customers.rows.length === 0 && "No customers on this page."}
          footer={<KeysetPager label="Customers" page={t.customers} base={base} current={{ q: sp.q, ...peopleAt }} ends />}
        >
          {t.customers.rows.map((c) => (
            <tr key={c.id} data-testid="tracking-customer">
              <td className="max-w-[18rem] break-words">
                <span className="font-medium">{c.name}</span> <span className="font-mono text-xs text-slate-500">{c.identifier}</span>
              </td>
              <td className="text-sm">
                {single ? (
                  c.closed_at ? (
                    <span className="text-green-800">
                      Closed by {c.closed_by_name} ({c.closed_by_email}) on {formatUtc(c.closed_at)}
                    </span>
                  ) : c.expected === 0 ? (
                    <span className="text-slate-500">Open · nobody to receive it</span>
                  ) : (
                    <span className="text-amber-800">Open · {c.expected} can close it</span>
                  )
                ) : (
                  <ProgressBar done={c.acknowledged} total={c.expected} label={`Acknowledgements in ${c.name}`} />
                )}
              </td>
            </tr>
          ))}
        </TableCard>
      </ListSection>

      <ListSection
        id="open-heading"
        title="Still open"
        description={single ? "The users of customers nobody has closed it for." : "Recipients who haven't acknowledged it yet."}
      >
        <TableCard
          columns={["Name", "E-mail", "Customer"]}
          tableClassName="min-w-[32rem]"
          empty={t.openPeople.rows.length === 0 && (sp.people_after || sp.people_before ? "Nobody further." : "Nobody: all done.")}
          footer={<KeysetPager label="Open people" page={t.openPeople} base={base} current={{ q: sp.q, ...customersAt }} prefix="people_" ends />}
        >
          {t.openPeople.rows.map((p) => (
            <tr key={`${p.user_id}-${p.customer_identifier}`} data-testid="open-person">
              <td className="break-words">{p.name}</td>
              <td className="text-sm break-all">{p.email}</td>
              <td className="text-sm">{p.customer_name}</td>
            </tr>
          ))}
        </TableCard>
      </ListSection>
    </div>
  );
}
