// The worker process: one BullMQ Worker per queue, the outbox relay and the reconciliation sweep. SIGTERM/SIGINT close
// everything cleanly. A worker killed outright loses nothing: its jobs stall and run again, and the sweep finds the rest.
import { UnrecoverableError, Worker } from "bullmq";
import { exitOnBadConfig } from "@/config";
import { closeDb } from "@/db/client";
import { systemPrincipal } from "@/lib/authz";
import { createLogger, getEnv, getLogger, withTimeout, type Logger } from "@/lib/core";
import { syncConfiguredOperators } from "@/lib/operators";
import { ProducerQueues, closeWorker, queueConnection } from "./connection";
import { pruneOutbox } from "@/lib/outbox";
import { probeDatabase } from "@/lib/queues";
import { OutboxRelay } from "./outbox-relay";
import { MAX_STALLED_COUNT } from "./queue";
import { QUEUES } from "./registry";
import { Sweeper } from "./sweep";

export type RunningWorker = { workers: Worker[]; relay: OutboxRelay; sweeper: Sweeper; close: () => Promise<void> };

export async function startWorker(
  opts: {
    /** Where log lines go: a logger, or a sink for each JSON line (`() => {}` silences); by default the process's logger. */
    logger?: Logger;
    log?: (line: string) => void;
    pollMs?: number;
    sweepIntervalMs?: number;
  } = {},
): Promise<RunningWorker> {
  const env = getEnv();
  const logger = opts.logger ?? (opts.log ? createLogger({ write: opts.log }) : getLogger());
  const log = logger.child({ name: "worker" });
  const producers = new ProducerQueues();
  const workers = Object.values(QUEUES).map((def) => {
    const { connection, prefix } = queueConnection("worker");
    const jobLog = logger.child({ name: def.job.queue });
    const context = { log: jobLog, rateLimit: (ms: number) => producers.get(def.job.queue).rateLimit(ms) };
    const w = new Worker(
      def.job.queue,
      (job, token) => {
        // The relay only hands over payloads the definition accepts; a job added some other way is refused here.
        const payload = def.job.payload.safeParse(job.data);
        if (!payload.success) throw new UnrecoverableError(`invalid ${def.job.queue} payload`);
        return def.process(job, payload.data, context, token);
      },
      {
        connection,
        prefix,
        concurrency: def.concurrency(),
        lockDuration: env.JOB_LOCK_MS,
        stalledInterval: env.JOB_STALLED_INTERVAL_MS,
        maxStalledCount: MAX_STALLED_COUNT,
        limiter: def.limiter?.(),
        settings: { backoffStrategy: (attemptsMade, _type, err) => def.backoff?.(attemptsMade, err) ?? env.EMAIL_BACKOFF_MS },
      },
    );
    w.on("failed", (job, err) => {
      if (!job || !def.onFailed) return;
      def.onFailed(job, err, jobLog).catch((e) => log.error({ err: e, queue: def.job.queue, jobId: job.id }, "recording a failed job failed"));
    });
    w.on("stalled", (jobId) => log.warn({ queue: def.job.queue, jobId }, "job stalled (its worker stopped): it runs again"));
    w.on("error", (err) => log.error({ err, queue: def.job.queue }, "worker error"));
    return w;
  });
  const operators = await syncConfiguredOperators(systemPrincipal("worker"));
  if (operators) log.info({ operators }, "users made operator from OPERATOR_EMAILS");
  const relay = new OutboxRelay({ log: logger.child({ name: "relay" }), pollMs: opts.pollMs, queues: producers });
  await relay.start();
  const sweeper = new Sweeper({ queues: producers, intervalMs: opts.sweepIntervalMs ?? env.JOB_SWEEP_INTERVAL_MS, log: logger.child({ name: "sweep" }) });
  sweeper.start();
  const databaseWatch = pauseWhileDatabaseDown(workers, { log });
  const pruner = setInterval(() => pruneOutbox().catch((err) => log.warn({ err }, "pruning the outbox failed")), 3600_000);
  log.info({ queues: workers.map((w) => w.name), pid: process.pid }, "serving queues");
  return {
    workers,
    relay,
    sweeper,
    async close() {
      clearInterval(pruner);
      databaseWatch.stop();
      await sweeper.stop();
      await relay.stop();
      await Promise.all(workers.map((w) => closeWorker(w)));
      await producers.close();
    },
  };
}

// --- While PostgreSQL is unreachable -------------------------------------------------------------------------------
// Every job reads and writes PostgreSQL: while it doesn't answer, jobs would only fail and use up their attempts. A
// probe (`select 1`, every DATABASE_PROBE_MS, default 2000) pauses this process's BullMQ workers when it fails and
// resumes them when it answers again, without a restart. Workers are paused, not the queues: a queue paused in Redis
// would stay paused for every worker if this process died meanwhile. Jobs already running finish, or fail and are
// retried, on their own.

export type DatabaseWatch = { stop: () => void; readonly paused: boolean };

type WatchLog = ((msg: string) => void) | { info: (msg: string) => void; warn: (msg: string) => void };

export function pauseWhileDatabaseDown(
  workers: Pick<Worker, "name" | "pause" | "resume">[],
  opts: { log: WatchLog; intervalMs?: number; probe?: () => Promise<boolean> },
): DatabaseWatch {
  const intervalMs = opts.intervalMs ?? getEnv().DATABASE_PROBE_MS;
  const probe = opts.probe ?? (async () => (await probeDatabase(Math.min(2000, intervalMs))) === "ok");
  const say = (level: "info" | "warn", msg: string) => (typeof opts.log === "function" ? opts.log(msg) : opts.log[level](msg));
  const names = workers.map((w) => w.name).join(", ");
  let paused = false;
  let probing = false;
  const check = async () => {
    if (probing) return;
    probing = true;
    try {
      const reachable = await probe();
      if (!reachable && !paused) {
        paused = true;
        await Promise.all(workers.map((w) => w.pause(true)));
        say("warn", `PostgreSQL unreachable: paused queues ${names}; probing every ${intervalMs} ms`);
      } else if (reachable && paused) {
        paused = false;
        await Promise.all(workers.map((w) => w.resume()));
        say("info", `PostgreSQL reachable again: resumed queues ${names}`);
      }
    } catch (err) {
      say("warn", `database watch: ${(err as Error).message}`);
    } finally {
      probing = false;
    }
  };
  const timer = setInterval(() => void check(), intervalMs);
  timer.unref();
  return {
    stop: () => clearInterval(timer),
    get paused() {
      return paused;
    },
  };
}

const isMain = process.argv[1] && /jobs[\\/]worker\.ts$/.test(process.argv[1]);
if (isMain) {
  exitOnBadConfig("tenancy worker");
  const log = getLogger("worker");
  startWorker()
    .then((running) => {
      let closing = false;
      const shutdown = async (signal: string) => {
        if (closing) return;
        closing = true;
        log.info({ signal }, "finishing current jobs");
        // BullMQ's close() can wait forever while Redis is unreachable; unfinished jobs are retried after a restart.
        await withTimeout(running.close(), 15_000, "close timed out").catch((err) => log.warn({ err }, "exiting without a clean close"));
        await closeDb();
        process.exit(0);
      };
      process.on("SIGTERM", () => void shutdown("SIGTERM"));
      process.on("SIGINT", () => void shutdown("SIGINT"));
    })
    .catch((err) => {
      log.fatal({ err }, "failed to start");
      process.exit(1);
    });
}
