// A fresh, migrated PostgreSQL database for one test run, and the way to drop it afterwards. The server that holds it:
// TEST_ADMIN_DATABASE_URL; else PostgreSQL on 127.0.0.1:5432 when something answers there (TEST_PG_PROBE_URL looks
// elsewhere); else an embedded PostgreSQL started for this run, in a temporary directory, stopped and removed once
// every database made on it is dropped (by the root and the e2e global setups, whichever tears down last).
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { EmbeddedCluster, postmasterPid } from "../../db/embedded";
import { runMigrations } from "../../db/migrate";
import { freePort } from "./ports";

type Embedded = { cluster: EmbeddedCluster; root: string; users: number; adminUrl: string };
type Shared = { admin?: Promise<{ url: string; embedded?: Embedded }> };
// Global setups of different projects load this file through different module runners, but in one process.
const shared = ((globalThis as unknown as { __tenancyTestPostgres?: Shared }).__tenancyTestPostgres ??= {});

/** Creates `<prefix>_<time>_<random>` on the admin server, migrates it, and returns its URL. */
export async function createTestDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = await acquireServer();
  const name = `${prefix}_${Date.now()}_${randomBytes(3).toString("hex")}`;
  const admin = postgres(server.url, { max: 1, onnotice: () => {} });
  let dropped = false;
  const drop = async () => {
    if (dropped) return;
    dropped = true;
    try {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    } finally {
      await releaseServer(server.embedded);
    }
  };
  try {
    await admin.unsafe(`create database ${name}`);
    const url = new URL(server.url);
    url.pathname = `/${name}`;
    await runMigrations(url.toString());
    // Like an installation already in use, the test database has an operator: otherwise whichever test signs up first
    // would become the operator (the first-sign-up rule has its own test, on a database of its own).
    const seeded = postgres(url.toString(), { max: 1, onnotice: () => {} });
    await seeded`insert into users (email, name, is_operator, email_verified_at) values ('installation-operator@tests.invalid', 'Installation Operator', true, now())`;
    await seeded.end();
    return { url: url.toString(), drop };
  } catch (err) {
    await drop().catch(() => {});
    throw err;
  }
}

async function acquireServer(): Promise<{ url: string; embedded?: Embedded }> {
  shared.admin ??= chooseServer();
  const server = await shared.admin;
  if (server.embedded) server.embedded.users++;
  return server;
}

async function releaseServer(embedded: Embedded | undefined): Promise<void> {
  if (!embedded || --embedded.users > 0) return;
  shared.admin = undefined;
  await embedded.cluster.stop();
  fs.rmSync(embedded.root, { recursive: true, force: true });
}

async function chooseServer(): Promise<{ url: string; embedded?: Embedded }> {
  const configured = process.env.TEST_ADMIN_DATABASE_URL;
  if (configured) return { url: configured };
  const probe = new URL(process.env.TEST_PG_PROBE_URL || "postgres://127.0.0.1:5432");
  const host = probe.hostname || "127.0.0.1";
  const port = Number(probe.port || 5432);
  if (await answers(host, port)) return { url: `postgres://postgres@${host}:${port}/postgres` };
  const embedded = await startEmbedded();
  console.log(`tests: nothing answers on ${host}:${port}, using an embedded PostgreSQL on port ${embedded.cluster.port}`);
  return { url: embedded.adminUrl, embedded };
}

/** A cluster in a new temporary directory (not started), for throwaway data: nothing needs to survive a crash. */
async function throwawayCluster(prefix: string, postgresFlags: string[] = []): Promise<{ cluster: EmbeddedCluster; root: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // Run as root, postgres runs as the `postgres` user, which must reach its data directory inside this one.
  fs.chmodSync(root, 0o755);
  const cluster = new EmbeddedCluster({
    dir: path.join(root, "data"),
    port: await freePort(),
    logFile: path.join(root, "postgres.log"),
    initdbFlags: ["--no-sync"],
    postgresFlags: ["-c", "fsync=off", ...postgresFlags],
  });
  return { cluster, root };
}

/**
 * A PostgreSQL of a test file's own, to stop and start under the processes it serves, with a migrated `tenancy`
 * database; `remove` stops it and deletes its files.
 */
export async function startOwnDatabase(prefix: string): Promise<{ cluster: EmbeddedCluster; databaseUrl: string; remove: () => Promise<void> }> {
  const { cluster, root } = await throwawayCluster(prefix);
  await cluster.start();
  await cluster.ensureDatabase("tenancy");
  const databaseUrl = cluster.url("tenancy");
  await runMigrations(databaseUrl);
  return {
    cluster,
    databaseUrl,
    remove: async () => {
      await cluster.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

async function startEmbedded(): Promise<Embedded> {
  const { cluster, root } = await throwawayCluster("tenancy-test-pg-", ["-c", "synchronous_commit=off", "-c", "full_page_writes=off"]);
  // If the run ends without the teardowns (a failed setup, Ctrl-C), still stop postgres and remove its files.
  process.once("exit", () => {
    const pid = postmasterPid(cluster.dir);
    try {
      if (pid !== null) process.kill(pid, "SIGQUIT");
    } catch {
      // gone already
    }
    fs.rmSync(root, { recursive: true, force: true, maxRetries: 3 });
  });
  await cluster.start();
  return { cluster, root, users: 0, adminUrl: cluster.url("postgres") };
}

function answers(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("connect", () => finish(true));
  });
}
