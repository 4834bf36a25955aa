// One postgres.js pool per process, shared by the web app, the worker and scripts.
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";
import { getEnv } from "@/config";

export type Database = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type Executor = Database | Tx;

type Holder = { sql: postgres.Sql; db: Database };
const globalHolder = globalThis as unknown as { __tenancyDb?: Holder };

/**
 * How long the pool waits, so that an unreachable database fails a request within seconds instead of hanging it:
 * - DATABASE_CONNECT_TIMEOUT (seconds, default 2): opening a connection; a refused one fails at once anyway.
 * - DATABASE_IDLE_TIMEOUT (seconds, default 30; 0 keeps them): idle connections are closed, so after a restart or a
 *   network change the pool opens fresh ones rather than finding out on a request that an old one is dead.
 * - DATABASE_STATEMENT_TIMEOUT_MS (default 30000; 0 is none): PostgreSQL cancels a statement running longer; the
 *   transaction rolls back, so nothing half-done stays.
 */
export function poolSettings() {
  const env = getEnv();
  return {
    // DATABASE_POOL_SIZE (default 10): connections each process opens at most; with a pooler in front, its pool counts.
    max: env.DATABASE_POOL_SIZE,
    connect_timeout: env.DATABASE_CONNECT_TIMEOUT,
    idle_timeout: env.DATABASE_IDLE_TIMEOUT,
    statement_timeout: env.DATABASE_STATEMENT_TIMEOUT_MS,
  };
}

/**
 * The client drizzle talks through, with every statement prepared (postgres.js keeps it per connection, by its text):
 * unprepared, a statement with parameters costs two round trips (one to learn its parameter types, then the run), and
 * every page sends several. Preparing keeps one round trip and skips parsing; planning still happens at every run for
 * the actual values (plan_cache_mode below), because a generic plan can be far worse for some of them (a search term
 * that matches most customers, a group of three customers or of thirty thousand).
 */
function preparing(sql: postgres.Sql): postgres.Sql {
  return new Proxy(sql, {
    get(target, prop, receiver) {
      if (prop === "unsafe")
        return (query: string, params?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
          target.unsafe(query, params, { ...options, prepare: true });
      // Transactions and savepoints hand out a client of their own: it prepares too.
      if (prop === "begin" || prop === "savepoint")
        return (...args: unknown[]) => {
          const work = args.pop() as (inner: postgres.Sql) => unknown;
          return (Reflect.get(target, prop, receiver) as (...a: unknown[]) => unknown)(...args, (inner: postgres.Sql) => work(preparing(inner)));
        };
      return Reflect.get(target, prop, receiver);
    },
  });
}

function open(): Holder {
  const { max, connect_timeout, idle_timeout, statement_timeout } = poolSettings();
  const sql = postgres(getEnv().DATABASE_URL, {
    max,
    onnotice: () => {},
    connect_timeout,
    idle_timeout: idle_timeout || undefined,
    // Sent with every new connection as run-time parameters, so they hold for every statement of this pool.
    connection: { statement_timeout, plan_cache_mode: "force_custom_plan" },
  });
  return { sql, db: drizzle(preparing(sql), { schema }) };
}

function holder(): Holder {
  globalHolder.__tenancyDb ??= open();
  return globalHolder.__tenancyDb;
}

export const db: Database = new Proxy({} as Database, {
  get: (_t, prop) => {
    const real = holder().db;
    const value = Reflect.get(real, prop, real);
    return typeof value === "function" ? value.bind(real) : value;
  },
});

/**
 * A statement drizzle builds once per pool instead of at every call, for the reads every request makes outside a
 * transaction: building a select of a few dozen columns costs drizzle a quarter of a millisecond each time. `build`
 * gets the pool's drizzle instance and returns the prepared query (values as `sql.placeholder`s).
 */
export function builtOnce<T>(build: (db: Database) => T): () => T {
  const built = new WeakMap<Database, T>();
  return () => {
    const real = holder().db;
    let query = built.get(real);
    if (query === undefined) {
      query = build(real);
      built.set(real, query);
    }
    return query;
  };
}

export function rawSql(): postgres.Sql {
  return holder().sql;
}

export async function closeDb(): Promise<void> {
  const h = globalHolder.__tenancyDb;
  globalHolder.__tenancyDb = undefined;
  if (h) await h.sql.end({ timeout: 5 });
}
