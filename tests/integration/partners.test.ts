// Partner accounts: becoming one, managed customers, Add Myself, quotas, and the boundaries between partners.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { auditEvents, customers, invitations, memberships, users } from "@/db/schema";
import { listMyAccounts } from "@/lib/accounts";
import { authorizeAccount, findAccountAccess } from "@/lib/authz";
import { encodeCursor, ForbiddenError, NotFoundError } from "@/lib/core";
import { createCustomerGroup, setCustomerGroupMembership } from "@/lib/customer-groups";
import { inviteMember } from "@/lib/invitations";

import {
  addMyself,
  countUndeliveredInvitations,
  createManagedCustomer,
  getCustomersPage,
  getPartnerOverview,
  listManagedCustomers,
  setAccountKind,
  setCustomerQuota,
} from "@/lib/partners";
import { listAllAccounts, setOperator } from "@/lib/operators";
import { createProject } from "@/lib/projects";
import { addMember, newAccount, newUser, unique, as, SYSTEM } from "../support/factories";

afterAll(closeDb);

async function newPartner() {
  const account = await newAccount({ fullName: "Paula Partner" });
  const partner = await setAccountKind(SYSTEM, account.customer.identifier, "partner");
  return { admin: account.user, partner };
}

async function stateOf(customerId: string) {
  const [c] = await db.select().from(customers).where(eq(customers.id, customerId));
  const ms = await db.select().from(memberships).where(eq(memberships.customerId, customerId));
  return { customer: c, memberships: ms.map((m) => `${m.userId}:${m.group}`).sort() };
}

