// `npm run bench`: runs every bench/*.bench.ts against a fresh database on the real PostgreSQL and Redis, prints one table.
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { runMigrations } from "../db/migrate";
import type { Benchmark, BenchRow } from "./harness";

const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

function fmt(n: number): string {
  if (n >= 100) return n.toFixed(0);
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function printTable(rows: BenchRow[]) {
  const header = ["benchmark", "ours", "raw limit", "raw", "ours/raw", "unit"];
  const lines = rows.map((r) => [
    r.name,
    fmt(r.ours),
    r.rawLabel,
    fmt(r.raw),
    (r.ours / r.raw).toFixed(2),
    `${r.unit}${r.higherIsBetter ? " (higher is better)" : " (lower is better)"}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
  console.log(row(header));
  console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  for (const l of lines) console.log(row(l));
  for (const r of rows) if (r.note) console.log(`  ${r.name}: ${r.note}`);
}

async function main() {
  const only = process.argv[2];
  const name = `tenancy_bench_${randomBytes(4).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  process.env.QUEUE_PREFIX = `tenancy-bench-${randomBytes(3).toString("hex")}`;
  // The benchmarks send thousands of invitations from one account; the per-account limit would refuse them.
  process.env.RATE_LIMIT_INVITATIONS_PER_ACCOUNT ??= "1000000/3600";
  // Seeding 100,000 rows in one statement may take longer than the web app's statement timeout.
  process.env.DATABASE_STATEMENT_TIMEOUT_MS ??= "0";
  process.env.NEXTAUTH_SECRET ??= "bench";
  delete process.env.RESEND_API_KEY;
  const rows: BenchRow[] = [];
  try {
    await runMigrations(process.env.DATABASE_URL);
    const files = readdirSync(import.meta.dirname)
      .filter((f) => f.endsWith(".bench.ts") && (!only || f.includes(only)))
      .sort();
    for (const file of files) {
      const mod = (await import(path.join(import.meta.dirname, file))) as { default: Benchmark };
      console.error(`running ${mod.default.name} …`);
      rows.push(...(await mod.default.run()));
    }
  } finally {
    const { closeDb } = await import("../db/client");
    await closeDb();
    // The queues' keys (each benchmark's prefix starts with the run's).
    const { removeQueueKeys } = await import("../jobs/connection");
    await removeQueueKeys(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", process.env.QUEUE_PREFIX!);
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
  printTable(rows);
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
