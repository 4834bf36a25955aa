// How much of its project quota an account uses; amber from 80 %, red when full.
export function QuotaBar({ used, quota }: { used: number; quota: number }) {
  const pct = quota === 0 ? 100 : Math.min(100, Math.round((used / quota) * 100));
  const tone = used >= quota ? "bg-red-600" : pct >= 80 ? "bg-amber-500" : "bg-blue-600";
  return (
    <div className="min-w-48">
      <div className="flex justify-between text-sm">
        <span className="font-medium">Project quota</span>
        <span data-testid="quota-usage">
          {used} of {quota} used
        </span>
      </div>
      <div
        className="mt-1 h-2 rounded bg-slate-200"
        role="progressbar"
        aria-label="Projects used of quota"
        aria-valuemin={0}
        aria-valuemax={quota}
        aria-valuenow={used}
      >
        <div className={`h-2 rounded ${tone}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
