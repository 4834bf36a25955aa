// One postgres.js pool per process, shared by the web app, the worker and scripts.
import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema";
import { getEnv } from "@/lib/core/env";

export type Database = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];
export type Executor = Database | Tx;

type Holder = { sql: postgres.Sql; db: Database };
const globalHolder = globalThis as unknown as { __tenancyDb?: Holder };

function open(): Holder {
  const sql = postgres(getEnv().DATABASE_URL, { max: 10, onnotice: () => {} });
  return { sql, db: drizzle(sql, { schema }) };
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

export function rawSql(): postgres.Sql {
  return holder().sql;
}

export async function closeDb(): Promise<void> {
  const h = globalHolder.__tenancyDb;
  globalHolder.__tenancyDb = undefined;
  if (h) await h.sql.end({ timeout: 5 });
}
