// How queues and workers reach their backend: Redis (REDIS_URL) or, where no Redis exists, BullMQ's PostgreSQL backend.
import { Redis, type RedisOptions } from "ioredis";
import { Queue, RedisQueueBackend, createPostgresBackend, setDefaultBackendFactory, type ConnectionOptions, type Worker } from "bullmq";
import { getEnv, withTimeout } from "@/lib/core";

let postgresSelected = false;

/** Options for a Queue/Worker connection. Workers block, so Redis connections never give up on a request. */
export function queueConnection(role: "worker" | "producer"): { connection: ConnectionOptions; prefix: string } {
  const env = getEnv();
  if (env.JOB_BACKEND === "postgres") {
    if (!postgresSelected) {
      setDefaultBackendFactory(createPostgresBackend as never);
      postgresSelected = true;
    }
    return {
      connection: { connectionString: env.DATABASE_URL, migrate: true, schema: "bullmq" } as unknown as ConnectionOptions,
      prefix: env.QUEUE_PREFIX,
    };
  }
  const url = env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const options: RedisOptions =
    role === "worker"
      ? { maxRetriesPerRequest: null }
      : // A producer must fail fast when Redis is down: the outbox keeps the intent and the relay tries again.
        { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
  return { connection: new Redis(url, options), prefix: env.QUEUE_PREFIX };
}

/** BullMQ leaves a connection it was handed open when the Queue/Worker closes: whoever created it closes it. */
function releaseConnection(connection: ConnectionOptions | undefined): void {
  if (connection instanceof Redis) connection.disconnect();
}

/**
 * The ioredis clients a worker holds (the one it was given and BullMQ's blocking duplicate): [] on the PostgreSQL
 * backend, null when they never connected (BullMQ hands them out only once they have).
 */
async function redisClientsOf(worker: Worker): Promise<Redis[] | null> {
  const backend: unknown = worker.backend;
  if (!(backend instanceof RedisQueueBackend)) return [];
  const clients: unknown[] | null = await withTimeout(Promise.all([backend.client, backend.blockingClient]), 100).catch(() => null);
  return clients && clients.filter((c) => c instanceof Redis);
}

/**
 * Closes a BullMQ worker, letting its running jobs finish, without hanging on a connection that waits to reconnect:
 * Worker.close() then waits for an "end" event ioredis never emits, even once Redis is back (taskforcesh/bullmq#4656).
 * A worker whose connections are reconnecting gets `reconnectMs` to reconnect and is then closed gracefully; one whose
 * Redis stays away, or whose graceful close outlasts `closeMs`, is closed by force: its running jobs stall and run again.
 */
export async function closeWorker(worker: Worker, opts: { reconnectMs?: number; closeMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.reconnectMs ?? 5000);
  let clients = await redisClientsOf(worker);
  const ready = () => clients !== null && clients.every((c) => c.status === "ready");
  while (!ready() && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    clients = await redisClientsOf(worker);
  }
  if (!ready()) await worker.close(true);
  else
    await withTimeout(worker.close(), opts.closeMs ?? 10_000).catch(() => {
      // Redis went away during the close: drop the connections; the close BullMQ started is left to itself.
      for (const c of clients ?? []) c.disconnect();
    });
  releaseConnection(worker.opts.connection);
}

/** Producer-side queue handles by name, for the relay, the sweep and rate limits: they fail fast while Redis is down. */
export class ProducerQueues {
  private queues = new Map<string, Queue>();

  get(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      const { connection, prefix } = queueConnection("producer");
      q = new Queue(name, { connection, prefix });
      q.on("error", () => {}); // connection errors surface through the calls that fail
      this.queues.set(name, q);
    }
    return q;
  }

  async close(): Promise<void> {
    const queues = [...this.queues.values()];
    this.queues.clear();
    await Promise.all(
      queues.map((q) =>
        q
          .close()
          .catch(() => {})
          .then(() => releaseConnection(q.opts.connection)),
      ),
    );
  }
}

/**
 * Deletes every key under a queue prefix (a test run's or a benchmark's own), so nothing is left in Redis after it.
 * Redis gone already: there is nothing to remove.
 */
export async function removeQueueKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => {}); // the catch below has it
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== "0");
  } catch {
    // unreachable: nothing to clean
  } finally {
    redis.disconnect();
  }
}
