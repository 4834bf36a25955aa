// Shared pieces for benchmarks: timing, and the row each benchmark reports (our figure beside the raw limit).
export type BenchRow = {
  name: string;
  unit: string;
  ours: number;
  raw: number;
  rawLabel: string;
  /** true when a bigger number is better (throughput), false for durations. */
  higherIsBetter: boolean;
  note?: string;
};

export type Benchmark = { name: string; run: () => Promise<BenchRow[]> };

export async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Runs `fn` n times with `concurrency` in flight; returns operations per second. */
export async function throughput(n: number, concurrency: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const ms = await timeIt(async () => {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < n) await fn(next++);
      }),
    );
  });
  return (n / ms) * 1000;
}

/** Median of `runs` timings in milliseconds. */
export async function medianMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeIt(fn));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export type Latencies = { p50: number; p95: number; n: number };

/**
 * Latency percentiles with `concurrency` callers in flight, each calling `fn` again as soon as its previous call ends:
 * `n` calls, or fewer once `budgetMs` has passed (never fewer than `minN`), after `warmup` calls that are not counted.
 */
export async function latencies(
  fn: () => Promise<unknown>,
  /** `stop`: no request starts once it says so (e.g. when the work being measured alongside has finished). */
  opts: { n: number; concurrency: number; warmup?: number; budgetMs?: number; minN?: number; stop?: () => boolean },
): Promise<Latencies> {
  for (let i = 0; i < (opts.warmup ?? 0); i++) await fn();
  const times: number[] = [];
  const started = Date.now();
  const budget = opts.budgetMs ?? Infinity;
  const minN = Math.min(opts.minN ?? opts.n, opts.n);
  let issued = 0;
  const more = () => !opts.stop?.() && issued < opts.n && (issued < minN || Date.now() - started < budget);
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (more()) {
        issued++;
        times.push(await timeIt(fn));
      }
    }),
  );
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  return { p50: at(0.5), p95: at(0.95), n: times.length };
}
