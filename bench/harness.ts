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
