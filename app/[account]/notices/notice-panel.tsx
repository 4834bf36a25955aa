// The open notices at the top of every page of an account, kept small: the most pressing first (action required, then
// the soonest due), one line each that opens in place, at most PANEL_SHOWN of them and "N more" to the notices page.
// Folded (the person's choice, kept on the server) it is one line that still says what presses.
import Link from "next/link";
import { formatUtc } from "@/app/components/day";
import { counted } from "@/lib/core";
import { MODE_LABELS, type ReceivedNotice } from "@/lib/notices";
import { AcknowledgeForm } from "./acknowledge-form";
import { FoldNoticesForm } from "./fold-notices-form";

export const PANEL_SHOWN = 3;

export function NoticePanel({ account, notices, folded }: { account: string; notices: ReceivedNotice[]; folded: boolean }) {
  if (notices.length === 0) return null;
  const shown = notices.slice(0, PANEL_SHOWN);
  const more = notices.length - shown.length;
  const pressing = notices.filter((n) => n.importance === "action_required").length;
  const due = notices.map((n) => n.due_at).filter((d): d is Date => d !== null);
  const soonest = due.length ? new Date(Math.min(...due.map((d) => d.getTime()))) : null;
  return (
    <section
      aria-labelledby="open-notices-heading"
      className="mb-6 rounded-lg border-2 border-amber-300 bg-amber-50 px-4 py-3"
      data-testid="notice-panel"
      data-folded={folded ? "true" : "false"}
    >
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <h2 id="open-notices-heading" className="font-semibold text-amber-950">
          {counted.noticesForYou(notices.length)}
        </h2>
        {pressing > 0 ? (
          <span className="rounded bg-amber-600 px-1.5 py-0.5 text-xs font-semibold text-white" data-testid="panel-pressing">
            {pressing} need action
          </span>
        ) : null}
        {soonest ? (
          <span className="text-xs font-semibold text-red-800">
            next due <time dateTime={soonest.toISOString()}>{formatUtc(soonest)}</time>
          </span>
        ) : null}
        <span className="ml-auto flex items-center gap-3">
          <Link href={`/${account}/notices`} className="text-sm text-blue-800 hover:underline">
            All notices
          </Link>
          <FoldNoticesForm folded={folded} />
        </span>
      </div>
      {folded ? null : (
        <ul className="mt-2 divide-y divide-amber-200">
          {shown.map((n) => (
            <PanelLine key={n.id} account={account} notice={n} />
          ))}
        </ul>
      )}
      {!folded && more > 0 ? (
        <Link href={`/${account}/notices`} className="mt-2 inline-block text-sm text-blue-800 hover:underline" data-testid="panel-more">
          {counted.more(more)} on the notices page
        </Link>
      ) : null}
    </section>
  );
}

function PanelLine({ account, notice: n }: { account: string; notice: ReceivedNotice }) {
  const action = n.importance === "action_required";
  return (
    <li className="flex flex-wrap items-start gap-x-3 gap-y-1 py-1.5" data-testid="notice" data-notice-id={n.id}>
      <details className="group min-w-0 flex-1">
        <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-2 gap-y-0.5 [&::-webkit-details-marker]:hidden">
          <span aria-hidden className="w-3 text-amber-800">
            <span className="group-open:hidden">▸</span>
            <span className="hidden group-open:inline">▾</span>
          </span>
          {action ? <span className="shrink-0 rounded bg-amber-600 px-1.5 py-0.5 text-xs font-semibold text-white">Action required</span> : null}
          <h3 className="min-w-0 text-sm font-semibold break-words text-slate-900">{n.title}</h3>
          {n.due_at ? (
            <span className="shrink-0 text-xs font-semibold text-red-800">
              due <time dateTime={n.due_at.toISOString()}>{formatUtc(n.due_at)}</time>
            </span>
          ) : null}
        </summary>
        <div className="mt-2 ml-5 rounded border border-amber-200 bg-white p-3">
          <p className="text-xs text-slate-500">
            {MODE_LABELS[n.mode]} · from {n.sender_name} ({n.partner_name}) · <time dateTime={n.starts_at.toISOString()}>{formatUtc(n.starts_at)}</time>
          </p>
          {/* The body was rendered from Markdown and sanitised with an allow-list on the server. */}
          <div className="notice-body mt-2 text-sm break-words text-slate-800" dangerouslySetInnerHTML={{ __html: n.bodyHtml }} />
          {n.mode === "single_read_only" ? (
            <p className="mt-2 text-xs text-slate-600">One acknowledgement from anyone in your team closes it for everyone.</p>
          ) : null}
        </div>
      </details>
      <AcknowledgeForm account={account} noticeId={n.id} title={n.title} compact />
    </li>
  );
}
