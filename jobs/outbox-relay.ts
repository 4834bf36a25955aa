// Moves committed outbox rows to BullMQ with their deterministic job ids, then marks them relayed. If the queue backend
// is down the transaction rolls back and the rows wait for the next round: delayed, never lost. A row that can never be
// handed over (unknown queue, a payload its queue refuses, a job id BullMQ refuses) is set aside with its error, and the
// rows behind it flow on. Rows are taken FOR UPDATE SKIP LOCKED: several relays never hand over the same row.
import { getLogger, withTimeout, type Logger } from "@/lib/core";
import { listenToOutbox, relayOutbox, type OutboxRow } from "@/lib/outbox";
import { ProducerQueues } from "./connection";
import { QUEUES } from "./registry";

/** Why a row can never be relayed, or null when it can. */
function unrelayable(row: OutboxRow): string | null {
  const def = QUEUES[row.queue];
  if (!def) return `unknown queue ${JSON.stringify(row.queue.slice(0, 100))}`;
  if (!def.job.payload.safeParse(row.payload).success) return `payload refused by queue ${row.queue}`;
  // BullMQ refuses these custom ids; one of them would fail the whole batch at addBulk.
  if (!row.jobId || row.jobId.includes(":") || /^\d+$/.test(row.jobId)) return "job id refused by BullMQ (empty, an integer, or with a colon)";
  return null;
}

export class OutboxRelay {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private unlisten: (() => Promise<void>) | null = null;
  private readonly queues: ProducerQueues;
  private readonly ownsQueues: boolean;
  private readonly log: Logger;
  lastError: unknown = null;
  /** How many times it has tried to relay (each try ended, relayed or refused): what "it tried and nothing left" waits for. */
  rounds = 0;

  constructor(private readonly opts: { pollMs?: number; batchSize?: number; addTimeoutMs?: number; log?: Logger; queues?: ProducerQueues } = {}) {
    this.queues = opts.queues ?? new ProducerQueues();
    this.ownsQueues = !opts.queues;
    this.log = opts.log ?? getLogger("relay");
  }

  /** Relays one batch; returns how many rows it took. Throws if the queue backend refused them (nothing is marked). */
  async relayBatch(): Promise<number> {
    const batch = await relayOutbox(this.opts.batchSize ?? 500, unrelayable, async (rows) => {
      const byQueue = new Map<string, OutboxRow[]>();
      for (const r of rows) byQueue.set(r.queue, [...(byQueue.get(r.queue) ?? []), r]);
      for (const [name, list] of byQueue) {
        const def = QUEUES[name];
        // Bounded: while the backend is unreachable the row locks and this transaction must not be held open.
        await withTimeout(
          this.queues.get(name).addBulk(list.map((r) => ({ name: r.jobName, data: r.payload, opts: { ...def.job.options(), jobId: r.jobId } }))),
          this.opts.addTimeoutMs ?? 5000,
          "adding jobs to the queue timed out",
        );
      }
    });
    const { relayed, setAside } = batch;
    if (relayed.length)
      this.log.debug({ relayed: relayed.length, firstId: Number(relayed[0].id), lastId: Number(relayed[relayed.length - 1].id) }, "outbox rows relayed");
    for (const { row, error } of setAside)
      this.log.error({ outboxId: Number(row.id), queue: row.queue.slice(0, 100), jobId: row.jobId, error }, "outbox row set aside");
    return batch.taken;
  }

  /** Relays until the outbox is empty or the backend fails. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.relayBatch();
      total += n;
      if (n < (this.opts.batchSize ?? 500)) return total;
    }
  }

  private kick = () => {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.drain();
          if (this.lastError) this.log.info("queue backend reachable again");
          this.lastError = null;
        } catch (err) {
          if (!this.lastError) this.log.warn({ err }, "queue backend unavailable: outbox rows wait, will retry");
          this.lastError = err;
        }
        this.rounds++;
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
  };

  async start(): Promise<void> {
    this.unlisten = await listenToOutbox(() => this.kick());
    this.timer = setInterval(this.kick, this.opts.pollMs ?? 1000);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.unlisten?.().catch(() => {});
    await this.running;
    if (this.ownsQueues) await this.queues.close();
  }
}
