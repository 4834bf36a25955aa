// `npx tsx bench/sign-in-flood.ts`: wrong sign-ins against a production server (`next start` on 127.0.0.1, a fresh
// database, the real Redis), through next-auth's credentials callback as a browser posts it. Prints how many the
// limiter refused and the server's peak resident memory (VmHWM). Only ever talks to 127.0.0.1; stops by itself.
//
//   phase 1: FLOOD_ONE (300) wrong passwords for one known address, one after another
//   phase 2: FLOOD_MANY (300) wrong sign-ins for different unknown addresses, FLOOD_CONCURRENCY (60) in flight, each
//            with an X-Forwarded-For of its own (a direct client can send one: see lib/limits/client-ip.ts), so the
//            per-IP and per-address limits don't stop them and every one costs a password check
//
// It builds with `next build` into .next first unless SKIP_BUILD=1 (reuse the last build). Not part of `npm run bench`
// (that one runs in-process benchmarks).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import postgres from "postgres";
import { runMigrations } from "../db/migrate";

const HOST = "127.0.0.1";
const FLOOD_ONE = Number(process.env.FLOOD_ONE ?? 300);
const FLOOD_MANY = Number(process.env.FLOOD_MANY ?? 300);
const CONCURRENCY = Number(process.env.FLOOD_CONCURRENCY ?? 60);
const ADMIN_URL = process.env.BENCH_ADMIN_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const DEADLINE = Date.now() + 10 * 60_000; // the whole run, build excluded, stops after ten minutes at most

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.listen(0, HOST, () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
    srv.on("error", reject);
  });
}

