// Scripts find the database `npm start` uses: with DATABASE_URL unset, the embedded cluster in the data directory,
// whether it runs (npm start is up) or not (started for the command and stopped after it).
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clusterDir, EMBEDDED_DATABASE, EmbeddedCluster, postmasterPid } from "@/db/embedded";
import { runMigrations } from "@/db/migrate";
import { freePort } from "../support/ports";

const run = promisify(execFile);
const root = fs.mkdtempSync(path.join(os.tmpdir(), "tenancy-data-"));
// Run as root, postgres runs as the `postgres` user, which must reach its directory inside this one.
fs.chmodSync(root, 0o755);
let cluster: EmbeddedCluster;

/** `npm run admin` as an operator runs it beside `npm start`: no DATABASE_URL, the data directory given. */
async function admin(dataDir: string, ...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, TENANCY_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(cluster.port) };
  delete env.DATABASE_URL;
  try {
    const { stdout } = await run("node_modules/.bin/tsx", ["scripts/admin.ts", ...args], { env });
    return { code: 0, out: stdout.trim() };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, out: e.stderr.trim() };
  }
}

async function kindOf(identifier: string): Promise<string> {
  const sql = postgres(cluster.url(EMBEDDED_DATABASE), { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`select kind from customers where identifier = ${identifier}`;
    return row.kind;
  } finally {
    await sql.end();
  }
}

const running = () => {
  const pid = postmasterPid(cluster.dir);
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

beforeAll(async () => {
  // What `npm start` leaves in .data: a cluster with the migrated `tenancy` database and an account in it.
  cluster = new EmbeddedCluster({ dir: clusterDir(root), port: await freePort(), logFile: path.join(root, "postgres.log") });
  await cluster.start();
  await cluster.ensureDatabase(EMBEDDED_DATABASE);
  await runMigrations(cluster.url(EMBEDDED_DATABASE));
  const sql = postgres(cluster.url(EMBEDDED_DATABASE), { max: 1, onnotice: () => {} });
  await sql`insert into customers (identifier, name) values ('embedded-acct', 'Embedded Ltd')`;
  await sql.end();
});

afterAll(async () => {
  await cluster?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe("scripts without DATABASE_URL", () => {
  it("use the embedded cluster while it runs, and leave it running", async () => {
    expect(await admin(root, "make-partner", "embedded-acct")).toEqual({ code: 0, out: "embedded-acct is now a partner account" });
    expect(await kindOf("embedded-acct")).toBe("partner");
    expect(running()).toBe(true);
  });

  it("start the stopped cluster for the command and stop it after", async () => {
    await cluster.stop();
    expect(running()).toBe(false);
    expect(await admin(root, "make-customer", "embedded-acct")).toEqual({ code: 0, out: "embedded-acct is now a customer account" });
    expect(running()).toBe(false);
    await cluster.start();
    expect(await kindOf("embedded-acct")).toBe("customer");
  });

  it("say in one line what to do where there is no cluster", async () => {
    const empty = path.join(root, "empty");
    const result = await admin(empty, "make-partner", "embedded-acct");
    expect(result.code).toBe(1);
    expect(result.out).toBe(
      `no database: DATABASE_URL is not set and ${path.join(empty, "postgres")} holds no embedded PostgreSQL; set DATABASE_URL, or run \`npm start\` once to create it`,
    );
  });
});
