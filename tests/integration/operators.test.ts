// Operators of an installation: the first person to sign up on one without an operator becomes its operator (once,
// even when two sign up at the same instant); the last operator can't be revoked; the operator area's reads are theirs.
// Runs on a database of its own, so "no operator yet" is true at its start.
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMigrations } from "@/db/migrate";

const own = `tenancy_operators_${randomBytes(4).toString("hex")}`;
const server = process.env.DATABASE_URL!;
let admin: postgres.Sql;

beforeAll(async () => {
  admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${own}`);
  const url = new URL(server);
  url.pathname = `/${own}`;
  await runMigrations(url.toString());
  // Before any query opens the shared pool: this file's operations run on the new database.
  process.env.DATABASE_URL = url.toString();
});

afterAll(async () => {
  const { closeDb } = await import("@/db/client");
  await closeDb();
  await admin.unsafe(`drop database if exists ${own} with (force)`);
  await admin.end();
});

const signUpAs = async (name: string) => {
  const { signUp } = await import("@/lib/accounts");
  const { ANONYMOUS } = await import("@/lib/authz");
  const { createdBySignUp } = await import("../support/factories");
  const id = `${name}-${randomBytes(3).toString("hex")}`;
  await signUp(ANONYMOUS, { fullName: name, email: `${id}@example.test`, password: "correct-horse-42", accountName: name, identifier: id });
  return createdBySignUp(`${id}@example.test`, id);
};

describe("operators", () => {
  it("makes exactly one of two simultaneous first sign-ups the operator, and nobody after", async () => {
    const { db } = await import("@/db/client");
    const { users } = await import("@/db/schema");
    const [a, b] = await Promise.all([signUpAs("first"), signUpAs("second")]);
    expect([a.user.isOperator, b.user.isOperator].filter(Boolean)).toHaveLength(1);
    const third = await signUpAs("third");
    expect(third.user.isOperator).toBe(false);
    const operators = (await db.select().from(users)).filter((u) => u.isOperator);
    expect(operators.map((u) => u.id)).toEqual([a.user.isOperator ? a.user.id : b.user.id]);
  });

  it("refuses to revoke the last operator, and lets one revoke another once there are two", async () => {
    const { db } = await import("@/db/client");
    const { users } = await import("@/db/schema");
    const { userPrincipal } = await import("@/lib/authz");
    const { hasOperator, listOperators, setOperator } = await import("@/lib/operators");
    const [operator] = (await db.select().from(users)).filter((u) => u.isOperator);
    const me = userPrincipal(operator);
    expect(await hasOperator(me)).toBe(true);
    await expect(setOperator(me, operator.email, false)).rejects.toMatchObject({ code: "conflict" });
    const other = await signUpAs("helper");
    await setOperator(me, other.user.email, true);
    expect((await listOperators(me)).map((o) => o.email).sort()).toEqual([operator.email, other.user.email].sort());
    await setOperator(me, other.user.email, false);
    expect((await listOperators(me)).map((o) => o.email)).toEqual([operator.email]);
    await expect(setOperator(me, "nobody@example.test", true)).rejects.toMatchObject({ code: "invalid_input", fieldErrors: { email: expect.any(String) } });
  });

  it("lists every account to operators, searchable and keyset-paged, and to nobody else", async () => {
    const { db } = await import("@/db/client");
    const { users } = await import("@/db/schema");
    const { userPrincipal } = await import("@/lib/authz");
    const { listAllAccounts } = await import("@/lib/operators");
    const [operator] = (await db.select().from(users)).filter((u) => u.isOperator);
    const me = userPrincipal(operator);
    for (let i = 0; i < 5; i++) await signUpAs(`pagee${i}`);
    const seen: string[] = [];
    let page = await listAllAccounts(me, { limit: 2 });
    for (;;) {
      seen.push(...page.rows.map((r) => r.identifier));
      if (!page.next) break;
      page = await listAllAccounts(me, { limit: 2, after: page.next });
    }
    const [{ n }] = (await db.execute(sql`select count(*)::int as n from customers`)) as unknown as { n: number }[];
    expect(seen).toHaveLength(n);
    expect(new Set(seen).size).toBe(n);
    expect((await listAllAccounts(me, { q: "PAGEE3" })).rows.map((r) => r.name)).toEqual(["pagee3"]);
    // A malformed cursor is the first page, not an error.
    expect((await listAllAccounts(me, { after: "not-a-cursor" })).rows.length).toBeGreaterThan(0);
    const [nonOperator] = (await db.select().from(users)).filter((u) => !u.isOperator);
    await expect(listAllAccounts(userPrincipal(nonOperator))).rejects.toMatchObject({ code: "forbidden" });
  });
});
