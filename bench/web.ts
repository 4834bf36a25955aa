// The production build served by `next start`, signed in through next-auth's sign-in endpoint: what the benchmarks that
// measure a page over HTTP share. `.next` is reused when it is newer than every build input (the launcher's rule).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { staleBuildReason } from "../scripts/build-freshness";

const ROOT = path.resolve(import.meta.dirname, "..");

export function ensureBuild(log: (msg: string) => void): string {
  const reason = process.env.BENCH_REBUILD ? "BENCH_REBUILD is set" : staleBuildReason(ROOT);
  if (!reason) return "reused .next (newer than every build input)";
  log(`${reason}: running next build`);
  const started = Date.now();
  const build = spawnSync(path.join(ROOT, "node_modules/.bin/next"), ["build"], {
    cwd: ROOT,
    stdio: ["ignore", process.stderr, process.stderr],
    env: { ...process.env, NEXTAUTH_SECRET: "build", NEXT_TELEMETRY_DISABLED: "1", TENANCY_BUILD_TYPECHECK: process.env.TENANCY_BUILD_TYPECHECK ?? "off" },
  });
  if (build.status !== 0) throw new Error("next build failed");
  return `built .next (${reason}) in ${((Date.now() - started) / 1000).toFixed(0)} s`;
}

export function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

async function freePort(): Promise<number> {
  const probe = http.createServer();
  const port = await listen(probe);
  await new Promise((r) => probe.close(r));
  return port;
}

export async function startWeb(): Promise<{ baseUrl: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXTAUTH_URL: baseUrl,
    APP_URL: baseUrl,
    PORT: String(port),
    NEXT_TELEMETRY_DISABLED: "1",
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  };
  // The web app runs with its own statement timeout, not the one the seeding needs.
  delete env.DATABASE_STATEMENT_TIMEOUT_MS;
  const web: ChildProcess = spawn(path.join(ROOT, "node_modules/.bin/next"), ["start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    env,
    stdio: ["ignore", process.stderr, process.stderr],
  });
  const exited = new Promise<void>((r) => (web.exitCode !== null ? r() : web.once("exit", () => r())));
  const stop = async () => {
    web.kill("SIGTERM");
    const timer = setTimeout(() => web.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (web.exitCode !== null) throw new Error(`next start exited with ${web.exitCode}`);
      if (Date.now() > deadline) throw new Error(`next start did not answer on ${baseUrl} within 60 s`);
      const up = await fetch(`${baseUrl}/sign-in`).then(
        (r) => r.status < 500,
        () => false,
      );
      if (up) break;
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseUrl, stop };
}

/** Signs in the way the sign-in form does (next-auth's credentials callback, with its CSRF token); returns the Cookie header. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const jar = new Map(csrf.headers.getSetCookie().map((c) => c.split(";")[0].split("=", 2) as [string, string]));
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, callbackUrl: `${baseUrl}/`, json: "true" }),
  });
  for (const c of res.headers.getSetCookie()) {
    const [k, v] = c.split(";")[0].split("=", 2);
    jar.set(k, v);
  }
  if (!jar.get("next-auth.session-token")) throw new Error(`signing in as ${email} gave no session (status ${res.status})`);
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

export async function get(url: string, cookie?: string): Promise<string> {
  const res = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: "manual" });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  return body;
}
