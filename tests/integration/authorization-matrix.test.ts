// The authorization matrix: every registered domain operation, run as every kind of principal against its own and a
// foreign target, must do exactly what the table below says (allowed, not found, forbidden), and a refusal must change
// nothing. The table is written here, by hand, from README.md's "Who can do what", never computed from lib/authz: a
// wrong entry in the permission tables then fails this test instead of moving the expectation along with it.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, rawSql } from "@/db/client";
import type { Principal } from "@/lib/authz";
import { AppError } from "@/lib/core";
import { DOMAIN_MODULES, NOT_OPERATIONS, OPERATIONS, SHARED_LIB_FOLDERS, type Operation } from "../support/operations";
import { AREA_SIDES, PRINCIPALS, SIDES, createWorld, type PrincipalName, type Side, type World } from "../support/world";

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

/** Everything a result shows, as text: what a page, an API or a CSV would pass on. */
function shown(value: unknown, seen = new Set<unknown>()): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value !== "object" || seen.has(value)) return "";
  seen.add(value);
  const items = value instanceof Set || value instanceof Map || Array.isArray(value) ? [...(value as Iterable<unknown>)] : Object.entries(value);
  return items.map((v) => shown(v, seen)).join("\n");
}

/** What names the targets of one side: identifiers, ids, addresses. */
function markers(w: World, side: "own" | "foreign"): string[] {
  const d = w[side];
  return [d.customer, d.partner, d.project, d.projectId, d.customerId, d.partnerId, d.victimId, d.granteeId, d.granteeEmail];
}
/** A marker as a whole word: the foreign customer's identifier `cc-…` contains the own one's `c-…`. */
const word = (m: string) => new RegExp(`(^|[^a-z0-9-])${m.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([^a-z0-9-]|$)`, "i");

const OTHER: Partial<Record<Side, "own" | "foreign">> = { own: "foreign", foreign: "own" };

/** The tags of the worlds a text names (their accounts' identifiers, their people's addresses). */
function worldTags(text: string): Set<string> {
  const named = /(?:^|[^a-z0-9-])(?:x|p|s|c|pp|cc|proj|proj2)-([0-9a-f]{8})(?![a-z0-9-])|-([0-9a-f]{8})@matrix\.test/gi;
  return new Set([...text.matchAll(named)].map((m) => (m[1] ?? m[2]).toLowerCase()));
}

