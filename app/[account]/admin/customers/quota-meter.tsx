// A table-cell sized QuotaBar: "used / quota" and a thin bar, amber from 80 %, red when full.
export function QuotaMeter({ used, quota, label }: { used: number; quota: number; label: string }) {
  const pct = quota === 0 ? 100 : Math.min(100, Math.round((used / quota) * 100));
  const tone = used >= quota ? "bg-red-600" : pct >= 80 ? "bg-amber-500" : "bg-blue-600";
  return (
    <div className="w-24">
      <div className="text-sm tabular-nums" data-testid="customer-quota">
        {used} / {quota}
      </div>
      <div className="mt-1 h-1.5 rounded bg-slate-200" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={quota} aria-valuenow={used}>
        <div className={`h-1.5 rounded ${tone}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
