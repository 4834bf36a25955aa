// Moves committed outbox rows to BullMQ with their deterministic job ids, then marks them relayed.
// If the queue backend is down the transaction rolls back and the rows wait for the next round: delayed, never lost.
import { Queue } from "bullmq";
import { sql } from "drizzle-orm";
import { db, rawSql } from "@/db/client";
import { queueConnection, releaseConnection } from "./connection";
import { QUEUES } from "./registry";

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type OutboxRecord = { id: number; queue: string; job_name: string; job_id: string; payload: Record<string, unknown> };

export class OutboxRelay {
  private queues = new Map<string, Queue>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private unlisten: (() => Promise<void>) | null = null;
  lastError: unknown = null;

  constructor(private readonly opts: { pollMs?: number; batchSize?: number; addTimeoutMs?: number; log?: (msg: string) => void } = {}) {}

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      const { connection, prefix } = queueConnection("producer");
      q = new Queue(name, { connection, prefix });
      q.on("error", () => {}); // connection errors surface through the failed addBulk below
      this.queues.set(name, q);
    }
    return q;
  }

  /** Relays one batch; returns how many rows moved. Throws if the queue backend refused them (nothing is marked). */
  async relayBatch(): Promise<number> {
    const limit = this.opts.batchSize ?? 500;
    return db.transaction(async (tx) => {
      const rows = (await tx.execute(
        sql`select id, queue, job_name, job_id, payload from outbox where relayed_at is null order by id limit ${limit} for update skip locked`,
      )) as unknown as OutboxRecord[];
      if (rows.length === 0) return 0;
      const byQueue = new Map<string, OutboxRecord[]>();
      for (const r of rows) byQueue.set(r.queue, [...(byQueue.get(r.queue) ?? []), r]);
      for (const [name, list] of byQueue) {
        const def = QUEUES[name];
        if (!def) throw new Error(`outbox row for unknown queue ${name}`);
        // Bounded: while the backend is unreachable the row locks and this transaction must not be held open.
        await withTimeout(
          this.queue(name).addBulk(list.map((r) => ({ name: r.job_name, data: r.payload, opts: { ...def.jobOptions(), jobId: r.job_id } }))),
          this.opts.addTimeoutMs ?? 5000,
          "adding jobs to the queue timed out",
        );
      }
      await tx.execute(sql`update outbox set relayed_at = now() where id in ${rows.map((r) => r.id)}`);
      return rows.length;
    });
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
          if (this.lastError) this.opts.log?.("outbox relay: queue backend reachable again");
          this.lastError = null;
        } catch (err) {
          if (!this.lastError) this.opts.log?.(`outbox relay: will retry, queue backend unavailable (${(err as Error).message})`);
          this.lastError = err;
        }
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = null;
    });
  };

  async start(): Promise<void> {
    const listener = await rawSql().listen("outbox", () => this.kick());
    this.unlisten = () => listener.unlisten();
    this.timer = setInterval(this.kick, this.opts.pollMs ?? 1000);
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.unlisten?.().catch(() => {});
    await this.running;
    await Promise.all(
      [...this.queues.values()].map((q) =>
        q
          .close()
          .catch(() => {})
          .then(() => releaseConnection(q.opts.connection)),
      ),
    );
  }
}

/** Deletes relayed rows older than a day so the table stays small. */
export async function pruneOutbox(): Promise<void> {
  await db.execute(sql`delete from outbox where relayed_at < now() - interval '1 day'`);
}
