// Runs the real worker (BullMQ workers + outbox relay + sweep) in the test process or as child processes, on a queue
// prefix unique to the test file, and keeps every log line they write so a test can search them.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { sql } from "drizzle-orm";
import { db, rawSql } from "@/db/client";
import { SWEEP_LOCK_KEY } from "@/jobs/sweep";
import { startWorker, type RunningWorker } from "@/jobs/worker";
import { createLogger, setLogSink } from "@/lib/core";

/** Every log line written in this test file: the test process's own and its worker processes' (stdout and stderr). */
export const capturedLogs: string[] = [];
const captureSink = { write: (line: string) => void capturedLogs.push(line) };

export function useUniqueQueuePrefix(label: string): string {
  const prefix = `${process.env.QUEUE_PREFIX ?? "tenancy-test"}-${label}-${randomBytes(3).toString("hex")}`;
  process.env.QUEUE_PREFIX = prefix;
  return prefix;
}

/** A worker in this process; its log lines (debug and up) go to capturedLogs, as do the process logger's. */
export async function startTestWorker(opts: { sweepIntervalMs?: number } = {}): Promise<RunningWorker> {
  setLogSink(captureSink);
  return startWorker({ logger: createLogger(captureSink, "debug"), pollMs: 200, sweepIntervalMs: opts.sweepIntervalMs });
}

/**
 * Runs `work` while this test holds the sweep's advisory lock, so no sweep of any process re-enqueues pending work
 * meanwhile (they skip a round and try again later): for a test that must see a job's effect come from its own action.
 */
export async function withoutSweeps<T>(work: () => Promise<T>): Promise<T> {
  const conn = await rawSql().reserve();
  try {
    await conn`select pg_advisory_lock(${SWEEP_LOCK_KEY}::bigint)`;
    try {
      return await work();
    } finally {
      await conn`select pg_advisory_unlock(${SWEEP_LOCK_KEY}::bigint)`;
    }
  } finally {
    conn.release();
  }
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

/**
 * Marks every pending outbox row as relayed, every unsent e-mail as failed, every waiting deletion as cancelled and every
 * notice's pending work as done, so a
 * test starts from a quiet outbox: work other test files queued without a worker is neither relayed nor found again by
 * the sweep.
 */
export async function quietOutbox(): Promise<void> {
  await db.execute(sql`update outbox set relayed_at = now() where relayed_at is null and set_aside_at is null`);
  // Deletions other test files asked for and left waiting: the sweep would enqueue them again.
  await db.execute(sql`update customer_deletions set status = 'cancelled', cancelled_by = 'set aside by a test' where status in ('pending', 'running')`);
  await db.execute(
    sql`update outbound_emails set status = 'failed', last_error = 'not sent: set aside by a test', lease_until = null where status in ('queued', 'sending')`,
  );
  await db.execute(sql`update notice_work set done_at = now(), outcome = 'set aside by a test', lease_until = null where done_at is null`);
}

/** The real worker entry (jobs/worker.ts, as `npm run worker` runs it) as a child process, with its JSON log lines. */
export class WorkerProcess {
  readonly lines: string[] = [];
  private exited: Promise<void>;

  private constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    for (const stream of [child.stdout!, child.stderr!]) {
      let buffer = "";
      stream.on("data", (chunk: Buffer) => {
        buffer += chunk.toString();
        const parts = buffer.split("\n");
        buffer = parts.pop()!;
        for (const line of parts) {
          this.lines.push(line);
          capturedLogs.push(line);
        }
      });
    }
  }

  /** Starts a worker process with `env` over this test's environment; resolves once it serves its queues. */
  static async start(env: Record<string, string | undefined> = {}, timeoutMs = 30_000): Promise<WorkerProcess> {
    // Node with tsx as its loader, not the tsx CLI: that one runs the script in a grandchild a SIGKILL would not reach.
    const child = spawn(process.execPath, ["--import", "tsx", "jobs/worker.ts"], {
      cwd: path.resolve("."),
      env: { ...process.env, NODE_OPTIONS: undefined, LOG_LEVEL: "debug", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const worker = new WorkerProcess(child);
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`worker process exited (${child.exitCode}):\n${worker.lines.slice(-20).join("\n")}`);
        return worker.logged("serving queues").length > 0;
      },
      timeoutMs,
      "the worker process to start",
    );
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Whether the process has ended (by itself, or killed). */
  get hasExited(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** This process's log records whose message is `msg`. */
  logged(msg: string): Record<string, unknown>[] {
    return this.lines.flatMap((line) => {
      try {
        const rec = JSON.parse(line) as Record<string, unknown>;
        return rec.msg === msg ? [rec] : [];
      } catch {
        return [];
      }
    });
  }

  /** Kills it outright (SIGKILL), like a crash or the OOM killer: no cleanup, jobs left active. */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
    await this.exited;
  }

  /** Asks it to stop (SIGTERM) and waits for it to exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGTERM");
    await this.exited;
  }
}
