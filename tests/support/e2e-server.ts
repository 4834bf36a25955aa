// For browser tests: a production build of the app served by `next start`, plus the worker, on a database of their own.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { createTestDatabase } from "./database";
import { preflight } from "./preflight";
import { freePort } from "./ports";

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    e2eDatabaseUrl: string;
  }
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`server at ${url} did not answer within ${timeoutMs} ms`);
}

export default async function setup(project: TestProject) {
  // Vitest runs this before the root global setup, so the checks come before the build.
  await preflight({ redis: true, browser: true });
  const { url: databaseUrl, drop } = await createTestDatabase("tenancy_e2e");

  if (!process.env.E2E_SKIP_BUILD) {
    const build = spawnSync("node_modules/.bin/next", ["build"], {
      stdio: "inherit",
      // npm test has type-checked the project before any test runs.
      env: { ...process.env, NEXTAUTH_SECRET: "build", NEXT_TELEMETRY_DISABLED: "1", TENANCY_BUILD_TYPECHECK: process.env.TENANCY_BUILD_TYPECHECK ?? "off" },
    });
    if (build.status !== 0) throw new Error("next build failed");
  }

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    QUEUE_PREFIX: `tenancy-e2e-${randomBytes(4).toString("hex")}`,
    NEXTAUTH_SECRET: "e2e-secret",
    NEXTAUTH_URL: baseUrl,
    APP_URL: baseUrl,
    PORT: String(port),
    // Every browser test comes from one address: the per-IP limits would otherwise refuse the suite itself.
    RATE_LIMIT_SIGN_UP_PER_IP: "1000/3600",
    RATE_LIMIT_SIGN_IN_PER_IP: "1000/900/900",
    RATE_LIMIT_RESET_PER_IP: "1000/3600",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  delete env.RESEND_API_KEY;
  const web = spawn("node_modules/.bin/next", ["start", "-p", String(port), "-H", "127.0.0.1"], { env, stdio: ["ignore", "inherit", "inherit"] });
  const worker = spawn("node_modules/.bin/tsx", ["jobs/worker.ts"], { env, stdio: ["ignore", "inherit", "inherit"] });
  await waitForHttp(`${baseUrl}/sign-in`, web, 60_000);

  project.provide("baseUrl", baseUrl);
  project.provide("e2eDatabaseUrl", databaseUrl);

  return async () => {
    const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null ? r() : c.once("exit", () => r())));
    web.kill("SIGTERM");
    worker.kill("SIGTERM");
    await Promise.race([Promise.all([exited(web), exited(worker)]), new Promise((r) => setTimeout(r, 10_000))]);
    web.kill("SIGKILL");
    worker.kill("SIGKILL");
    await drop();
  };
}
