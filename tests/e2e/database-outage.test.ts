// Fail fast, recover by itself: a `next start` and a worker of their own on an embedded PostgreSQL of their own. With
// the database stopped, a page answers within 3 s with the "temporarily unavailable, nothing was changed" page, a form
// says the same, /api/readyz answers 503 and the worker pauses its queues; with the database started again, the same
// page answers 200, readiness 200 and the worker resumes, without restarting anything. The same again with the
// database frozen (every postgres process stopped with SIGSTOP: connections open, nothing answers, as in a network
// partition). Reuses the build the e2e setup made. Prints the times.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import type { APIRequestContext } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { EmbeddedCluster, postmasterPid } from "@/db/embedded";
import { DESKTOP, screenshot, useBrowser } from "../support/browser";
import { signUpViaUi } from "../support/e2e";
import { startOwnDatabase } from "../support/database";
import { freePort } from "../support/ports";

const browser = useBrowser();
const UNAVAILABLE = "Nothing was changed";
const LIMIT_MS = 3000;

let own: Awaited<ReturnType<typeof startOwnDatabase>> | undefined;
let cluster: EmbeddedCluster;
let web: ChildProcess | undefined;
let worker: ChildProcess | undefined;
let baseUrl = "";
let workerLog = "";

async function until<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs: number, label: string): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe().catch(() => null);
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work();
  return { value, ms: Date.now() - started };
}

