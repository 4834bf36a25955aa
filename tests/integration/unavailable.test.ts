// When PostgreSQL can't be reached, what crosses into pages and forms says "temporarily unavailable, nothing was
// changed": real driver errors are recognised (through drizzle's wrapping), forms show the message, pages get the
// error the error boundary recognises by its digest, and route handlers answer 503. The pool carries its timeouts.
import net from "node:net";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { UNAVAILABLE_DIGEST as PAGE_DIGEST, isUnavailableDigest } from "@/app/components/unavailable";
import { closeDb, poolSettings, rawSql } from "@/db/client";
import { ConflictError, UnavailableError } from "@/lib/core";
import { UNAVAILABLE_DIGEST, isDatabaseUnavailable, orNotFound, publicRoute, toFormState } from "@/lib/web";

afterAll(closeDb);

/** A port nothing listens on: taken from the OS, then released. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** The error a query gets from a database that refuses connections, as postgres.js and drizzle throw it. */
async function refusedError(): Promise<{ raw: unknown; wrapped: unknown; ms: number }> {
  const client = postgres(`postgres://postgres@127.0.0.1:${await closedPort()}/x`, { connect_timeout: 2, max: 1, onnotice: () => {} });
  const started = Date.now();
  const raw = await client`select 1`.then(
    () => null,
    (e: unknown) => e,
  );
  const wrapped = await drizzle(client)
    .execute(sql`select 1`)
    .then(
      () => null,
      (e: unknown) => e,
    );
  const ms = Date.now() - started;
  await client.end({ timeout: 1 });
  return { raw, wrapped, ms };
}

describe("an unreachable database", () => {
  it("is recognised in the driver's error and in drizzle's wrapping of it, and fails fast", async () => {
    const { raw, wrapped, ms } = await refusedError();
    expect((raw as { code?: string }).code).toBe("ECONNREFUSED");
    expect(isDatabaseUnavailable(raw)).toBe(true);
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
    expect(ms).toBeLessThan(3000);
    // Server-side states that mean "not now", and a statement cut off by the timeout.
    for (const code of ["57P01", "57P03", "08006", "53300", "57014", "CONNECT_TIMEOUT", "CONNECTION_CLOSED"])
      expect(isDatabaseUnavailable(Object.assign(new Error(code), { code })), code).toBe(true);
  });

  it("is not confused with a wrong statement or a refusal", async () => {
    const syntax = await rawSql()
      .unsafe("select from from")
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect((syntax as { code?: string }).code).toBe("42601");
    expect(isDatabaseUnavailable(syntax)).toBe(false);
    expect(isDatabaseUnavailable(new ConflictError("taken"))).toBe(false);
    expect(isDatabaseUnavailable(new UnavailableError("The job queue can't be reached.", "queue"))).toBe(false);
    expect(isDatabaseUnavailable(new UnavailableError())).toBe(true);
    expect(isDatabaseUnavailable(new Error("boom"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });

  it("shows forms the unavailable message instead of a generic failure", async () => {
    const { wrapped } = await refusedError();
    const state = toFormState(wrapped, { name: "kept" });
    expect(state.error).toBe(new UnavailableError().message);
    expect(state.error).toContain("Nothing was changed");
    expect(state.values).toEqual({ name: "kept" });
    expect(toFormState(new Error("bug")).error).toContain("Something went wrong");
  });

  it("reaches pages as an UnavailableError with the digest the error page recognises", async () => {
    const { wrapped } = await refusedError();
    const err = await orNotFound(Promise.reject(wrapped)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UnavailableError);
    expect((err as { digest?: string }).digest).toBe(UNAVAILABLE_DIGEST);
    expect(PAGE_DIGEST).toBe(UNAVAILABLE_DIGEST);
    expect(isUnavailableDigest((err as { digest?: string }).digest)).toBe(true);
    // Next logs the error with its cause: the code only, never the failed query and its parameters.
    expect(String((err as Error).cause)).toBe("Error: database unavailable: ECONNREFUSED");
    // Anything else passes through untouched.
    const bug = new Error("bug");
    await expect(orNotFound(Promise.reject(bug))).rejects.toBe(bug);
  });

  it("answers 503 from a route handler, with Retry-After, as problem+json carrying the code", async () => {
    const { raw } = await refusedError();
    const handler = publicRoute(async () => {
      throw raw;
    });
    const res = await handler(new Request("http://localhost/x"), { params: Promise.resolve({}) });
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({ status: 503, code: "unavailable", detail: new UnavailableError().message });
  });
});

describe("the pool's settings", () => {
  it("connects with a short timeout and sets a statement timeout on its connections", async () => {
    expect(poolSettings()).toEqual({ max: 10, connect_timeout: 2, idle_timeout: 30, statement_timeout: 30_000 });
    const [{ statement_timeout }] = await rawSql()<{ statement_timeout: string }[]>`show statement_timeout`;
    expect(statement_timeout).toBe("30s");
  });

  it("opens as many connections as DATABASE_POOL_SIZE says", () => {
    process.env.DATABASE_POOL_SIZE = "3";
    try {
      expect(poolSettings().max).toBe(3);
    } finally {
      delete process.env.DATABASE_POOL_SIZE;
    }
  });
});
