// Per-IP limits against the real built server: with TRUST_PROXY=0 (the default) only the connection's address counts,
// whatever X-Forwarded-For a client sends; with TRUST_PROXY=1 the address the proxy appended counts. Two `next start`
// of their own, on the suite's build and database, each with a password-reset limit of two per address.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DESKTOP, useBrowser } from "../support/browser";
import { freePort } from "../support/ports";

const browser = useBrowser();
const servers: ChildProcess[] = [];

async function startServer(trustProxy: string): Promise<string> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: inject("e2eDatabaseUrl"),
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    QUEUE_PREFIX: `tenancy-client-ip-${randomBytes(4).toString("hex")}`,
    NEXTAUTH_SECRET: "client-ip-secret",
    NEXTAUTH_URL: baseUrl,
    APP_URL: baseUrl,
    PORT: String(port),
    TRUST_PROXY: trustProxy,
    RATE_LIMIT_RESET_PER_IP: "2/3600",
    NEXT_TELEMETRY_DISABLED: "1",
  };
  delete env.RESEND_API_KEY;
  const web = spawn("node_modules/.bin/next", ["start", "-p", String(port), "-H", "127.0.0.1"], { env, stdio: ["ignore", "ignore", "inherit"] });
  servers.push(web);
  const started = Date.now();
  for (;;) {
    if (web.exitCode !== null) throw new Error(`next start exited with ${web.exitCode}`);
    if (
      await fetch(`${baseUrl}/sign-in`).then(
        (r) => r.status === 200,
        () => false,
      )
    )
      return baseUrl;
    if (Date.now() - started > 60_000) throw new Error("next start did not answer within 60 s");
    await new Promise((r) => setTimeout(r, 250));
  }
}

let direct: string;
let proxied: string;

beforeAll(async () => {
  [direct, proxied] = await Promise.all([startServer("0"), startServer("1")]);
}, 120_000);

afterAll(async () => {
  const exited = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null ? r() : c.once("exit", () => r())));
  for (const s of servers) s.kill("SIGTERM");
  await Promise.race([Promise.all(servers.map(exited)), new Promise((r) => setTimeout(r, 10_000))]);
  for (const s of servers) s.kill("SIGKILL");
});

const ACCEPTED = /If an account uses/;
const REFUSED = /Too many password reset requests/;

/** Asks for a password reset with the given X-Forwarded-For, and returns what the form answers. */
async function requestReset(page: Page, baseUrl: string, forwardedFor: string): Promise<string> {
  await page.setExtraHTTPHeaders({ "x-forwarded-for": forwardedFor });
  await page.goto(`${baseUrl}/forgot-password`);
  await page.getByLabel("E-mail").fill(`nobody-${randomBytes(4).toString("hex")}@example.test`);
  await page.getByRole("button", { name: "Send link" }).click();
  const answer = page.locator('[role="status"], [role="alert"]').filter({ hasText: new RegExp(`${ACCEPTED.source}|${REFUSED.source}`) });
  await answer.waitFor();
  return (await answer.textContent()) ?? "";
}

describe("per-IP limits", () => {
  it("with TRUST_PROXY=0, key on the connection: a client that varies X-Forwarded-For meets the same limit", async () => {
    const page = await browser().newPage(DESKTOP);
    expect(await requestReset(page, direct, "198.51.100.1")).toMatch(ACCEPTED);
    expect(await requestReset(page, direct, "198.51.100.2")).toMatch(ACCEPTED);
    expect(await requestReset(page, direct, "198.51.100.3")).toMatch(REFUSED);
    expect(await requestReset(page, direct, "203.0.113.9, 198.51.100.4")).toMatch(REFUSED);
    await page.context().close();
  });

  it("with TRUST_PROXY=1, key on the address the proxy appended, not on what the client put before it", async () => {
    const page = await browser().newPage(DESKTOP);
    // What a client wrote itself, before the proxy's entry, changes nothing: one address, two requests, then refused.
    expect(await requestReset(page, proxied, "10.9.9.1, 192.0.2.10")).toMatch(ACCEPTED);
    expect(await requestReset(page, proxied, "10.9.9.2, 192.0.2.10")).toMatch(ACCEPTED);
    expect(await requestReset(page, proxied, "10.9.9.3, 192.0.2.10")).toMatch(REFUSED);
    // Another address the proxy saw is another client.
    expect(await requestReset(page, proxied, "10.9.9.3, 192.0.2.11")).toMatch(ACCEPTED);
    await page.context().close();
  });
});