// MATRIX_ONLY=members.leaveAccount,projects.deleteProject runs the cases of those operations alone (while working on them).
const ONLY = process.env.MATRIX_ONLY?.split(",").map((n) => n.trim());
const sidesOf = (op: Operation): readonly Side[] => (op.viaArea ? [...SIDES, ...AREA_SIDES] : SIDES);
const expected = (op: Operation, side: Side, name: PrincipalName): Outcome | undefined => EXPECTED[op.name]?.[side]?.[PRINCIPALS.indexOf(name)];
const selected = OPERATIONS.filter((op) => !ONLY || ONLY.includes(op.name));
const caseCount = selected.reduce((n, op) => n + sidesOf(op).length * PRINCIPALS.length, 0);

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

  it("has an expected outcome for every operation, principal and target, and none for an operation that doesn't exist", () => {
    const names = new Set(OPERATIONS.map((op) => op.name));
    expect(Object.keys(EXPECTED).filter((n) => !names.has(n))).toEqual([]);
    const gaps = OPERATIONS.flatMap((op) =>
      sidesOf(op).flatMap((side) => PRINCIPALS.filter((name) => !expected(op, side, name)).map((name) => `${op.name} as ${name} on ${side}`)),
    );
    expect(gaps).toEqual([]);
    // An operation that opens a customer through an Administration area is also tried across areas and customers.
    for (const op of OPERATIONS) expect(Object.keys(EXPECTED[op.name] ?? {}).sort(), op.name).toEqual([...sidesOf(op)].sort());
  });

  it(`holds for ${selected.length} operations × ${PRINCIPALS.length} principals × their targets = ${caseCount} cases`, async () => {
    const failures: string[] = [];
    const totals: Record<Outcome, number> = { allowed: 0, not_found: 0, forbidden: 0 };
    for (const op of selected) {
      const cases = sidesOf(op).flatMap((side) => PRINCIPALS.map((name) => ({ side, name, want: expected(op, side, name)! })));
      // Refusals first, all in one world: a refusal changes nothing (checked after each), so the next case finds the
      // world as it was made. Every allowed case gets a world of its own, since it may change what it acts on.
      cases.sort((a, b) => Number(a.want === "allowed") - Number(b.want === "allowed"));
      let shared: { world: World; since: bigint; before: Record<string, string> } | null = null;
      for (const { side, name, want } of cases) {
        const label = `${op.name} as ${name} on ${side}`;
        let world: World;
        let since: bigint;
        let before: Record<string, string> | null = null;
        if (want === "allowed") {
          world = await createWorld();
          since = await transactionId();
        } else {
          if (!shared) {
            const w = await createWorld();
            const s = await transactionId();
            shared = { world: w, since: s, before: await snapshot(s) };
          }
          ({ world, since, before } = shared);
        }
        const principal: Principal = world.principals[name];
        let outcome: Outcome = "allowed";
        let result: unknown;
        try {
          result = await op.run(world, principal, side);
        } catch (err) {
          if (err instanceof AppError && (err.code === "not_found" || err.code === "forbidden")) outcome = err.code;
          else {
            failures.push(`${label}: unexpected ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
            shared = null;
            continue;
          }
        }
        totals[outcome]++;
        if (outcome !== want) failures.push(`${label}: ${outcome}, the table says ${want}`);
        if (before) {
          const after = await snapshot(since);
          const changed = Object.keys(after).filter((t) => after[t] !== before[t]);
          if (changed.length) {
            failures.push(`${label}: ${outcome === "allowed" ? "wrote to" : "refused, yet wrote to"} ${changed.join(", ")}`);
            shared = null;
          }
        }
        ((RECORDED[op.name] ??= {})[side] ??= [])[PRINCIPALS.indexOf(name)] = outcome;
        if (outcome !== "allowed") continue;
        // A read shows nothing of the other side's accounts: a query that forgot its tenant filter fails here.
        // Nor anything of another world: every case's world holds the same names, so a read that forgot its tenant filter
        // shows someone else's copy of them. (The installation's operators see every account, and the machinery.)
        const text = shown(result);
        const strangers = [...worldTags(text)].filter((tag) => tag !== world.tag);
        if (strangers.length && op.target !== "installation") failures.push(`${label}: shows accounts or people of ${strangers.length} other worlds`);
        const other = OTHER[side];
        // (An operation whose run ignores the side, an operator's view of every account say, is not about one side.)
        if (other && op.run.length >= 3) {
          const leaked = markers(world, other).filter((m) => word(m).test(text));
          if (leaked.length) failures.push(`${label}: shows the ${other} side's ${leaked.join(", ")}`);
        }
        // One's own sign-in only: nobody else's user row is written.
        if (op.rule === "self" && principal.kind === "user") {
          const [{ n }] = await rawSql()<{ n: number }[]>`
            select count(*)::int as n from users where id <> ${principal.userId} and xmin::text::bigint > ${since.toString()}`;
          if (n > 0) failures.push(`${label}: wrote to ${n} other people's user rows`);
        }
      }
    }
    console.log(`authorization matrix: ${selected.length} operations, ${caseCount} cases;`, totals);
    if (process.env.MATRIX_RECORD)
      (await import("node:fs")).writeFileSync(
        process.env.MATRIX_RECORD,
        Object.entries(RECORDED)
          .map(
            ([n, sides]) =>
              `  "${n}": {\n${Object.entries(sides)
                .map(([s, o]) => `    "${s}": t\`${o.map((x) => LETTER[x]).join(" ")}\`,`)
                .join("\n")}\n  },`,
          )
          .join("\n"),
      );
    expect(failures).toEqual([]);
  }, 1_500_000);
});

const RECORDED: Record<string, Partial<Record<Side, Outcome[]>>> = {};

// ---- the table ------------------------------------------------------------------------------------------------------

type Outcome = "allowed" | "not_found" | "forbidden";
const LETTER: Record<Outcome, string> = { allowed: "a", not_found: "n", forbidden: "f" };
const OUTCOME: Record<string, Outcome> = { a: "allowed", n: "not_found", f: "forbidden" };

/** One row of the table: a letter per principal, in the order of PRINCIPALS (see the header below). */
function t(row: TemplateStringsArray): Outcome[] {
  const letters = row[0].trim().split(/\s+/);
  if (letters.length !== PRINCIPALS.length || letters.some((l) => !OUTCOME[l])) throw new Error(`bad row: ${row[0]}`);
  return letters.map((l) => OUTCOME[l]);
}

/**
 * a: allowed, n: not found (the principal must not learn the target exists), f: forbidden (it sees the target, but may
 * not do this). The world (tests/support/world.ts): partner P manages C, which sits under P's self-managed customer S;
 * partner P2 manages C2; "own" is P / C and their project, "foreign" P2 / C2. Operations that open a customer through
 * an Administration area also run on the crossed pairs "area/customer": P/C2, P2/C, S/C, S/C2.
 *
 * Columns, in the order of PRINCIPALS: anonymous, unrelatedUser, customerAdmin (of C), customerEmployee, customerReader
 * (holding a Project Admin role, capped), projectAdmin and projectReader (employees of C with that role on its
 * project), partnerAdmin and partnerEmployee (of P), otherPartnerAdmin (of P2), selfManagedAdmin (Customer Admin of S),
 * operator, system, apiKey (of C: VIEW_ACCOUNT, VIEW_MEMBERS, MANAGE_USERS):
 *
 *             anon unrl cAdm cEmp cRdr prjA prjR PAdm PEmp P2Ad SMAd oper sys  key
 */
const EXPECTED: Record<string, Partial<Record<Side, Outcome[]>>> = {
  "accounts.signUp": {
    own: t`    a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
    foreign: t`a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
  },
  "accounts.listMyAccounts": {
    own: t`    a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
    foreign: t`a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
  },
  "accounts.findHomePage": {
    own: t`    a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
    foreign: t`a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
  },
  "accounts.getAccount": {
    own: t`    n    n    a    a    a    a    a    f    f    n    f    f    a    a`,
    foreign: t`n    n    n    n    n    n    n    n    n    f    n    f    a    n`,
  },
  "accounts.updateSettings": {
    own: t`    n    n    a    f    f    f    f    f    f    n    f    f    a    f`,
    foreign: t`n    n    n    n    n    n    n    n    n    f    n    f    a    n`,
  },
  "accounts.updateCustomerDetails": {
    own: t`    n    n    a    f    f    f    f    a    f    n    a    f    a    f`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "members.listMembers": {
    own: t`    n    n    a    a    a    a    a    a    a    n    a    f    a    a`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "members.searchProjectCandidates": {
    own: t`    n    n    a    n    f    a    f    n    n    n    n    n    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    n    n    n    a    n`,
  },
  "members.changeMemberGroup": {
    own: t`    n    n    a    f    f    f    f    a    f    n    a    f    a    a`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "members.removeMember": {
    own: t`    n    n    a    f    f    f    f    a    f    n    a    f    a    a`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "members.updateMember": {
    own: t`    n    n    a    f    f    f    f    a    f    n    a    f    a    a`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "invitations.inviteMember": {
    own: t`    n    n    a    f    f    f    f    a    f    n    a    f    a    a`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "invitations.inviteMembers": {
    own: t`    n    n    a    f    f    f    f    a    f    n    a    f    a    a`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "invitations.resendInvitation": {
    own: t`    n    n    a    f    f    f    f    a    f    n    a    f    a    a`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "invitations.revokeInvitation": {
    own: t`    n    n    a    f    f    f    f    a    f    n    a    f    a    a`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "invitations.listInvitations": {
    own: t`    n    n    a    f    f    f    f    a    a    n    a    f    a    f`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "invitations.findInvitationByToken": {
    own: t`    a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
    foreign: t`a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
  },
  "invitations.acceptInvitationWithSignUp": {
    own: t`    a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
    foreign: t`a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
  },
  "invitations.acceptInvitation": {
    own: t`    f    a    f    f    f    f    f    f    f    f    f    f    f    f`,
    foreign: t`f    a    f    f    f    f    f    f    f    f    f    f    f    f`,
  },
  "invitations.listMyInvitations": {
    own: t`    f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
    foreign: t`f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
  },
  "invitations.acceptMyInvitation": {
    own: t`    f    a    f    f    f    f    f    f    f    f    f    f    f    f`,
    foreign: t`f    a    f    f    f    f    f    f    f    f    f    f    f    f`,
  },
  "projects.createProject": {
    own: t`    n    n    a    f    f    f    f    f    f    n    f    f    a    f`,
    foreign: t`n    n    n    n    n    n    n    n    n    f    n    f    a    n`,
  },
  "projects.getQuotaUsage": {
    own: t`    n    n    a    a    a    a    a    a    a    n    a    f    a    f`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "projects.listProjects": {
    own: t`    n    n    a    a    a    a    a    f    f    n    f    f    a    a`,
    foreign: t`n    n    n    n    n    n    n    n    n    f    n    f    a    n`,
  },
  "projects.listCustomerProjects": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    n    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    n    a    n`,
    "P/C2": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
    "P2/C": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
    "S/C": t`  n    n    n    n    n    n    n    n    n    n    a    n    a    n`,
    "S/C2": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
  },
  "projects.getProject": {
    own: t`    n    n    a    n    a    a    a    n    n    n    n    n    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    n    n    n    a    n`,
  },
  "projects.setProjectAccess": {
    own: t`    n    n    a    n    f    a    f    n    n    n    n    n    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    n    n    n    a    n`,
  },
  "projects.renameProject": {
    own: t`    n    n    a    n    f    f    f    n    n    n    n    n    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    n    n    n    a    n`,
  },
  "projects.deleteProject": {
    own: t`    n    n    a    n    f    f    f    n    n    n    n    n    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    n    n    n    a    n`,
  },
  "accounts.createOwnAccount": {
    own: t`    f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
    foreign: t`f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
  },
  "members.leaveAccount": {
    own: t`    n    n    a    a    a    a    a    f    f    n    f    f    f    f`,
    foreign: t`n    n    n    n    n    n    n    n    n    f    n    f    f    n`,
  },
  "partners.listManagedCustomers": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "partners.countUndeliveredInvitations": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "partners.getPartnerOverview": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "partners.matchingCustomerIdentifiers": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "partners.getCustomersPage": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "partners.createManagedCustomer": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "partners.getManagedCustomer": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    n    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    n    a    n`,
    "P/C2": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
    "P2/C": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
    "S/C": t`  n    n    n    n    n    n    n    n    n    n    a    n    a    n`,
    "S/C2": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
  },
  "partners.addMyself": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    n    f    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    n    f    n`,
    "P/C2": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
    "P2/C": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
    "S/C": t`  n    n    n    n    n    n    n    n    n    n    a    n    f    n`,
    "S/C2": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
  },
  "partners.setCustomerQuota": {
    own: t`    n    n    f    f    f    f    f    a    f    n    f    a    a    f`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    a    a    n`,
  },
  "partners.listSubCustomers": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    n    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    n    a    n`,
    "P/C2": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
    "P2/C": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
    "S/C": t`  n    n    n    n    n    n    n    n    n    n    a    n    a    n`,
    "S/C2": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
  },
  "partners.getCustomerPath": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    n    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    n    a    n`,
    "P/C2": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
    "P2/C": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
    "S/C": t`  n    n    n    n    n    n    n    n    n    n    a    n    a    n`,
    "S/C2": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
  },
  "partners.setSelfManaged": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    n    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    n    a    n`,
    "P/C2": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
    "P2/C": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
    "S/C": t`  n    n    n    n    n    n    n    n    n    n    f    n    a    n`,
    "S/C2": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
  },
  "partners.setAccountKind": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
  },
  "customer-groups.listCustomerGroups": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "customer-groups.getCustomerGroup": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "customer-groups.createCustomerGroup": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "customer-groups.updateCustomerGroup": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "customer-groups.deleteCustomerGroup": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "customer-groups.setCustomerGroupMembership": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "customer-groups.listGroupsOfCustomer": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    n    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    n    a    n`,
    "P/C2": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
    "P2/C": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
    "S/C": t`  n    n    n    n    n    n    n    n    n    n    a    n    a    n`,
    "S/C2": t` n    n    n    n    n    n    n    n    n    n    n    n    n    n`,
  },
  "deletions.previewCustomerDeletion": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "deletions.exportDeletionPeopleCsv": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "deletions.requestCustomerDeletion": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "deletions.listCustomerDeletions": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "deletions.getCustomerDeletion": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "deletions.cancelCustomerDeletion": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "deletions.runCustomerDeletionStep": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    f    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    f    a    f`,
  },
  "deletions.listPendingDeletions": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    f    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    f    a    f`,
  },
  "deletions.requeueDeletion": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    f    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    f    a    f`,
  },
  "notices.previewNotice": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "notices.sendNotice": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "notices.editNotice": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "notices.withdrawNotice": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "notices.remindNotice": {
    own: t`    n    n    n    n    n    n    n    a    f    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "notices.listNotices": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "notices.getNoticeTracking": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "notices.exportNoticeTracking": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "notices.exportNoticeTrackingCsv": {
    own: t`    n    n    n    n    n    n    n    a    a    n    n    f    a    n`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "notices.listOpenNotices": {
    own: t`    n    n    a    a    a    a    a    f    f    n    f    f    f    f`,
    foreign: t`n    n    n    n    n    n    n    n    n    f    n    f    f    n`,
  },
  "notices.listMyNotices": {
    own: t`    n    n    a    a    a    a    a    f    f    n    f    f    f    f`,
    foreign: t`n    n    n    n    n    n    n    n    n    f    n    f    f    n`,
  },
  "notices.acknowledgeNotice": {
    own: t`    n    n    a    a    a    a    a    f    f    n    f    f    f    f`,
    foreign: t`n    n    n    n    n    n    n    n    n    f    n    f    f    n`,
  },
  "notices.getNoticeEventScope": {
    own: t`    n    n    a    a    a    a    a    f    f    n    f    f    a    a`,
    foreign: t`n    n    n    n    n    n    n    n    n    f    n    f    a    n`,
  },
  "notices.runNoticeWork": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    f    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    f    a    f`,
  },
  "notices.listPendingNoticeWork": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    f    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    f    a    f`,
  },
  "notices.requeueNoticeWork": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    f    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    f    a    f`,
  },
  "notices.giveUpNoticeWork": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    f    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    f    a    f`,
  },
  "operators.setOperator": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
  },
  "operators.syncConfiguredOperators": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
  },
  "operators.listAllAccounts": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
  },
  "operators.getOperatorArea": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
  },
  "operators.listOperators": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
  },
  "operators.hasOperator": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
  },
  "audit.listAuditEvents": {
    own: t`    n    n    a    f    f    f    f    a    a    n    a    f    a    f`,
    foreign: t`n    n    n    n    n    n    n    n    n    a    n    f    a    n`,
  },
  "mailbox.listMailbox": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
  },
  "mailbox.getMailboxMessage": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
  },
  "queues.getQueueOverview": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
  },
  "queues.listFailedJobs": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
  },
  "queues.retryFailedJob": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
  },
  "queues.listUndeliveredEmails": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
  },
  "queues.retryEmail": {
    own: t`    n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
    foreign: t`n    f    f    f    f    f    f    f    f    f    f    a    a    f`,
  },
  "queues.checkReadiness": {
    own: t`    a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
    foreign: t`a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
  },
  "profile.getProfile": {
    own: t`    f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
    foreign: t`f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
  },
  "profile.setNoticePanelFolded": {
    own: t`    f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
    foreign: t`f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
  },
  "profile.dismissOperatorWelcome": {
    own: t`    f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
    foreign: t`f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
  },
  "profile.updateName": {
    own: t`    f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
    foreign: t`f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
  },
  "profile.changePassword": {
    own: t`    f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
    foreign: t`f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
  },
  "profile.signOutEverywhere": {
    own: t`    f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
    foreign: t`f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
  },
  "profile.listSessions": {
    own: t`    f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
    foreign: t`f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
  },
  "profile.endSession": {
    own: t`    f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
    foreign: t`f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
  },
  "profile.resendVerification": {
    own: t`    f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
    foreign: t`f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
  },
  "profile.requestEmailChange": {
    own: t`    f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
    foreign: t`f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
  },
  "profile.confirmEmail": {
    own: t`    f    a    a    a    a    a    a    a    a    a    a    a    f    f`,
    foreign: t`f    n    n    n    n    n    n    n    n    n    n    n    f    f`,
  },
  "profile.findEmailVerification": {
    own: t`    a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
    foreign: t`a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
  },
  "profile.requestPasswordReset": {
    own: t`    a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
    foreign: t`a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
  },
  "profile.findPasswordReset": {
    own: t`    a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
    foreign: t`a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
  },
  "profile.resetPassword": {
    own: t`    a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
    foreign: t`a    a    a    a    a    a    a    a    a    a    a    a    a    a`,
  },
};
