// The outbox as the worker's relay and sweep see it: committed intents taken in id order under row locks (several relays
// never take the same row), handed to the queue and marked relayed in the same transaction, or set aside with their
// reason; the notification that new rows committed; and the lock that lets one sweep run at a time across processes.
import { sql } from "drizzle-orm";
import { z } from "zod";
import { db, rawSql } from "@/db/client";
import { countColumn, parseRows } from "@/lib/core";

export type OutboxRow = { id: string; queue: string; jobName: string; jobId: string; payload: Record<string, unknown> };

const outboxColumns = z.object({
  // bigserial: a string from a raw query.
  id: countColumn.transform(String),
  queue: z.string(),
  job_name: z.string(),
  job_id: z.string(),
  payload: z.record(z.string(), z.unknown()),
});

export type RelayedBatch = { taken: number; relayed: OutboxRow[]; setAside: { row: OutboxRow; error: string }[] };

/**
 * Takes up to `limit` intents nobody relayed or set aside, oldest first. `refuse` says why a row can never be handed
 * over (it is set aside, and the rows behind it flow on); `handOver` adds the others to the queue. If it throws, the
 * transaction rolls back and every row waits for the next round: delayed, never lost.
 */
export async function relayOutbox(
  limit: number,
  refuse: (row: OutboxRow) => string | null,
  handOver: (rows: OutboxRow[]) => Promise<void>,
): Promise<RelayedBatch> {
  return db.transaction(async (tx) => {
    const rows = parseRows(
      outboxColumns,
      await tx.execute(
        sql`select id, queue, job_name, job_id, payload from outbox where relayed_at is null and set_aside_at is null order by id limit ${limit} for update skip locked`,
      ),
    ).map((r): OutboxRow => ({ id: r.id, queue: r.queue, jobName: r.job_name, jobId: r.job_id, payload: r.payload }));
    const setAside: RelayedBatch["setAside"] = [];
    const relayed: OutboxRow[] = [];
    for (const row of rows) {
      const error = refuse(row);
      if (error) setAside.push({ row, error });
      else relayed.push(row);
    }
    if (relayed.length) {
      await handOver(relayed);
      await tx.execute(sql`update outbox set relayed_at = now() where id = any(${sql.param(relayed.map((r) => r.id))}::bigint[])`);
    }
    for (const { row, error } of setAside) await tx.execute(sql`update outbox set set_aside_at = now(), error = ${error} where id = ${row.id}`);
    return { taken: rows.length, relayed, setAside };
  });
}

/** Calls `onChange` whenever intents commit (the outbox trigger notifies); returns how to stop listening. */
export async function listenToOutbox(onChange: () => void): Promise<() => Promise<void>> {
  const listener = await rawSql().listen("outbox", onChange);
  return () => listener.unlisten();
}

/** Deletes relayed rows older than a day so the table stays small; rows set aside stay for someone to look at. */
export async function pruneOutbox(): Promise<void> {
  await db.execute(sql`delete from outbox where relayed_at < now() - interval '1 day'`);
}

/**
 * Runs `work` under a session-level advisory lock on a connection of its own, or returns null at once when another
 * process holds it. The lock goes with the connection if the process dies.
 */
export async function whileHolding<T>(lockKey: number, work: () => Promise<T>): Promise<T | null> {
  const conn = await rawSql().reserve();
  try {
    const [{ locked }] = await conn<{ locked: boolean }[]>`select pg_try_advisory_lock(${lockKey}::bigint) as locked`;
    if (!locked) return null;
    try {
      return await work();
    } finally {
      await conn`select pg_advisory_unlock(${lockKey}::bigint)`;
    }
  } finally {
    conn.release();
  }
}
