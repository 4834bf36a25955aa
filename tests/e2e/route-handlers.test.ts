// Every route handler through the one adapter, against a `next start` of its own whose database connection runs
// through a TCP relay this test holds: signed out → 401, a stranger → 404, the owner → 200; then the relay is cut
// (PostgreSQL itself keeps running for everyone else) and each route answers 503 with Retry-After as problem+json,
// readiness too, while liveness stays 200; the relay back, the routes answer again without a restart. Reuses the build
// the e2e setup made.
import { spawn, type ChildProcess } from "node:child_process";
import net from "node:net";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/db/client";
import { createSession } from "@/lib/auth";
import { setAccountKind } from "@/lib/partners";
import { createCustomerGroup } from "@/lib/customer-groups";
import { createManagedCustomer } from "@/lib/partners";
import { sendNotice } from "@/lib/notices";
import { as, newAccount, SYSTEM, unique } from "../support/factories";
import { freePort } from "../support/ports";

const SECRET = "route-handlers-secret";

/** A TCP relay to PostgreSQL that can be cut (listener closed, every open connection dropped) and put back. */
class Relay {
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  constructor(
    readonly port: number,
    private target: { host: string; port: number },
  ) {}
  async open() {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on("close", () => this.sockets.delete(s));
        s.on("error", () => s.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((r) => this.server!.listen(this.port, "127.0.0.1", r));
  }
  async cut() {
    const closed = new Promise<void>((r) => this.server?.close(() => r()) ?? r());
    for (const s of this.sockets) s.destroy();
    await closed;
    this.server = null;
  }
}

let web: ChildProcess | undefined;
let relay: Relay;
let baseUrl = "";
let owner = "";
let stranger = "";
let partner = "";
let noticeId = "";

/** A signed-in browser's cookie: a session record, and a token naming it. */
async function cookieFor(userId: string): Promise<string> {
  const sid = await createSession(db, userId);
  return `next-auth.session-token=${await encode({ token: { sub: userId, sid }, secret: SECRET })}`;
}

async function until(probe: () => Promise<boolean>, timeoutMs: number, label: string) {
  const started = Date.now();
  while (!(await probe().catch(() => false))) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  const database = new URL(process.env.DATABASE_URL!);
  relay = new Relay(await freePort(), { host: database.hostname, port: Number(database.port || 5432) });
  await relay.open();
  const relayed = new URL(database);
  relayed.hostname = "127.0.0.1";
  relayed.port = String(relay.port);

  const mine = await newAccount({ fullName: "Rita Routes" });
  partner = (await setAccountKind(SYSTEM, mine.customer.identifier, "partner")).identifier;
  const admin = as(mine.user);
  await createCustomerGroup(admin, partner, { name: "North" });
  const customer = await createManagedCustomer(admin, partner, { name: "Routed customer", identifier: unique("rc") });
  noticeId = (await sendNotice(admin, partner, { title: "Routes", body: "Body", mode: "all_must_read", to: "customers", customers: [customer.identifier] })).id;
  owner = await cookieFor(mine.user.id);
  stranger = await cookieFor((await newAccount({ fullName: "Sam Stranger" })).user.id);

  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: relayed.toString(),
    NEXTAUTH_SECRET: SECRET,
    NEXTAUTH_URL: baseUrl,
    APP_URL: baseUrl,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  web = spawn("node_modules/.bin/next", ["start", "-p", String(port), "-H", "127.0.0.1"], { env, stdio: ["ignore", "ignore", "inherit"] });
  await until(async () => (await fetch(`${baseUrl}/api/healthz`)).status === 200, 60_000, "next start");
}, 120_000);

afterAll(async () => {
  web?.kill("SIGTERM");
  await new Promise<void>((r) => (!web || web.exitCode !== null ? r() : web.once("exit", () => r())));
  await relay?.cut();
});

const routes = () => ({
  "notice CSV export": `/${partner}/admin/notices/${noticeId}/export`,
  "live notice events": `/${partner}/notices/events`,
  "group options": `/${partner}/admin/groups/options?q=No`,
  "account options": `/profile/accounts/options?q=${partner}`,
});

/** Status, headers and as much of the body as a test needs: a stream (the live events) is read up to its first event. */
async function get(path: string, cookie?: string) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}${path}`, { headers: cookie ? { cookie } : {}, signal: controller.signal, redirect: "manual" });
  let body = "";
  if (res.headers.get("content-type")?.startsWith("text/event-stream")) {
    const reader = res.body!.getReader();
    body = new TextDecoder().decode((await reader.read()).value);
    controller.abort();
  } else body = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), retryAfter: res.headers.get("retry-after"), body };
}

describe("route handlers", () => {
  it("answer 401 signed out, 404 to a stranger, and their content to the owner", async () => {
    for (const [name, path] of Object.entries(routes())) {
      const signedOut = await get(path);
      expect(signedOut.status, name).toBe(401);
      expect(signedOut.type, name).toBe("application/problem+json");
      expect(JSON.parse(signedOut.body), name).toMatchObject({ status: 401, code: "unauthenticated" });
      const mine = await get(path, owner);
      expect(mine.status, name).toBe(200);
      if (name === "account options") continue; // a stranger finds no account of theirs: an empty list, not a refusal
      const theirs = await get(path, stranger);
      expect(theirs.status, name).toBe(404);
      expect(JSON.parse(theirs.body), name).toMatchObject({ status: 404, code: "not_found" });
    }
    const { "notice CSV export": csv, "live notice events": events, "group options": groups, "account options": accounts } = routes();
    expect((await get(csv, owner)).body).toMatch(/^customer,customer name,name,email,status,acknowledged at \(UTC\)\r\n/);
    expect((await get(events, owner)).body).toContain("retry: 3000");
    expect(JSON.parse((await get(groups, owner)).body).groups).toEqual([expect.objectContaining({ name: "North" })]);
    expect(JSON.parse((await get(accounts, owner)).body).accounts.map((a: { identifier: string }) => a.identifier)).toEqual([partner]);
    expect(JSON.parse((await get(accounts, stranger)).body).accounts).toEqual([]);
  });

  it("answer 503 with Retry-After while PostgreSQL can't be reached, and serve again once it can", async () => {
    await relay.cut();
    for (const [name, path] of Object.entries(routes())) {
      const down = await get(path, owner);
      expect(down.status, name).toBe(503);
      expect(down.retryAfter, name).toBe("5");
      expect(down.type, name).toBe("application/problem+json");
      expect(JSON.parse(down.body), name).toMatchObject({ status: 503, code: "unavailable" });
    }
    const ready = await get("/api/readyz");
    expect(ready.status).toBe(503);
    expect(ready.retryAfter).toBe("5");
    expect((await get("/api/healthz")).status).toBe(200);

    await relay.open();
    await until(async () => (await get(routes()["group options"], owner)).status === 200, 15_000, "the database again");
    for (const [name, path] of Object.entries(routes())) expect((await get(path, owner)).status, name).toBe(200);
    expect((await get("/api/readyz")).status).toBe(200);
  });
});
