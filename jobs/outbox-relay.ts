// Moves committed outbox rows to BullMQ with their deterministic job ids, then marks them relayed. If the queue backend
// is down the transaction rolls back and the rows wait for the next round: delayed, never lost. A row that can never be
// handed over (unknown queue, a payload its queue refuses, a job id BullMQ refuses) is set aside with its error, and the
// rows behind it flow on. Rows are taken FOR UPDATE SKIP LOCKED: several relays never hand over the same row.
import { sql } from "drizzle-orm";
import { db, rawSql } from "@/db/client";
import { getLogger, type Logger } from "@/lib/core";
import { ProducerQueues } from "./connection";
import { QUEUES } from "./registry";

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// bigserial ids come back as strings from a raw query.
type OutboxRecord = { id: string | number; queue: string; job_name: string; job_id: string; payload: Record<string, unknown> };

/** Why a row can never be relayed, or null when it can. */
function unrelayable(row: OutboxRecord): string | null {
  const def = QUEUES[row.queue];
  if (!def) return `unknown queue ${JSON.stringify(row.queue.slice(0, 100))}`;
  if (!def.payload.safeParse(row.payload).success) return `payload refused by queue ${row.queue}`;
  // BullMQ refuses these custom ids; one of them would fail the whole batch at addBulk.
  if (!row.job_id || row.job_id.includes(":") || /^\d+$/.test(row.job_id)) return "job id refused by BullMQ (empty, an integer, or with a colon)";
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

  constructor(private readonly opts: { pollMs?: number; batchSize?: number; addTimeoutMs?: number; log?: Logger; queues?: ProducerQueues } = {}) {
    this.queues = opts.queues ?? new ProducerQueues();
    this.ownsQueues = !opts.queues;
    this.log = opts.log ?? getLogger("relay");
  }

  /** Relays one batch; returns how many rows it took. Throws if the queue backend refused them (nothing is marked). */
  async relayBatch(): Promise<number> {
    const limit = this.opts.batchSize ?? 500;
    const setAside: { row: OutboxRecord; error: string }[] = [];
    const count = await db.transaction(async (tx) => {
      const rows = (await tx.execute(
        sql`select id, queue, job_name, job_id, payload from outbox where relayed_at is null and set_aside_at is null order by id limit ${limit} for update skip locked`,
      )) as unknown as OutboxRecord[];
      if (rows.length === 0) return 0;
      const byQueue = new Map<string, OutboxRecord[]>();
      for (const r of rows) {
        const error = unrelayable(r);
        if (error) setAside.push({ row: r, error });
        else byQueue.set(r.queue, [...(byQueue.get(r.queue) ?? []), r]);
      }
      for (const [name, list] of byQueue) {
        const def = QUEUES[name];
        // Bounded: while the backend is unreachable the row locks and this transaction must not be held open.
        await withTimeout(
          this.queues.get(name).addBulk(list.map((r) => ({ name: r.job_name, data: r.payload, opts: { ...def.jobOptions(), jobId: r.job_id } }))),
          this.opts.addTimeoutMs ?? 5000,
          "adding jobs to the queue timed out",
        );
      }
      const relayed = [...byQueue.values()].flat().map((r) => r.id);
      if (relayed.length) await tx.execute(sql`update outbox set relayed_at = now() where id in ${relayed}`);
      for (const { row, error } of setAside) await tx.execute(sql`update outbox set set_aside_at = now(), error = ${error} where id = ${row.id}`);
      if (relayed.length)
        this.log.debug({ relayed: relayed.length, firstId: Number(relayed[0]), lastId: Number(relayed[relayed.length - 1]) }, "outbox rows relayed");
      return rows.length;
    });
    for (const { row, error } of setAside)
      this.log.error({ outboxId: Number(row.id), queue: row.queue.slice(0, 100), jobId: row.job_id, error }, "outbox row set aside");
    return count;
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
    if (this.ownsQueues) await this.queues.close();
  }
}

/** Deletes relayed rows older than a day so the table stays small; rows set aside stay for someone to look at. */
export async function pruneOutbox(): Promise<void> {
  await db.execute(sql`delete from outbox where relayed_at < now() - interval '1 day'`);
}