describe("becoming a partner", () => {
  it("converts the account and its groups (admins stay admins), audited, and back again", async () => {
    const { user, customer } = await newAccount();
    const employee = await newUser();
    await addMember(employee.id, customer.id, "customer_employee");
    const { invitation } = await inviteMember(as(user), customer.identifier, {
      fullName: "Pending",
      email: `${unique("pend")}@example.test`,
      group: "customer_admin",
    });
    await setAccountKind(SYSTEM, customer.identifier, "partner");
    expect((await db.select().from(invitations).where(eq(invitations.id, invitation.id)))[0].group).toBe("partner_admin");
    const after = await db.select().from(memberships).where(eq(memberships.customerId, customer.id));
    expect(Object.fromEntries(after.map((m) => [m.userId, m.group]))).toEqual({ [user.id]: "partner_admin", [employee.id]: "partner_employee" });
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.customerId, customer.id), eq(auditEvents.action, "account.made_partner")));
    expect(events).toHaveLength(1);
    await setAccountKind(SYSTEM, customer.identifier, "customer");
    const back = await db.select().from(memberships).where(eq(memberships.customerId, customer.id));
    expect(back.map((m) => m.group).sort()).toEqual(["customer_admin", "customer_employee"]);
  });

  it("refuses to turn a partner back while it still manages customers", async () => {
    const { admin, partner } = await newPartner();
    await createManagedCustomer(as(admin), partner.identifier, { name: "Kept", identifier: unique("kept") });
    await expect(setAccountKind(SYSTEM, partner.identifier, "customer")).rejects.toThrow(/still manages 1 customer; move or delete it first/);
  });

  it("gives only partner accounts an Administration area", async () => {
    const { user, customer } = await newAccount();
    await expect(authorizeAccount(db, as(user), customer.identifier, "VIEW_ADMINISTRATION")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listManagedCustomers(as(user), customer.identifier)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("managed customers", () => {
  it("are created with name and identifier, no users, and the same identifier rules as sign-up", async () => {
    const { admin, partner } = await newPartner();
    const identifier = unique("managed");
    const customer = await createManagedCustomer(as(admin), partner.identifier, { name: "Managed GmbH", identifier });
    expect(customer).toMatchObject({ parentId: partner.id, kind: "customer", projectQuota: 5 });
    expect(await db.select().from(memberships).where(eq(memberships.customerId, customer.id))).toHaveLength(0);
    const dup = await createManagedCustomer(as(admin), partner.identifier, { name: "Dup", identifier }).catch((e) => e);
    expect(dup.fieldErrors.identifier).toMatch(/already taken/);
    await expect(createManagedCustomer(as(admin), partner.identifier, { name: "Bad", identifier: "Bad Id" })).rejects.toMatchObject({
      code: "invalid_input",
      fieldErrors: { identifier: expect.any(String) },
    });
    const immutable = await db.execute(sql`update customers set identifier = ${unique("x")} where id = ${customer.id}`).catch((e) => e);
    expect(immutable.cause.constraint_name).toBe("customers_identifier_immutable");
  });

  it("Add Myself makes the partner user a Customer Admin of that customer, audited, so it appears in their accounts", async () => {
    const { admin, partner } = await newPartner();
    const customer = await createManagedCustomer(as(admin), partner.identifier, { name: "Target", identifier: unique("target") });
    // Before: the partner admin manages the customer from outside (quota, Add Myself) but can't work in it.
    const outside = await findAccountAccess(db, as(admin), customer.identifier);
    expect(outside?.membership).toBeNull();
    expect(outside?.can("VIEW_ACCOUNT")).toBe(false);
    await addMyself(as(admin), partner.identifier, customer.identifier);
    const access = await findAccountAccess(db, as(admin), customer.identifier);
    expect(access?.membership?.group).toBe("customer_admin");
    expect((await listMyAccounts(as(admin))).rows.map((a) => a.identifier)).toContain(customer.identifier);
    // Now they can invite the customer's users like any Customer Admin.
    await inviteMember(as(admin), customer.identifier, { fullName: "Cu Stomer", email: `${unique("cu")}@example.test`, group: "customer_admin" });
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.customerId, customer.id), eq(auditEvents.action, "member.added_self")));
    expect(events).toHaveLength(1);
    expect(events[0].actorId).toBe(admin.id);
  });

  it("lists, searches (name, identifier, member e-mail) and pages with keyset cursors", async () => {
    const { admin, partner } = await newPartner();
    const names = Array.from({ length: 7 }, (_, i) => `Client ${String.fromCharCode(65 + i)}`);
    for (const name of names) await createManagedCustomer(as(admin), partner.identifier, { name, identifier: unique("client") });
    const [target] = await db
      .select()
      .from(customers)
      .where(and(eq(customers.parentId, partner.id), eq(customers.name, "Client C")));
    const member = await newUser("Searchable Person");
    await addMember(member.id, target.id, "customer_employee");

    const seen: string[] = [];
    let after: string | undefined;
    let page = await listManagedCustomers(as(admin), partner.identifier, { limit: 3 });
    expect(page.prev).toBeNull();
    for (;;) {
      seen.push(...page.rows.map((r) => r.name));
      if (!page.next) break;
      after = page.next;
      page = await listManagedCustomers(as(admin), partner.identifier, { limit: 3, after });
    }
    expect(seen).toEqual(names);
    // Back from the last page.
    const back = await listManagedCustomers(as(admin), partner.identifier, { limit: 3, before: page.prev! });
    expect(back.rows.map((r) => r.name)).toEqual(["Client D", "Client E", "Client F"]);
    const desc = await listManagedCustomers(as(admin), partner.identifier, { limit: 2, sort: "name", dir: "desc" });
    expect(desc.rows.map((r) => r.name)).toEqual(["Client G", "Client F"]);
    const byCreated = await listManagedCustomers(as(admin), partner.identifier, { limit: 10, sort: "created" });
    expect(byCreated.rows).toHaveLength(7);
    const byCreatedNext = await listManagedCustomers(as(admin), partner.identifier, { limit: 4, sort: "created" });
    const rest = await listManagedCustomers(as(admin), partner.identifier, { limit: 4, sort: "created", after: byCreatedNext.next! });
    expect([...byCreatedNext.rows, ...rest.rows].map((r) => r.id)).toEqual(byCreated.rows.map((r) => r.id));
    // A hand-made cursor whose value is no number or date (or a cursor of another sort) starts the list over instead
    // of failing PostgreSQL's cast.
    const forged = (v: string) => encodeCursor({ v, id: target.id });
    for (const [sort, v] of [
      ["users", "abc"],
      ["users", "99999999999"],
      ["created", "2026-02-30 10:00:00+00"],
      ["created", "yesterday"],
    ] as const) {
      const first = await listManagedCustomers(as(admin), partner.identifier, { limit: 4, sort, after: forged(v) });
      expect(first.prev, `${sort} after ${v}`).toBeNull();
      expect(first.rows).toHaveLength(4);
    }
    const crossed = await listManagedCustomers(as(admin), partner.identifier, { limit: 4, sort: "users", after: byCreatedNext.next! });
    expect(crossed.prev).toBeNull();

    expect((await listManagedCustomers(as(admin), partner.identifier, { q: "client c" })).rows.map((r) => r.name)).toEqual(["Client C"]);
    expect((await listManagedCustomers(as(admin), partner.identifier, { q: target.identifier.slice(3) })).rows.map((r) => r.name)).toEqual(["Client C"]);
    const byEmail = await listManagedCustomers(as(admin), partner.identifier, { q: member.email.toUpperCase() });
    expect(byEmail.rows.map((r) => r.name)).toEqual(["Client C"]);
    expect(byEmail.rows[0].users).toBe(1);
    expect((await listManagedCustomers(as(admin), partner.identifier, { q: "%" })).rows).toHaveLength(0);
  });

  it("shows an overview: customers, their users, pending invitations, at or near quota", async () => {
    const { admin, partner } = await newPartner();
    const a = await createManagedCustomer(as(admin), partner.identifier, { name: "A", identifier: unique("ov") });
    const b = await createManagedCustomer(as(admin), partner.identifier, { name: "B", identifier: unique("ov") });
    const c = await createManagedCustomer(as(admin), partner.identifier, { name: "C", identifier: unique("ov") });
    await addMyself(as(admin), partner.identifier, a.identifier);
    await addMyself(as(admin), partner.identifier, b.identifier);
    await setCustomerQuota(as(admin), a.identifier, 1);
    await createProject(as(admin), a.identifier, { name: "P", identifier: "p-one" });
    await setCustomerQuota(as(admin), b.identifier, 5);
    for (let i = 0; i < 4; i++) await createProject(as(admin), b.identifier, { name: `P${i}`, identifier: `p-${i}x` });
    await inviteMember(as(admin), a.identifier, { fullName: "X", email: `${unique("ov")}@example.test`, group: "customer_employee" });
    expect(await getPartnerOverview(as(admin), partner.identifier)).toEqual({ customers: 3, users: 1, pending_invitations: 1, at_quota: 1, near_quota: 1 });

    // Filtered, the page also counts what the filter matches (the totals stay as they are); unfiltered, nothing more.
    expect((await getCustomersPage(as(admin), partner.identifier)).matching).toBeNull();
    const atQuota = await getCustomersPage(as(admin), partner.identifier, { quota: "at" });
    expect(atQuota.overview.customers).toBe(3);
    expect(atQuota.matching).toEqual({ customers: 1, users: 1, users_exact: true, pending_invitations: 1, at_quota: 1, near_quota: 0 });
    const group = await createCustomerGroup(as(admin), partner.identifier, { name: unique("Two") });
    await setCustomerGroupMembership(as(admin), partner.identifier, { groupId: group.id, customers: [b.identifier, c.identifier], member: true });
    expect((await getCustomersPage(as(admin), partner.identifier, { group: group.id })).matching).toEqual({
      customers: 2,
      users: 1,
      users_exact: true,
      pending_invitations: 0,
      at_quota: 0,
      near_quota: 1,
    });
    // A search is not counted (a common word would read most customers): the page says its numbers are totals.
    expect((await getCustomersPage(as(admin), partner.identifier, { q: "no such customer" })).matching).toBeNull();
    expect((await getCustomersPage(as(admin), partner.identifier, { q: "x", quota: "at" })).matching).toBeNull();
    // It is counted for "select all that match" though, up to a bound.
    expect((await getCustomersPage(as(admin), partner.identifier, { q: "no such customer" })).searchMatches).toEqual({ count: 0, more: false });
    expect((await getCustomersPage(as(admin), partner.identifier, { q: "ov" })).searchMatches).toEqual({ count: 3, more: false });
    expect((await getCustomersPage(as(admin), partner.identifier, { group: group.id })).searchMatches).toBeNull();
  });
});

