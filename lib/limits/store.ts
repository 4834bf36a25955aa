// Where the counters live, with rate-limiter-flexible's stores:
//   redis    (JOB_BACKEND=redis):    RateLimiterRedis → insurance RateLimiterPostgres → insurance RateLimiterMemory
//   postgres (JOB_BACKEND=postgres): RateLimiterPostgres → insurance RateLimiterMemory
//   memory   (RATE_LIMIT_STORE=memory, one process only): RateLimiterMemory
// The web process must not need Redis to succeed: when Redis doesn't answer, a request is counted in PostgreSQL at once
// (still shared by every process), and if PostgreSQL fails too, in this process's memory. The insurance counts are not
// copied back when Redis returns, so a few extra attempts may pass around an outage.
import pg from "pg";
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, type RateLimiterAbstract } from "rate-limiter-flexible";
import { getEnv, readEnv } from "@/lib/core";
import type { Limit } from "./definitions";

export type StoreKind = "redis" | "postgres" | "memory";

/** The table the migration 0007_rate_limits creates. */
export const RATE_LIMIT_TABLE = "rate_limits";

type RedisHolder = { client: Redis; firstContact: Promise<void> };
type Holder = { redis: Map<string, RedisHolder>; pools: Map<string, pg.Pool>; limiters: Map<string, RateLimiterAbstract>; lastWarning: number };
// One set per process, kept across hot reloads in development.
const globalHolder = globalThis as unknown as { __tenancyLimits?: Holder };
function holder(): Holder {
  globalHolder.__tenancyLimits ??= { redis: new Map(), pools: new Map(), limiters: new Map(), lastWarning: 0 };
  return globalHolder.__tenancyLimits;
}

function warn(message: string) {
  const h = holder();
  if (Date.now() - h.lastWarning < 60_000) return;
  h.lastWarning = Date.now();
  console.warn(`[limits] ${message}`);
}

export function storeKind(source?: Record<string, string | undefined>): StoreKind {
  const env = readEnv(source);
  return env.RATE_LIMIT_STORE ?? env.JOB_BACKEND;
}

export function keyPrefix(source?: Record<string, string | undefined>): string {
  const env = readEnv(source);
  return env.RATE_LIMIT_PREFIX?.trim() || `${env.QUEUE_PREFIX}:limits`;
}

function redisFor(url: string): RedisHolder {
  const h = holder();
  let entry = h.redis.get(url);
  if (!entry) {
    // Fail fast: no offline queue, one retry, short timeouts. A refused command goes to the insurance store.
    const client = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1000, commandTimeout: 500 });
    client.on("error", (err: Error) => warn(`Redis at ${redact(url)} unreachable (${err.message}); counting in PostgreSQL until it answers`));
    // The first request waits (at most a second) for the connection, so a fresh process doesn't count its first
    // attempts in the insurance store while Redis is merely still connecting.
    const firstContact = new Promise<void>((resolve) => {
      const done = () => resolve();
      client.once("ready", done);
      client.once("error", done);
      client.once("end", done);
      setTimeout(done, 1000).unref();
    });
    entry = { client, firstContact };
    h.redis.set(url, entry);
  }
  return entry;
}

function poolFor(url: string): pg.Pool {
  const h = holder();
  let pool = h.pools.get(url);
  if (!pool) {
    // A small pool of its own: rate-limiter-flexible speaks to `pg`, the app's queries go through postgres.js.
    pool = new pg.Pool({ connectionString: url, max: 3, idleTimeoutMillis: 10_000, connectionTimeoutMillis: 2000 });
    pool.on("error", (err) => warn(`PostgreSQL connection of the limiter failed (${err.message})`));
    h.pools.set(url, pool);
  }
  return pool;
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}

/** The limiter for `limit` on the configured store; built once per configuration and kept. */
export async function limiterFor(limit: Limit): Promise<RateLimiterAbstract> {
  const env = getEnv();
  const kind = storeKind();
  const prefix = keyPrefix();
  const redisUrl = env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const cacheKey = [kind, kind === "redis" ? redisUrl : "", env.DATABASE_URL, prefix, limit.name, limit.points, limit.windowSeconds, limit.blockSeconds].join(
    "|",
  );
  const h = holder();
  if (kind === "redis") await redisFor(redisUrl).firstContact;
  const cached = h.limiters.get(cacheKey);
  if (cached) return cached;

  const common = {
    keyPrefix: `${prefix}:${limit.name}`,
    points: limit.points,
    duration: limit.windowSeconds,
    blockDuration: limit.blockSeconds,
  };
  // Without a block, a key over its limit is refused from memory until its window ends, so a flood costs no store
  // round trip. (The library skips blockDuration for keys blocked in memory, so limits with a block always ask the store.)
  const stored = limit.blockSeconds > 0 ? common : { ...common, inMemoryBlockOnConsumed: limit.points + 1 };
  const memory = new RateLimiterMemory(common);
  const postgres = () =>
    new RateLimiterPostgres({
      ...stored,
      storeClient: poolFor(env.DATABASE_URL),
      storeType: "pool",
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true,
      clearExpiredByTimeout: true,
      insuranceLimiter: memory,
    });
  let limiter: RateLimiterAbstract;
  if (kind === "memory") limiter = memory;
  else if (kind === "postgres") limiter = postgres();
  else
    limiter = new RateLimiterRedis({
      ...stored,
      storeClient: redisFor(redisUrl).client,
      rejectIfRedisNotReady: true,
      insuranceLimiter: postgres(),
    });
  h.limiters.set(cacheKey, limiter);
  return limiter;
}

/** Closes this process's Redis connections and PostgreSQL pool (tests, scripts). */
export async function closeLimits(): Promise<void> {
  const h = holder();
  globalHolder.__tenancyLimits = undefined;
  for (const { client } of h.redis.values()) client.disconnect();
  await Promise.all([...h.pools.values()].map((p) => p.end().catch(() => {})));
}
