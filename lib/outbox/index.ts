// Intents to run background work, written in the caller's transaction so a committed change never loses its job.
import type { Executor } from "@/db/client";
import { outbox } from "@/db/schema";

export type OutboxIntent = { queue: string; jobName: string; jobId: string; payload: Record<string, unknown> };

export async function addToOutbox(ex: Executor, intents: OutboxIntent | OutboxIntent[]): Promise<void> {
  const rows = Array.isArray(intents) ? intents : [intents];
  if (rows.length === 0) return;
  await ex.insert(outbox).values(rows);
}
