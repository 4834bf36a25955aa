// The operator CLI as an operator runs it: `npm run admin -- <command>` against DATABASE_URL.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { and, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { auditEvents, customers, memberships, users } from "@/db/schema";
import { newAccount, newUser } from "../support/factories";

afterAll(closeDb);

const run = promisify(execFile);

async function admin(...args: string[]) {
  try {
    const { stdout } = await run("node_modules/.bin/tsx", ["scripts/admin.ts", ...args], { env: process.env });
    return { code: 0, out: stdout.trim() };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, out: e.stderr.trim() };
  }
}

describe("npm run admin", () => {
  it("makes an account a partner (members regrouped, audited) and back", async () => {
    const { user, customer } = await newAccount();
    expect(await admin("make-partner", customer.identifier)).toEqual({ code: 0, out: `${customer.identifier} is now a partner account` });
    const [row] = await db.select().from(customers).where(eq(customers.id, customer.id));
    expect(row.kind).toBe("partner");
    const [m] = await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.customerId, customer.id), eq(memberships.userId, user.id)));
    expect(m.group).toBe("partner_admin");
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.customerId, customer.id), eq(auditEvents.action, "account.made_partner")));
    expect(events).toHaveLength(1);
    expect(await admin("make-customer", customer.identifier)).toEqual({ code: 0, out: `${customer.identifier} is now a customer account` });
  });

  it("names operators and sets quotas, refusing one below current use", async () => {
    const person = await newUser();
    expect((await admin("make-operator", person.email.toUpperCase())).code).toBe(0);
    expect((await db.select().from(users).where(eq(users.id, person.id)))[0].isOperator).toBe(true);
    const { customer } = await newAccount();
    expect(await admin("set-quota", customer.identifier, "12")).toEqual({ code: 0, out: `${customer.identifier}: project quota 12` });
    const refused = await admin("set-quota", customer.identifier, "-1");
    expect(refused.code).toBe(1);
    expect(refused.out).toBe("The quota can't be negative.");
  });

  it("explains its usage and fails on unknown commands or accounts", async () => {
    const usage = await admin("frobnicate");
    expect(usage.code).toBe(1);
    expect(usage.out).toMatch(/usage: npm run admin -- <command>/);
    const missing = await admin("make-partner", "no-such-account");
    expect(missing.code).toBe(1);
    expect(missing.out).toBe("No account with identifier no-such-account.");
  });
});
