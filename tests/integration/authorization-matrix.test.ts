// The authorization matrix: every registered domain operation, run as every kind of principal against its own and a
// foreign target, must do exactly what the permission tables say: succeed, or be refused with nothing changed. A
// principal the tables give nothing on the target must get "not found", so it learns nothing of what exists.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, rawSql } from "@/db/client";
import { grantsFor, type Principal } from "@/lib/authz";
import { AppError } from "@/lib/core";
import { DOMAIN_MODULES, NOT_OPERATIONS, OPERATIONS, SHARED_LIB_FOLDERS, type Operation } from "../support/operations";
import { PRINCIPALS, createWorld, relationOf, type PrincipalName, type Side } from "../support/world";

afterAll(closeDb);

/**
 * What changed since `since` (a transaction id taken before the operation ran): per table, how many rows it holds and
 * how many were written by a transaction after `since` (every insert and update leaves its writer's id in `xmin`; a
 * delete lowers the count). Cheap as the worlds pile up: no row is turned into text or hashed.
 */
async function snapshot(since: bigint): Promise<Record<string, string>> {
  const sql = rawSql();
  const tables = await sql<{ tablename: string }[]>`select tablename from pg_tables where schemaname = 'public' order by tablename`;
  const union = tables
    .map((t) => `select '${t.tablename}' as t, count(*) || ':' || count(*) filter (where xmin::text::bigint > ${since}) as h from "${t.tablename}" x`)
    .join(" union all ");
  const rows = await sql.unsafe<{ t: string; h: string }[]>(union);
  return Object.fromEntries(rows.map((r) => [r.t, r.h]));
}

/** The current transaction id, as the 32 bits a row's `xmin` holds (a test database never wraps around). */
async function transactionId(): Promise<bigint> {
  const [{ x }] = await rawSql()<{ x: string }[]>`select (txid_current() % 4294967296)::text as x`;
  return BigInt(x);
}

type Expectation = { allowed: boolean; mustBeNotFound: boolean };

function expectation(op: Operation, name: PrincipalName, principal: Principal, side: Side): Expectation {
  const isPerson = principal.kind === "user";
  switch (op.rule) {
    case "anyone":
      return { allowed: true, mustBeNotFound: false };
    case "invitee":
      // The world invites the unrelated user on both sides.
      return { allowed: name === "unrelatedUser", mustBeNotFound: false };
    case "self":
      // One's own sign-in (profile): every signed-in person, operators included; no one else, and never on another's behalf.
      return { allowed: isPerson, mustBeNotFound: false };
  }
  if (op.target === "installation" || op.target === "none") {
    const grants = grantsFor({ system: principal.kind === "system", operator: name === "operator" });
    return { allowed: grants.has(op.permission!), mustBeNotFound: false };
  }
  const relation = relationOf(name, side, op.target);
  const grants = grantsFor(relation);
  const allowed = grants.has(op.permission!) && (op.rule !== "person" || isPerson);
  // Seeing a project takes VIEW_PROJECT (account-wide or by role); on an account, any grant at all.
  const seesTarget = op.target === "project" ? grants.has("VIEW_PROJECT") : grants.size > 0;
  return { allowed, mustBeNotFound: !seesTarget };
}

type Outcome = "allowed" | "not_found" | "forbidden";

const SIDES: Side[] = ["own", "foreign"];
// MATRIX_ONLY=members.leaveAccount,projects.deleteProject runs the cases of those operations alone (while working on them).
const ONLY = process.env.MATRIX_ONLY?.split(",").map((n) => n.trim());
const cases = OPERATIONS.filter((op) => !ONLY || ONLY.includes(op.name)).flatMap((op) =>
  SIDES.flatMap((side) => PRINCIPALS.map((name) => ({ op, side, name }))),
);

describe("authorization matrix", () => {
  it("registers every exported domain operation, with the pages, actions or commands that reach it", () => {
    const registered = new Map(OPERATIONS.map((op) => [op.fn as unknown, op.name]));
    const missing: string[] = [];
    for (const [domain, mod] of Object.entries(DOMAIN_MODULES))
      for (const [name, value] of Object.entries(mod)) {
        if (typeof value !== "function") continue;
        const key = `${domain}.${name}`;
        if (!registered.has(value) && !(key in NOT_OPERATIONS)) missing.push(key);
        if (registered.has(value)) expect(registered.get(value)).toBe(key);
      }
    expect(missing, "exported operations missing from tests/support/operations.ts").toEqual([]);
    // Every folder of lib/ is either a domain whose operations are registered here, or a shared part.
    const folders = readdirSync("lib", { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.filter((f) => !(f in DOMAIN_MODULES) && !SHARED_LIB_FOLDERS.includes(f))).toEqual([]);
    for (const op of OPERATIONS)
      for (const file of op.reachedBy) {
        expect(existsSync(file), `${op.name}: ${file}`).toBe(true);
        expect(readFileSync(path.resolve(file), "utf8"), `${file} should call ${op.name}`).toMatch(new RegExp(`\\b${op.name.split(".")[1]}\\(`));
      }
  });

  it(`holds for ${OPERATIONS.length} operations × ${PRINCIPALS.length} principals × own/foreign = ${cases.length} cases`, async () => {
    const failures: string[] = [];
    const outcomes: Record<string, Record<Outcome, number>> = {};
    for (const { op, side, name } of cases) {
      const world = await createWorld();
      const principal = world.principals[name];
      const want = expectation(op, name, principal, side);
      const since = want.allowed ? null : await transactionId();
      const before = since === null ? null : await snapshot(since);
      let outcome: Outcome = "allowed";
      let error: unknown = null;
      try {
        await op.run(world, principal, side);
      } catch (err) {
        error = err;
        outcome = err instanceof AppError && (err.code === "not_found" || err.code === "forbidden") ? err.code : "allowed";
        if (outcome === "allowed")
          failures.push(`${op.name} as ${name} on ${side}: unexpected ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
      }
      (outcomes[op.name] ??= { allowed: 0, not_found: 0, forbidden: 0 })[outcome]++;
      const label = `${op.name} as ${name} on ${side}`;
      if (want.allowed) {
        if (outcome !== "allowed") failures.push(`${label}: refused (${outcome}) but the tables allow it`);
      } else {
        if (outcome === "allowed" && !error) failures.push(`${label}: allowed but the tables refuse it`);
        else if (want.mustBeNotFound && outcome !== "not_found")
          failures.push(`${label}: answered ${outcome}, which tells a principal with no access that the target exists`);
        const after = await snapshot(since!);
        const changed = Object.keys(after).filter((t) => after[t] !== before![t]);
        if (changed.length) failures.push(`${label}: ${outcome === "allowed" ? "wrote to" : "refused, yet wrote to"} ${changed.join(", ")}`);
      }
    }
    console.log(
      `authorization matrix: ${OPERATIONS.length} operations × ${PRINCIPALS.length} principals × 2 targets = ${cases.length} cases;`,
      Object.values(outcomes).reduce((a, o) => ({
        allowed: a.allowed + o.allowed,
        not_found: a.not_found + o.not_found,
        forbidden: a.forbidden + o.forbidden,
      })),
    );
    expect(failures).toEqual([]);
    // About ten minutes on two cores: one fresh world per case.
  }, 1_500_000);
});
