import { formatUtc } from "@/app/components/day";
import { IMPORTANCE_LABELS, MODE_LABELS, type ReceivedNotice } from "@/lib/notices";
import { AcknowledgeForm } from "./acknowledge-form";

/** One notice as its recipient sees it: who sent it and when, its body (sanitised on the server), and what is left to do. */
export function NoticeCard({ account, notice, headingLevel = 3 }: { account: string; notice: ReceivedNotice; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const action = notice.importance === "action_required";
  const open = notice.acknowledged_at === null;
  return (
    <article
      className={`rounded-lg border bg-white p-4 shadow-sm ${open ? (action ? "border-amber-400" : "border-blue-300") : "border-slate-200"}`}
      aria-labelledby={`notice-${notice.id}`}
      data-testid="notice"
      data-notice-id={notice.id}
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${action ? "bg-amber-100 text-amber-900" : "bg-blue-50 text-blue-900"}`}>
          {IMPORTANCE_LABELS[notice.importance]}
        </span>
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{MODE_LABELS[notice.mode]}</span>
        {notice.due_at ? (
          <span className="text-xs font-medium text-amber-900">
            Due <time dateTime={notice.due_at.toISOString()}>{formatUtc(notice.due_at)}</time>
          </span>
        ) : null}
      </div>
      <Heading id={`notice-${notice.id}`} className="mt-2 text-base font-semibold break-words">
        {notice.title}
      </Heading>
      <p className="text-xs text-slate-500">
        From {notice.sender_name} ({notice.partner_name}) · <time dateTime={notice.starts_at.toISOString()}>{formatUtc(notice.starts_at)}</time>
      </p>
      {/* The body was rendered from Markdown and sanitised with an allow-list on the server. */}
      <div className="notice-body mt-3 text-sm break-words text-slate-800" dangerouslySetInnerHTML={{ __html: notice.bodyHtml }} />
      <div className="mt-3">
        {open ? (
          <>
            {notice.mode === "single_read_only" ? (
              <p className="mb-2 text-xs text-slate-600">One acknowledgement from anyone in your team closes it for everyone.</p>
            ) : null}
            <AcknowledgeForm account={account} noticeId={notice.id} title={notice.title} />
          </>
        ) : (
          <p className="text-sm text-green-800">
            Acknowledged {notice.acknowledged_by_me ? "by you" : `by ${notice.acknowledged_by_name ?? "a teammate"}`} on{" "}
            <time dateTime={notice.acknowledged_at!.toISOString()}>{formatUtc(notice.acknowledged_at!)}</time>.
          </p>
        )}
      </div>
    </article>
  );
}
