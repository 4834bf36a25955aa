// Runs the real worker (BullMQ workers + outbox relay) in the test process, on a queue prefix unique to the test file.
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import { db } from "@/db/client";
import { startWorker, type RunningWorker } from "@/jobs/worker";

export function useUniqueQueuePrefix(label: string): string {
  const prefix = `${process.env.QUEUE_PREFIX ?? "tenancy-test"}-${label}-${randomBytes(3).toString("hex")}`;
  process.env.QUEUE_PREFIX = prefix;
  return prefix;
}

export async function startTestWorker(): Promise<RunningWorker> {
  return startWorker({ log: () => {}, pollMs: 200 });
}

export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000, label = "condition"): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Marks every pending outbox row as relayed, so a test starts from a quiet outbox. */
export async function quietOutbox(): Promise<void> {
  await db.execute(sql`update outbox set relayed_at = now() where relayed_at is null`);
}
