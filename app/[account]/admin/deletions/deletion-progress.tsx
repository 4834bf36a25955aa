import type { DeletionRow } from "@/lib/deletions";
import { counted } from "@/lib/core";

/** How far a deletion is: customers and users done of their totals, with a bar, the rate and the time left. */
export function DeletionProgress({ d, now = new Date() }: { d: DeletionRow; now?: Date }) {
  const total = d.customers_total + d.users_total;
  const done = d.customers_done + d.users_done;
  const pct = d.status === "done" ? 100 : total === 0 ? 0 : Math.min(100, Math.floor((done / total) * 100));
  const seconds = d.started_at ? Math.max(1, (now.getTime() - d.started_at.getTime()) / 1000) : 0;
  const rate = d.status === "running" && seconds > 0 ? done / seconds : 0;
  const left = rate > 0 ? Math.ceil((total - done) / rate) : null;
  const tone = d.status === "cancelled" ? "bg-slate-400" : d.status === "done" ? "bg-green-600" : "bg-red-600";
  return (
    <div className="min-w-48 space-y-1" data-testid="deletion-progress">
      <div
        className="h-2 rounded bg-slate-200"
        role="progressbar"
        aria-label={`Deletion of ${d.label}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${pct} %`}
      >
        <div className={`h-2 rounded ${tone}`} style={{ width: `${pct}%` }} />
      </div>
      <p className="text-xs text-slate-600 tabular-nums">
        {d.customers_done.toLocaleString("en")} of {counted.customers(d.customers_total)}, {d.users_done.toLocaleString("en")} of {counted.users(d.users_total)}
        {rate > 0 ? ` · ${rate >= 10 ? Math.round(rate) : rate.toFixed(1)} rows/s` : ""}
        {left !== null ? ` · about ${left < 60 ? `${left} s` : `${Math.ceil(left / 60)} min`} left` : ""}
      </p>
    </div>
  );
}

export const STATUS_LABELS: Record<DeletionRow["status"], string> = {
  pending: "waiting (can be undone)",
  running: "deleting",
  done: "deleted",
  cancelled: "undone",
};
