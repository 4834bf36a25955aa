// How queues and workers reach their backend: Redis (REDIS_URL) or, where no Redis exists, BullMQ's PostgreSQL backend.
import { Redis, type RedisOptions } from "ioredis";
import { Queue, createPostgresBackend, setDefaultBackendFactory, type ConnectionOptions } from "bullmq";
import { getEnv } from "@/lib/core";

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
export function releaseConnection(connection: ConnectionOptions | undefined): void {
  if (connection instanceof Redis) connection.disconnect();
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