describe("quota management", () => {
  it("raises and lowers a managed customer's quota, audited, effective at once; never below current use", async () => {
    const { admin, partner } = await newPartner();
    const customer = await createManagedCustomer(as(admin), partner.identifier, { name: "Quota Co", identifier: unique("quota") });
    await addMyself(as(admin), partner.identifier, customer.identifier);
    await setCustomerQuota(as(admin), customer.identifier, 2);
    await createProject(as(admin), customer.identifier, { name: "One", identifier: "one" });
    await createProject(as(admin), customer.identifier, { name: "Two", identifier: "two" });
    await expect(createProject(as(admin), customer.identifier, { name: "Three", identifier: "three" })).rejects.toThrow(/quota of 2 projects/);
    const err = await setCustomerQuota(as(admin), customer.identifier, 1).catch((e) => e);
    expect(err.fieldErrors.quota).toMatch(/already has 2 projects.*can't be lowered to 1/);
    expect((await stateOf(customer.id)).customer.projectQuota).toBe(2);
    await setCustomerQuota(as(admin), customer.identifier, 3);
    await createProject(as(admin), customer.identifier, { name: "Three", identifier: "three" });
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.customerId, customer.id), eq(auditEvents.action, "customer.quota_changed")))
      .orderBy(auditEvents.id);
    expect(events.map((e) => e.details)).toEqual([
      { from: 5, to: 2 },
      { from: 2, to: 3 },
    ]);
  });

  it("lets operators set quotas too", async () => {
    const { admin, partner } = await newPartner();
    const customer = await createManagedCustomer(as(admin), partner.identifier, { name: "Op Co", identifier: unique("op") });
    const operator = await newUser("Olga Operator");
    await expect(setCustomerQuota(as(operator), customer.identifier, 9)).rejects.toBeInstanceOf(NotFoundError);
    await setOperator(SYSTEM, operator.email, true);
    const [reloaded] = await db.select().from(users).where(eq(users.id, operator.id));
    await setCustomerQuota(as(reloaded), customer.identifier, 9);
    expect((await stateOf(customer.id)).customer.projectQuota).toBe(9);
    // The admin CLI acts as the system.
    await setCustomerQuota(SYSTEM, customer.identifier, 11);
    expect((await stateOf(customer.id)).customer.projectQuota).toBe(11);
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.customerId, customer.id), eq(auditEvents.action, "customer.quota_changed")))
      .orderBy(auditEvents.id);
    expect(events.map((e) => [e.actorKind, e.actorId])).toEqual([
      ["user", operator.id],
      ["system", null],
    ]);
  });
});

