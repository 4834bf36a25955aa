// How much of something is done, as a bar with its numbers beside it (the numbers are the accessible value).
export function ProgressBar({ done, total, label }: { done: number; total: number; label: string }) {
  const percent = total === 0 ? 0 : Math.floor((done / total) * 100);
  return (
    <div className="flex min-w-[10rem] items-center gap-2">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${total} (${percent} %)`}
        className="h-2 flex-1 overflow-hidden rounded-full bg-slate-200"
      >
        <div className={`h-full rounded-full ${percent === 100 ? "bg-green-600" : "bg-blue-600"}`} style={{ width: `${percent}%` }} />
      </div>
      <span className="text-xs whitespace-nowrap text-slate-600 tabular-nums">
        {done} / {total} · {percent} %
      </span>
    </div>
  );
}