/** The pid and all its descendants (next start may run the server in a child). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    out.push(pid);
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return out;
}

function memoryKb(pid: number): { rss: number; hwm: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
    return { rss: field("VmRSS"), hwm: field("VmHWM") };
  } catch {
    return { rss: 0, hwm: 0 };
  }
}

/** Samples the tree's memory every 50 ms; the server process is the one with the largest peak. */
function sampler(root: number) {
  const peaks = new Map<number, number>();
  let peakRssSum = 0;
  const tick = () => {
    let sum = 0;
    for (const pid of processTree(root)) {
      const m = memoryKb(pid);
      sum += m.rss;
      peaks.set(pid, Math.max(peaks.get(pid) ?? 0, m.hwm));
    }
    peakRssSum = Math.max(peakRssSum, sum);
  };
  const timer = setInterval(tick, 50);
  tick();
  return {
    snapshot: () => {
      tick();
      const [pid, hwm] = [...peaks.entries()].sort((a, b) => b[1] - a[1])[0] ?? [root, 0];
      return { pid, hwmMb: hwm / 1024, rssMb: memoryKb(pid).rss / 1024, treeRssPeakMb: peakRssSum / 1024 };
    },
    stop: () => clearInterval(timer),
  };
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server at ${url} did not answer within ${timeoutMs} ms`);
}

type Outcome = "wrong" | "limited" | "busy" | "signed-in" | "other";

/** One sign-in as next-auth's signIn() makes it: CSRF token + cookie, then the credentials callback with json=true. */
async function signIn(
  base: string,
  email: string,
  password: string,
  forwardedFor?: string,
): Promise<{ outcome: Outcome; status: number; retryAfter: string | null; error: string | null }> {
  const extra: Record<string, string> = forwardedFor ? { "x-forwarded-for": forwardedFor } : {};
  const csrfRes = await fetch(`${base}/api/auth/csrf`, { headers: extra, signal: AbortSignal.timeout(30_000) });
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const cookie = csrfRes.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie, ...extra },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: `${base}/` }),
    redirect: "manual",
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json().catch(() => ({}))) as { url?: string };
  const error = body.url ? new URL(body.url).searchParams.get("error") : null;
  const outcome: Outcome =
    error === "CredentialsSignin"
      ? "wrong"
      : error?.startsWith("Too many sign-in attempts")
        ? "limited"
        : error?.includes("checking a lot of passwords")
          ? "busy"
          : !error && res.ok
            ? "signed-in"
            : "other";
  return { outcome, status: res.status, retryAfter: res.headers.get("retry-after"), error };
}

function tally(results: { outcome: Outcome }[]) {
  const t: Record<Outcome, number> = { wrong: 0, limited: 0, busy: 0, "signed-in": 0, other: 0 };
  for (const r of results) t[r.outcome]++;
  return t;
}

async function main() {
  if (!process.env.SKIP_BUILD) {
    console.error("building (next build) …");
    const build = spawnSync("node_modules/.bin/next", ["build"], { stdio: "inherit", env: { ...process.env, NEXTAUTH_SECRET: "build" } });
    if (build.status !== 0) throw new Error("next build failed");
  }
  const name = `tenancy_flood_${randomBytes(4).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const dbUrl = new URL(ADMIN_URL);
  dbUrl.pathname = `/${name}`;
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    QUEUE_PREFIX: `tenancy-flood-${randomBytes(3).toString("hex")}`,
    NEXTAUTH_SECRET: "flood-secret",
    NEXTAUTH_URL: base,
    APP_URL: base,
    PORT: String(port),
  };
  delete env.RESEND_API_KEY;
  let web: ChildProcess | null = null;
  try {
    await runMigrations(env.DATABASE_URL!);
    // The known address, made through the domain function in this process, on the server's database.
    Object.assign(process.env, { DATABASE_URL: env.DATABASE_URL, QUEUE_PREFIX: env.QUEUE_PREFIX, REDIS_URL: env.REDIS_URL });
    const { signUp } = await import("@/lib/accounts");
    const { ANONYMOUS } = await import("@/lib/authz");
    const email = `flood-${randomBytes(3).toString("hex")}@bench.test`;
    await signUp(ANONYMOUS, {
      fullName: "Flood Target",
      email,
      password: "the-right-password-1",
      accountName: "Flood",
      identifier: `flood-${randomBytes(3).toString("hex")}`,
    });

    web = spawn("node_modules/.bin/next", ["start", "-p", String(port), "-H", HOST], { env, stdio: ["ignore", "ignore", "inherit"] });
    await waitForHttp(`${base}/sign-in`, web, 60_000);
    const mem = sampler(web.pid!);
    // Warm up: compile paths, open pools (one right sign-in, which also clears nothing but its own address).
    await signIn(base, email, "the-right-password-1");
    const idle = mem.snapshot();

    const one: Awaited<ReturnType<typeof signIn>>[] = [];
    const t1 = Date.now();
    for (let i = 0; i < FLOOD_ONE && Date.now() < DEADLINE; i++) one.push(await signIn(base, email, `wrong-password-${i}`));
    const ms1 = Date.now() - t1;
    const after1 = mem.snapshot();

    const many: Awaited<ReturnType<typeof signIn>>[] = [];
    let next = 0;
    const t2 = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < FLOOD_MANY && Date.now() < DEADLINE) {
          const i = next++;
          many.push(await signIn(base, `nobody-${i}@bench.test`, "wrong-password", `198.18.${i >> 8}.${i & 255}`));
        }
      }),
    );
    const ms2 = Date.now() - t2;
    const after2 = mem.snapshot();
    mem.stop();

    const t = tally(one);
    const firstLimited = one.findIndex((r) => r.outcome === "limited");
    const sample = one.find((r) => r.outcome === "limited");
    console.log(`server: next start on ${base} (pid ${web.pid}; memory read from pid ${after2.pid}), Redis store, fresh database`);
    console.log(`idle after warm-up: RSS ${idle.rssMb.toFixed(0)} MB, VmHWM ${idle.hwmMb.toFixed(0)} MB`);
    console.log(
      `phase 1: ${one.length} wrong sign-ins for one address, sequential, ${ms1} ms: ${t.wrong} checked and answered "wrong", ${t.limited} refused by the limiter (first at #${firstLimited + 1}), ${t.busy} busy, ${t.other} other`,
    );
    if (sample) console.log(`  refusal: HTTP ${sample.status}, Retry-After ${sample.retryAfter ?? "(none)"}, "${sample.error}"`);
    console.log(`  VmHWM after phase 1: ${after1.hwmMb.toFixed(0)} MB (RSS now ${after1.rssMb.toFixed(0)} MB)`);
    const m = tally(many);
    console.log(
      `phase 2: ${many.length} wrong sign-ins, ${FLOOD_MANY} unknown addresses, ${CONCURRENCY} in flight, forged X-Forwarded-For, ${ms2} ms: ${m.wrong} checked, ${m.limited} refused by the limiter, ${m.busy} refused as busy (hashing queue full), ${m.other} other`,
    );
    console.log(
      `  VmHWM after phase 2: ${after2.hwmMb.toFixed(0)} MB (RSS now ${after2.rssMb.toFixed(0)} MB; process tree RSS peak ${after2.treeRssPeakMb.toFixed(0)} MB)`,
    );
    const others = [...one, ...many].filter((r) => r.outcome === "other").slice(0, 3);
    for (const o of others) console.log(`  other: HTTP ${o.status} ${o.error}`);
  } finally {
    if (web && web.exitCode === null) {
      const gone = new Promise((r) => web!.once("exit", r));
      web.kill("SIGTERM");
      await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
      if (web.exitCode === null) web.kill("SIGKILL");
    }
    const { closeDb } = await import("@/db/client");
    const { closeLimits } = await import("@/lib/limits");
    await closeLimits();
    await closeDb();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
  process.exit(0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