describe("boundaries", () => {
  it("refuses every cross-partner attempt made with another partner's customer ids, changing nothing", async () => {
    const one = await newPartner();
    const two = await newPartner();
    const theirs = await createManagedCustomer(as(two.admin), two.partner.identifier, { name: "Theirs", identifier: unique("theirs") });
    const before = await stateOf(theirs.id);
    // Through one's own partner account, naming two's customer.
    await expect(addMyself(as(one.admin), one.partner.identifier, theirs.identifier)).rejects.toBeInstanceOf(NotFoundError);
    await expect(setCustomerQuota(as(one.admin), theirs.identifier, 50)).rejects.toBeInstanceOf(NotFoundError);
    // Naming two's partner account directly.
    await expect(addMyself(as(one.admin), two.partner.identifier, theirs.identifier)).rejects.toBeInstanceOf(NotFoundError);
    await expect(createManagedCustomer(as(one.admin), two.partner.identifier, { name: "Sneaky", identifier: unique("sneaky") })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect((await listManagedCustomers(as(one.admin), one.partner.identifier, { q: theirs.identifier })).rows).toHaveLength(0);
    expect(await stateOf(theirs.id)).toEqual(before);
  });

  it("keeps Partner Employees read-only", async () => {
    const { admin, partner } = await newPartner();
    const customer = await createManagedCustomer(as(admin), partner.identifier, { name: "RO", identifier: unique("ro") });
    const employee = await newUser();
    await addMember(employee.id, partner.id, "partner_employee");
    expect((await authorizeAccount(db, as(employee), partner.identifier, "VIEW_ADMINISTRATION")).membership?.group).toBe("partner_employee");
    const before = await stateOf(customer.id);
    await expect(createManagedCustomer(as(employee), partner.identifier, { name: "No", identifier: unique("no") })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(setCustomerQuota(as(employee), customer.identifier, 50)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(addMyself(as(employee), partner.identifier, customer.identifier)).rejects.toBeInstanceOf(ForbiddenError);
    expect(await stateOf(customer.id)).toEqual(before);
  });

  it("never shows a managed customer's members the partner's Administration area", async () => {
    const { admin, partner } = await newPartner();
    const customer = await createManagedCustomer(as(admin), partner.identifier, { name: "Inside", identifier: unique("inside") });
    const member = await newUser();
    await addMember(member.id, customer.id, "customer_admin");
    await expect(authorizeAccount(db, as(member), partner.identifier, "VIEW_ADMINISTRATION")).rejects.toBeInstanceOf(NotFoundError);
    await expect(authorizeAccount(db, as(member), customer.identifier, "VIEW_ADMINISTRATION")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(listManagedCustomers(as(member), partner.identifier)).rejects.toBeInstanceOf(NotFoundError);
    await expect(createManagedCustomer(as(member), partner.identifier, { name: "X", identifier: unique("x") })).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      inviteMember(as(member), partner.identifier, { fullName: "X", email: `${unique("x")}@example.test`, group: "partner_admin" }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
    expect(await db.select().from(invitations).where(eq(invitations.customerId, partner.id))).toHaveLength(0);
  });
});

describe("searching customers", () => {
  it("ignores case and accents, in the list and the operators' accounts, by an index on the unaccented name", async () => {
    const owner = await newAccount();
    const partner = (await setAccountKind(SYSTEM, owner.customer.identifier, "partner")).identifier;
    const tag = unique("u").slice(2, 8);
    await createManagedCustomer(as(owner.user), partner, { name: `Ünïcødé ${tag}`, identifier: `unicode-${tag}` });
    await createManagedCustomer(as(owner.user), partner, { name: `Plain ${tag}`, identifier: `plain-${tag}` });
    for (const q of [`unicode ${tag}`, `UNICODE ${tag}`, `ünïcødé ${tag}`])
      expect(
        (await getCustomersPage(as(owner.user), partner, { q })).list.rows.map((r) => r.name),
        q,
      ).toEqual([`Ünïcødé ${tag}`]);
    expect((await listAllAccounts(SYSTEM, { q: `unicode ${tag}` })).rows.map((r) => r.name)).toEqual([`Ünïcødé ${tag}`]);

    // The planner can answer it from the trigram index on lower(tenancy_unaccent(name)), not only by reading every row.
    const plan = await db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      return (await tx.execute(
        sql`explain select id from customers c where lower(tenancy_unaccent(c.name)) like lower(tenancy_unaccent(${"%unicode%"}))`,
      )) as unknown as { "QUERY PLAN": string }[];
    });
    expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toContain("customers_name_trgm_idx");
  });
});

describe("undelivered invitations", () => {
  it("counts the open invitations whose e-mail failed, in this partner's customers only", async () => {
    const owner = await newAccount();
    const partner = (await setAccountKind(SYSTEM, owner.customer.identifier, "partner")).identifier;
    const customer = await createManagedCustomer(as(owner.user), partner, { name: "Bounce", identifier: unique("bounce") });
    const fails = async (identifier: string) => {
      const { invitation } = await inviteMember(SYSTEM, identifier, { fullName: "Nobody", email: `${unique("nx")}@example.test`, group: "customer_employee" });
      await db.execute(sql`update outbound_emails set status = 'failed' where invitation_id = ${invitation.id}`);
      return invitation;
    };
    expect(await countUndeliveredInvitations(as(owner.user), partner)).toBe(0);
    const failed = await fails(customer.identifier);
    await inviteMember(SYSTEM, customer.identifier, { fullName: "Somebody", email: `${unique("ok")}@example.test`, group: "customer_employee" });
    const stranger = await newAccount();
    await fails(stranger.customer.identifier);
    expect(await countUndeliveredInvitations(as(owner.user), partner)).toBe(1);
    // Accepted or expired, nobody waits for it any more.
    await db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.id, failed.id));
    expect(await countUndeliveredInvitations(as(owner.user), partner)).toBe(0);
  });
});