beforeAll(async () => {
  own = await startOwnDatabase("tenancy-outage-");
  cluster = own.cluster;
  const { databaseUrl } = own;

  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    QUEUE_PREFIX: `tenancy-outage-${randomBytes(4).toString("hex")}`,
    NEXTAUTH_SECRET: "outage-secret",
    NEXTAUTH_URL: baseUrl,
    APP_URL: baseUrl,
    PORT: String(port),
    DATABASE_PROBE_MS: "500",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  delete env.RESEND_API_KEY;
  web = spawn("node_modules/.bin/next", ["start", "-p", String(port), "-H", "127.0.0.1"], { env, stdio: ["ignore", "ignore", "inherit"] });
  worker = spawn("node_modules/.bin/tsx", ["jobs/worker.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  worker.stdout!.on("data", (chunk) => (workerLog += String(chunk)));
  worker.stderr!.on("data", (chunk) => (workerLog += String(chunk)));
  await until(async () => (await fetch(`${baseUrl}/sign-in`)).status === 200, 60_000, "next start");
  await until(async () => workerLog.includes("serving queues"), 30_000, "the worker");
}, 120_000);

afterAll(async () => {
  const exited = (c: ChildProcess | undefined) => new Promise<void>((r) => (!c || c.exitCode !== null ? r() : c.once("exit", () => r())));
  web?.kill("SIGTERM");
  worker?.kill("SIGTERM");
  await Promise.race([Promise.all([exited(web), exited(worker)]), new Promise((r) => setTimeout(r, 10_000))]);
  web?.kill("SIGKILL");
  worker?.kill("SIGKILL");
  await own?.remove();
}, 60_000);

async function readiness(request: APIRequestContext) {
  return timed(async () => {
    const res = await request.get(`${baseUrl}/api/readyz`);
    return { status: res.status(), body: (await res.json()) as { database: string; queue: string } };
  });
}

it("answers within 3 s that it is unavailable while PostgreSQL is down, and recovers without a restart", async () => {
  const context = await browser().newContext(DESKTOP);
  const page = await context.newPage();
  const { identifier } = await signUpViaUi(page, baseUrl, { fullName: "Otto Outage" });
  const accountUrl = `${baseUrl}/${identifier}`;
  expect((await context.request.get(accountUrl)).status()).toBe(200);
  expect((await readiness(context.request)).value).toEqual({ status: 200, body: { database: "ok", queue: "ok" } });
  const profile = await context.newPage();
  await profile.goto(`${baseUrl}/profile`);
  await profile.getByLabel("Full name").waitFor();

  // PostgreSQL goes away.
  const stopped = await timed(() => cluster.stop());
  const times: Record<string, number | string> = { "stop postgres": stopped.ms };

  const pageAnswer = await timed(async () => {
    const res = await context.request.get(accountUrl, { maxRedirects: 0 });
    return { status: res.status(), html: await res.text() };
  });
  times["page (account) while down"] = `${pageAnswer.ms} ms, HTTP ${pageAnswer.value.status}`;
  expect(pageAnswer.ms).toBeLessThan(LIMIT_MS);
  // Next lets a page answer only 404/403/401 of its own; an error page is a 500 (route handlers answer 503). Its HTML
  // is Next's error shell carrying the error's digest; the browser renders app/error.tsx from it (below).
  expect(pageAnswer.value.status).toBe(500);
  expect(pageAnswer.value.html).toContain("TENANCY_UNAVAILABLE");

  const ready = await readiness(context.request);
  times["/api/readyz while down"] = `${ready.ms} ms, HTTP ${ready.value.status}`;
  expect(ready.ms).toBeLessThan(LIMIT_MS);
  expect(ready.value).toEqual({ status: 503, body: { database: "unreachable", queue: "ok" } });

  // In the browser the error page says it in plain words.
  const shown = await timed(async () => {
    await page.goto(accountUrl);
    await page.getByTestId("unavailable").waitFor({ timeout: LIMIT_MS * 2 });
    return page.getByTestId("unavailable").innerText();
  });
  times["browser shows the unavailable page"] = shown.ms;
  expect(shown.value).toContain("Temporarily unavailable");
  expect(shown.value).toContain(UNAVAILABLE);
  await screenshot(page, "database-outage-page");

  // A form opened before the outage and submitted during it says the same, in the form.
  const form = await timed(async () => {
    await profile.getByLabel("Full name").fill("Otto Renamed");
    await profile.getByRole("button", { name: "Save name" }).click();
    const alert = profile.getByRole("form", { name: "Your name" }).getByRole("alert");
    await alert.waitFor({ timeout: LIMIT_MS * 2 });
    return alert.innerText();
  });
  times["profile form (server action) while down"] = form.ms;
  expect(form.ms).toBeLessThan(LIMIT_MS);
  expect(form.value).toContain(UNAVAILABLE);

  // Signing out can't end the session's record now: the menu says so and keeps the cookie, rather than dropping it
  // while a copy of it would still open every page once the database is back.
  const cookieBefore = (await context.cookies(baseUrl)).filter((c) => c.name.startsWith("next-auth.session-token"));
  expect(cookieBefore).toHaveLength(1);
  await profile.getByTestId("settings-menu").locator("summary").click();
  await profile.getByTestId("settings-menu").getByRole("button", { name: "Sign out" }).click();
  const signOutAlert = profile.getByRole("form", { name: "Sign out" }).getByRole("alert");
  await signOutAlert.waitFor({ timeout: LIMIT_MS * 2 });
  expect(await signOutAlert.innerText()).toContain(UNAVAILABLE);
  expect(new URL(profile.url()).pathname).toBe("/profile");
  expect((await context.cookies(baseUrl)).filter((c) => c.name.startsWith("next-auth.session-token"))).toEqual(cookieBefore);
  await screenshot(profile, "database-outage-sign-out");

  const paused = await timed(() => until(async () => workerLog.includes("PostgreSQL unreachable: paused queues"), 10_000, "the worker to pause"));
  times["worker paused its queues after"] = paused.ms;

  // PostgreSQL comes back; nothing is restarted.
  const started = await timed(() => cluster.start());
  times["start postgres"] = started.ms;
  const recovered = await timed(() => until(async () => (await context.request.get(accountUrl, { maxRedirects: 0 })).status() === 200, 15_000, "the page"));
  times["page answers 200 again after"] = recovered.ms;
  const readyAgain = await readiness(context.request);
  times["/api/readyz after recovery"] = `${readyAgain.ms} ms, HTTP ${readyAgain.value.status}`;
  expect(readyAgain.value).toEqual({ status: 200, body: { database: "ok", queue: "ok" } });
  const resumed = await timed(() => until(async () => workerLog.includes("PostgreSQL reachable again: resumed queues"), 10_000, "the worker to resume"));
  times["worker resumed after"] = resumed.ms;
  await page.goto(accountUrl);
  expect(await page.getByTestId("unavailable").count()).toBe(0);

  // With the database back, signing out ends the session: the cookie kept from before opens nothing.
  await profile.goto(`${baseUrl}/profile`);
  await profile.getByTestId("settings-menu").locator("summary").click();
  await profile.getByTestId("settings-menu").getByRole("button", { name: "Sign out" }).click();
  await profile.waitForURL((url) => url.pathname === "/sign-in");
  const replay = await browser().newContext(DESKTOP);
  await replay.addCookies(cookieBefore);
  const replayed = await replay.newPage();
  await replayed.goto(`${baseUrl}/profile`);
  expect(new URL(replayed.url()).pathname).toBe("/sign-in");
  await replay.close();

  console.log("database outage timings:");
  for (const [what, value] of Object.entries(times)) console.log(`  ${what}: ${typeof value === "number" ? `${value} ms` : value}`);
  await context.close();
});

/** Every process of the cluster: the postmaster and its children (backends, checkpointer, …). */
function clusterPids(): number[] {
  const postmaster = postmasterPid(cluster.dir);
  if (postmaster === null) throw new Error("postgres is not running");
  const children = fs
    .readdirSync(`/proc/${postmaster}/task`)
    .flatMap((task) => fs.readFileSync(`/proc/${postmaster}/task/${task}/children`, "utf8").trim().split(/\s+/))
    .filter(Boolean)
    .map(Number);
  return [postmaster, ...children];
}

it("answers within 3 s while PostgreSQL is frozen (connections open, no answers), and recovers when it answers again", async () => {
  const context = await browser().newContext(DESKTOP);
  const page = await context.newPage();
  const { identifier } = await signUpViaUi(page, baseUrl, { fullName: "Fran Frozen" });
  const accountUrl = `${baseUrl}/${identifier}`;
  expect((await context.request.get(accountUrl)).status()).toBe(200);
  const profile = await context.newPage();
  await profile.goto(`${baseUrl}/profile`);
  await profile.getByLabel("Full name").waitFor();
  const logBefore = workerLog.length;

  const pids = clusterPids();
  for (const pid of pids) process.kill(pid, "SIGSTOP");
  const times: Record<string, number | string> = { "postgres processes frozen": String(pids.length) };
  try {
    const pageAnswer = await timed(async () => {
      const res = await context.request.get(accountUrl, { maxRedirects: 0, timeout: 10_000 });
      return { status: res.status(), html: await res.text() };
    });
    times["page (account) while frozen"] = `${pageAnswer.ms} ms, HTTP ${pageAnswer.value.status}`;
    expect(pageAnswer.ms).toBeLessThan(LIMIT_MS);
    expect(pageAnswer.value.status).toBe(500);
    expect(pageAnswer.value.html).toContain("TENANCY_UNAVAILABLE");

    const ready = await readiness(context.request);
    times["/api/readyz while frozen"] = `${ready.ms} ms, HTTP ${ready.value.status}`;
    expect(ready.ms).toBeLessThan(LIMIT_MS);
    expect(ready.value).toEqual({ status: 503, body: { database: "unreachable", queue: "ok" } });

    const form = await timed(async () => {
      await profile.getByLabel("Full name").fill("Fran Renamed");
      await profile.getByRole("button", { name: "Save name" }).click();
      const alert = profile.getByRole("form", { name: "Your name" }).getByRole("alert");
      await alert.waitFor({ timeout: LIMIT_MS * 2 });
      return alert.innerText();
    });
    times["profile form (server action) while frozen"] = form.ms;
    expect(form.ms).toBeLessThan(LIMIT_MS);
    expect(form.value).toContain(UNAVAILABLE);

    const paused = await timed(() =>
      until(async () => workerLog.slice(logBefore).includes("PostgreSQL unreachable: paused queues"), 10_000, "the worker to pause"),
    );
    times["worker paused its queues after"] = paused.ms;
  } finally {
    for (const pid of pids) process.kill(pid, "SIGCONT");
  }

  const recovered = await timed(() => until(async () => (await context.request.get(accountUrl, { maxRedirects: 0 })).status() === 200, 15_000, "the page"));
  times["page answers 200 again after"] = recovered.ms;
  expect((await readiness(context.request)).value.status).toBe(200);
  const resumed = await timed(() =>
    until(async () => workerLog.slice(logBefore).includes("PostgreSQL reachable again: resumed queues"), 10_000, "the worker to resume"),
  );
  times["worker resumed after"] = resumed.ms;
  // Nothing was changed while it was frozen: the name is what it was.
  await profile.goto(`${baseUrl}/profile`);
  expect(await profile.getByLabel("Full name").inputValue()).toBe("Fran Frozen");

  console.log("frozen database timings:");
  for (const [what, value] of Object.entries(times)) console.log(`  ${what}: ${typeof value === "number" ? `${value} ms` : value}`);
  await context.close();
});
