// The reconciliation sweep: finds work whose state in PostgreSQL says pending but whose job the queue no longer holds
// (Redis restarted empty, a job failed as stalled, an outbox row lost) and enqueues it again. Safe to repeat: job ids
// are deterministic per re-enqueue and the provider's idempotency key never changes. One sweep at a time across every
// worker process: a session-level advisory lock on a connection of its own, released if the process dies.
import { getLogger, withTimeout, type Logger } from "@/lib/core";
import { whileHolding } from "@/lib/outbox";
import type { ProducerQueues } from "./connection";
import type { Reconciler } from "./queue";
import { QUEUES } from "./registry";

/** The advisory lock key of the sweep (any fixed 64-bit number; this one spells "sweep"). */
export const SWEEP_LOCK_KEY = 0x7377656570;
const PAGE = 500;
const STATE_TIMEOUT_MS = 5000;
/** Job states in which the queue no longer carries the work forward. */
const GONE = new Set(["unknown", "completed", "failed"]);

export type SweepReport = { checked: number; requeued: number; givenUp: number; ms: number };

export class Sweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;
  private readonly log: Logger;

  constructor(private readonly opts: { queues: ProducerQueues; intervalMs: number; log?: Logger }) {
    this.log = opts.log ?? getLogger("sweep");
  }

  start(): void {
    const tick = () => {
      if (this.stopped || this.running) return;
      this.running = this.sweepOnce()
        .catch((err) => this.log.warn({ err }, "sweep failed; next round will try again"))
        .finally(() => (this.running = null));
    };
    this.timer = setInterval(tick, this.opts.intervalMs);
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One sweep over every queue; null when another process's sweep holds the lock. */
  async sweepOnce(): Promise<SweepReport | null> {
    const report = await whileHolding(SWEEP_LOCK_KEY, async () => {
      const started = Date.now();
      const report: SweepReport = { checked: 0, requeued: 0, givenUp: 0, ms: 0 };
      for (const def of Object.values(QUEUES)) await this.sweepQueue(def.job.queue, def.reconcile, report);
      report.ms = Date.now() - started;
      this.log[report.requeued || report.givenUp ? "info" : "debug"]({ ...report, startedAt: started, finishedAt: Date.now() }, "sweep done");
      return report;
    });
    if (!report) this.log.debug("sweep skipped: another one is running");
    return report;
  }

  private async sweepQueue(name: string, reconcile: Reconciler, report: SweepReport) {
    const queue = this.opts.queues.get(name);
    let cursor: string | null = null;
    for (;;) {
      if (this.stopped) return;
      const page = await reconcile.pending(cursor, PAGE);
      if (page.length === 0) return;
      cursor = page[page.length - 1].cursor;
      // While the queue backend is unreachable nothing can be told about the jobs: this sweep ends, the next one retries.
      const states = await withTimeout(Promise.all(page.map((w) => queue.getJobState(w.jobId))), STATE_TIMEOUT_MS, "reading job states timed out");
      report.checked += page.length;
      for (let i = 0; i < page.length; i++) {
        if (!GONE.has(states[i])) continue;
        const work = page[i];
        if (work.budgetSpent) {
          if (await reconcile.giveUp(work, "Not sent: the retry budget (EMAIL_RETRY_BUDGET_HOURS) ran out.")) report.givenUp++;
        } else if (await reconcile.requeue(work, `Its job was lost (${states[i] === "unknown" ? "no longer in the queue" : states[i]}); sending again.`)) {
          report.requeued++;
          this.log.info({ queue: name, id: work.id, jobId: work.jobId, jobState: states[i] }, "pending work re-enqueued");
        }
      }
      if (page.length < PAGE) return;
    }
  }
}
