// How this domain reaches the job backend from any process (the web app included): a short-lived BullMQ Queue on a
// connection that fails fast, closed after each use. The web process otherwise never needs the backend, so it keeps
// no connection open; the operator pages are read rarely. The same choice of backend as jobs/connection.ts: Redis
// (REDIS_URL) or BullMQ's PostgreSQL backend (JOB_BACKEND=postgres).
import { Queue, createPostgresBackend, setDefaultBackendFactory, type ConnectionOptions } from "bullmq";
import { Redis } from "ioredis";
import { rawSql } from "@/db/client";
import { TimeoutError, UnavailableError, getEnv, getLogger, withTimeout } from "@/lib/core";

export const QUEUE_UNAVAILABLE = "The job queue can't be reached right now, so its jobs can't be shown or retried. Nothing was changed; try again shortly.";

function redisUrl(): string {
  return getEnv().REDIS_URL ?? "redis://127.0.0.1:6379";
}

let postgresSelected = false;

function connectionFor(): { connection: ConnectionOptions; prefix: string; release: () => void } {
  const env = getEnv();
  if (env.JOB_BACKEND === "postgres") {
    if (!postgresSelected) {
      setDefaultBackendFactory(createPostgresBackend as never);
      postgresSelected = true;
    }
    const connection = { connectionString: env.DATABASE_URL, migrate: true, schema: "bullmq" } as unknown as ConnectionOptions;
    return { connection, prefix: env.QUEUE_PREFIX, release: () => {} };
  }
  // Fail fast while Redis is down: no offline queue, one try per command, a short connect timeout.
  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000, lazyConnect: false });
  redis.on("error", () => {}); // surfaces as the failed command
  return { connection: redis, prefix: env.QUEUE_PREFIX, release: () => redis.disconnect() };
}

/** Whether an error from the backend means it is out of reach (rather than a bug, which propagates). */
function isBackendUnreachable(err: unknown): boolean {
  if (err instanceof TimeoutError) return true;
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null;
  if (!e) return false;
  if (typeof e.code === "string" && /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE)$/.test(e.code)) return true;
  if (e.name === "MaxRetriesPerRequestError") return true;
  return typeof e.message === "string" && /Connection is closed|Stream isn't writeable|connect ECONNREFUSED|Reached the max retries/.test(e.message);
}

/**
 * Runs `work` on a Queue opened for it, within `timeoutMs`, and closes it. An unreachable backend (or one too slow)
 * becomes an UnavailableError; the Queue is closed either way.
 */
export async function withQueue<T>(name: string, work: (queue: Queue) => Promise<T>, timeoutMs = 3000): Promise<T> {
  const { connection, prefix, release } = connectionFor();
  const queue = new Queue(name, { connection, prefix });
  queue.on("error", () => {}); // surfaces through `work`
  try {
    return await withTimeout(work(queue), timeoutMs, "the job queue did not answer in time");
  } catch (err) {
    if (isBackendUnreachable(err)) {
      getLogger("queues").warn({ queue: name, reason: (err as Error).message }, "job queue unreachable");
      throw new UnavailableError(QUEUE_UNAVAILABLE, "queue");
    }
    throw err;
  } finally {
    await withTimeout(queue.close(), 1000).catch(() => {});
    release();
  }
}

export type Reachability = "ok" | "unreachable";

/** `select 1` against PostgreSQL through the app's own pool, within `timeoutMs`. */
export async function probeDatabase(timeoutMs: number): Promise<Reachability> {
  try {
    await withTimeout(rawSql()`select 1`.execute(), timeoutMs);
    return "ok";
  } catch {
    return "unreachable";
  }
}

/** A PING on a connection of its own (Redis), within `timeoutMs`; the PostgreSQL backend lives in the database. */
export async function probeQueueBackend(timeoutMs: number, database: () => Promise<Reachability>): Promise<Reachability> {
  if (getEnv().JOB_BACKEND === "postgres") return database();
  const redis = new Redis(redisUrl(), {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  redis.on("error", () => {}); // the probe's answer is "unreachable"
  try {
    const pong = await withTimeout(
      redis.connect().then(() => redis.ping()),
      timeoutMs,
    );
    return pong === "PONG" ? "ok" : "unreachable";
  } catch {
    return "unreachable";
  } finally {
    redis.disconnect();
  }
}
