// The worker process: one BullMQ Worker per queue plus the outbox relay. SIGTERM/SIGINT close everything cleanly.
import { Worker } from "bullmq";
import { closeDb } from "@/db/client";
import { systemPrincipal } from "@/lib/authz";
import { syncConfiguredOperators } from "@/lib/operators";
import { emailBackoff } from "./email";
import { queueConnection, releaseConnection } from "./connection";
import { OutboxRelay, pruneOutbox, withTimeout } from "./outbox-relay";
import { QUEUES } from "./registry";

export type RunningWorker = { workers: Worker[]; relay: OutboxRelay; close: () => Promise<void> };

export async function startWorker(opts: { log?: (msg: string) => void; pollMs?: number } = {}): Promise<RunningWorker> {
  const log = opts.log ?? ((m: string) => console.log(`[worker] ${m}`));
  const workers = Object.values(QUEUES).map((def) => {
    const { connection, prefix } = queueConnection("worker");
    const w = new Worker(def.name, (job) => def.process(job), {
      connection,
      prefix,
      concurrency: def.concurrency,
      settings: { backoffStrategy: (attemptsMade, _type, err) => emailBackoff(attemptsMade, err) },
    });
    w.on("failed", (job, err) => log(`${def.name} job ${job?.id} failed (attempt ${job?.attemptsMade}/${job?.opts.attempts}): ${err.message}`));
    w.on("error", (err) => log(`${def.name} worker error: ${err.message}`));
    return w;
  });
  const operators = await syncConfiguredOperators(systemPrincipal("worker"));
  if (operators) log(`${operators} user(s) made operator from OPERATOR_EMAILS`);
  const relay = new OutboxRelay({ log, pollMs: opts.pollMs });
  await relay.start();
  const pruner = setInterval(() => pruneOutbox().catch(() => {}), 3600_000);
  log(`serving queues: ${workers.map((w) => w.name).join(", ")}`);
  return {
    workers,
    relay,
    async close() {
      clearInterval(pruner);
      await relay.stop();
      await Promise.all(workers.map((w) => w.close().then(() => releaseConnection(w.opts.connection))));
    },
  };
}

const isMain = process.argv[1] && /jobs[\\/]worker\.ts$/.test(process.argv[1]);
if (isMain) {
  startWorker()
    .then((running) => {
      let closing = false;
      const shutdown = async (signal: string) => {
        if (closing) return;
        closing = true;
        console.log(`[worker] ${signal}: finishing current jobs`);
        // BullMQ's close() can wait forever while Redis is unreachable; unfinished jobs are retried after a restart.
        await withTimeout(running.close(), 15_000, "close timed out").catch((err) => console.error(`[worker] ${err.message}; exiting anyway`));
        await closeDb();
        process.exit(0);
      };
      process.on("SIGTERM", () => void shutdown("SIGTERM"));
      process.on("SIGINT", () => void shutdown("SIGINT"));
    })
    .catch((err) => {
      console.error("[worker] failed to start", err);
      process.exit(1);
    });
}
