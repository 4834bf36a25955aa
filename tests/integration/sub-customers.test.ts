// Sub-customers: the hierarchy the database keeps (no cycles, even between two moves at once; counters follow a moved
// subtree), a partner's reach over every descendant and no further, and self-managed customers, whose Customer Admins
// manage their subtree while the others get nothing of it.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db, rawSql } from "@/db/client";
import { auditEvents, customers, memberships, type User } from "@/db/schema";
import { listMyAccounts, type CustomerRef } from "@/lib/accounts";
import { findAccountAccess } from "@/lib/authz";
import { ForbiddenError, NotFoundError } from "@/lib/core";
import { inviteMember } from "@/lib/invitations";
import {
  addMyself,
  createManagedCustomer,
  getCustomerPath,
  getManagedCustomer,
  listSubCustomers,
  setAccountKind,
  setCustomerQuota,
  setSelfManaged,
} from "@/lib/partners";
import { listGroupsOfCustomer } from "@/lib/customer-groups";
import { createProject, listCustomerProjects } from "@/lib/projects";
import { addMember, as, newAccount, newUser, unique, SYSTEM } from "../support/factories";

afterAll(closeDb);

async function newPartner(name = "Paula Partner") {
  const account = await newAccount({ fullName: name });
  const partner = await setAccountKind(SYSTEM, account.customer.identifier, "partner");
  return { admin: account.user, partner };
}

/** A chain of customers, each under the one before, the first under `top` (created by `admin` of `manager`). */
async function chain(admin: User, manager: CustomerRef, top: CustomerRef | null, depth: number, prefix = "lvl") {
  const out: CustomerRef[] = [];
  let parent = top;
  for (let i = 1; i <= depth; i++) {
    const c = await createManagedCustomer(as(admin), manager.identifier, {
      name: `${prefix} ${i}`,
      identifier: unique(prefix),
      parent: parent && parent.id !== manager.id ? parent.identifier : undefined,
    });
    out.push(c);
    parent = c;
  }
  return out;
}

const row = async (id: string) => (await db.select().from(customers).where(eq(customers.id, id)))[0];

/** How a statement sent straight to PostgreSQL was refused: its SQLSTATE and constraint, or null when it went through. */
async function refusalOf(work: Promise<unknown>): Promise<{ code: string; constraint: string } | null> {
  try {
    await work;
    return null;
  } catch (err) {
    const e = err as { code?: string; constraint_name?: string };
    return { code: String(e.code), constraint: String(e.constraint_name) };
  }
}
const CYCLE = { code: "23514", constraint: "customers_no_cycle" };

const audits = (customerId: string, action: string) =>
  db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.customerId, customerId), eq(auditEvents.action, action)));

describe("the hierarchy in the database", () => {
  it("refuses a customer under itself, under its child and under its grandchild, whatever the code does", async () => {
    const { admin, partner } = await newPartner();
    const [a, b, c] = await chain(admin, partner, partner, 3);
    const sql = rawSql();
    expect(await refusalOf(sql`update customers set parent_id = ${a.id} where id = ${a.id}`)).toEqual(CYCLE);
    expect(await refusalOf(sql`update customers set parent_id = ${b.id} where id = ${a.id}`)).toEqual(CYCLE);
    // A three-customer cycle: a under c, where c sits under b under a.
    expect(await refusalOf(sql`update customers set parent_id = ${c.id} where id = ${a.id}`)).toEqual(CYCLE);
    expect((await row(a.id)).parentId).toBe(partner.id);
    expect((await row(c.id)).path).toEqual([partner.id, a.id, b.id]);
    // Moving within the tree is fine: c up under a; its path follows.
    expect(await refusalOf(sql`update customers set parent_id = ${a.id} where id = ${c.id}`)).toBeNull();
    expect((await row(c.id)).path).toEqual([partner.id, a.id]);
  });

  it("lets exactly one of two moves at once go through: A under B and B under A", async () => {
    const { admin, partner } = await newPartner();
    for (let round = 0; round < 3; round++) {
      const [a] = await chain(admin, partner, partner, 1, "a");
      const [b] = await chain(admin, partner, partner, 1, "b");
      const one = await rawSql().reserve();
      const two = await rawSql().reserve();
      try {
        await one`begin`;
        await two`begin`;
        const [{ pid: twoPid }] = await two`select pg_backend_pid() as pid`;
        await one`update customers set parent_id = ${b.id} where id = ${a.id}`;
        // The second move waits for the first (the trigger's lock), then sees where B's new ancestors are.
        const second = two`update customers set parent_id = ${a.id} where id = ${b.id}`.then(
          () => null,
          (err: { code?: string; constraint_name?: string }) => ({ code: String(err.code), constraint: String(err.constraint_name) }),
        );
        // It waits on a lock, as PostgreSQL records it: no fixed pause decides that it is still waiting.
        let settled = false;
        void second.then(() => void (settled = true));
        let waiting = false;
        while (!settled && !waiting) {
          const [{ n }] = await rawSql()`select count(*)::int as n from pg_locks where pid = ${twoPid} and not granted`;
          waiting = n > 0;
        }
        expect(waiting).toBe(true);
        await one`commit`;
        expect(await second).toEqual(CYCLE);
        await two`rollback`;
      } finally {
        one.release();
        two.release();
      }
      expect((await row(a.id)).parentId).toBe(b.id);
      expect((await row(b.id)).parentId).toBe(partner.id);
    }
    // And issued together from two connections, whichever comes first wins and the other is refused.
    for (let round = 0; round < 5; round++) {
      const [a] = await chain(admin, partner, partner, 1, "a");
      const [b] = await chain(admin, partner, partner, 1, "b");
      const results = await Promise.allSettled([
        db.transaction((tx) => tx.execute(sql`update customers set parent_id = ${b.id} where id = ${a.id}`)),
        db.transaction((tx) => tx.execute(sql`update customers set parent_id = ${a.id} where id = ${b.id}`)),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const failed = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      const reason = failed.reason as { cause?: { constraint_name?: string }; constraint_name?: string };
      expect((reason.cause ?? reason).constraint_name).toBe("customers_no_cycle");
      const [ra, rb] = [await row(a.id), await row(b.id)];
      expect([ra.parentId === b.id, rb.parentId === a.id].filter(Boolean)).toHaveLength(1);
    }
  });

  it("keeps every counter right when a subtree moves to another partner", async () => {
    const one = await newPartner();
    const two = await newPartner("Tom Two");
    const [a, a1, a2] = await chain(one.admin, one.partner, one.partner, 3);
    const [stay] = await chain(one.admin, one.partner, one.partner, 1, "stay");
    const people = [await newUser(), await newUser(), await newUser()];
    await addMember(people[0].id, a1.id, "customer_admin");
    await addMember(people[1].id, a2.id, "customer_employee");
    // In the moving subtree and outside it: this person stays one of the first partner's users.
    await addMember(people[2].id, a2.id, "customer_employee");
    await addMember(people[2].id, stay.id, "customer_employee");
    await createProject(SYSTEM, a2.identifier, { name: "Moving", identifier: "moving" });
    await setCustomerQuota(as(one.admin), a1.identifier, 1);
    await createProject(SYSTEM, a1.identifier, { name: "Full", identifier: "full" });
    await inviteMember(as(one.admin), a.identifier, { fullName: "Pending", email: `${unique("pend")}@example.test`, group: "customer_employee" });

    const recount = async (partnerId: string) => {
      const [r] = (await rawSql()`
        select
          (select count(*)::int from customers c where c.partner_id = ${partnerId} and c.deleting_at is null) as customers,
          (select count(distinct m.user_id)::int from memberships m join customers c on c.id = m.customer_id
            where c.partner_id = ${partnerId} and c.deleting_at is null) as users,
          (select count(*)::int from invitations i join customers c on c.id = i.customer_id
            where c.partner_id = ${partnerId} and c.deleting_at is null and i.accepted_at is null) as pending_invitations,
          (select count(*)::int from customers c where c.partner_id = ${partnerId} and c.deleting_at is null
            and (select count(*) from projects p where p.customer_id = c.id) >= c.project_quota) as at_quota,
          (select count(*)::int from customers c where c.partner_id = ${partnerId} and c.deleting_at is null
            and (select count(*) from projects p where p.customer_id = c.id) < c.project_quota
            and (select count(*) from projects p where p.customer_id = c.id) >= 0.8 * c.project_quota) as near_quota`) as unknown as Record<string, number>[];
      return r;
    };
    const stats = async (partnerId: string) => {
      const [s] = await rawSql()`select customers, users, pending_invitations, at_quota, near_quota from partner_stats where partner_id = ${partnerId}`;
      return { customers: 0, users: 0, pending_invitations: 0, at_quota: 0, near_quota: 0, ...s };
    };
    expect(await stats(one.partner.id)).toEqual(await recount(one.partner.id));
    expect((await stats(one.partner.id)).customers).toBe(4);

    await rawSql()`update customers set parent_id = ${two.partner.id} where id = ${a.id}`;

    for (const p of [one.partner.id, two.partner.id]) expect(await stats(p)).toEqual(await recount(p));
    expect(await stats(two.partner.id)).toMatchObject({ customers: 3, users: 3, pending_invitations: 1, at_quota: 1 });
    expect(await stats(one.partner.id)).toMatchObject({ customers: 1, users: 1, pending_invitations: 0, at_quota: 0 });
    expect((await row(a2.id)).path).toEqual([two.partner.id, a.id, a1.id]);
    expect((await row(a2.id)).partnerId).toBe(two.partner.id);
    // Each membership follows its customer's partner.
    const moved = await db.select().from(memberships).where(eq(memberships.customerId, a2.id));
    expect(moved.every((m) => m.partnerId === two.partner.id)).toBe(true);
    // The reach moved with it.
    await expect(getManagedCustomer(as(one.admin), one.partner.identifier, a2.identifier)).rejects.toThrow(NotFoundError);
    expect((await getManagedCustomer(as(two.admin), two.partner.identifier, a2.identifier)).customer.id).toBe(a2.id);
  });
});

describe("a partner's reach", () => {
  it("covers descendants three levels down, and stops at another partner's subtree", async () => {
    const { admin, partner } = await newPartner();
    const [l1, l2, l3] = await chain(admin, partner, partner, 3);
    const me = as(admin);
    expect((await getManagedCustomer(me, partner.identifier, l3.identifier)).customer.id).toBe(l3.id);
    expect((await setCustomerQuota(me, l3.identifier, 9)).projectQuota).toBe(9);
    await addMyself(me, partner.identifier, l3.identifier);
    expect((await findAccountAccess(db, me, l3.identifier))?.membership?.group).toBe("customer_admin");
    expect((await getCustomerPath(me, partner.identifier, l3.identifier)).map((s) => s.identifier)).toEqual([partner.identifier, l1.identifier, l2.identifier]);
    const created = await createManagedCustomer(me, partner.identifier, { name: "Level 4", identifier: unique("l4"), parent: l3.identifier });
    expect((await row(created.id)).path).toEqual([partner.id, l1.id, l2.id, l3.id]);
    expect((await listSubCustomers(me, partner.identifier, l3.identifier)).rows.map((r) => r.identifier)).toEqual([created.identifier]);

    // Another partner's customers, however deep, are not there for this one.
    const other = await newPartner("Olga Other");
    const [o1, o2] = await chain(other.admin, other.partner, other.partner, 2, "other");
    for (const target of [o1, o2]) {
      await expect(getManagedCustomer(me, partner.identifier, target.identifier)).rejects.toThrow(NotFoundError);
      await expect(getManagedCustomer(me, other.partner.identifier, target.identifier)).rejects.toThrow(NotFoundError);
      await expect(listSubCustomers(me, partner.identifier, target.identifier)).rejects.toThrow(NotFoundError);
      await expect(getCustomerPath(me, partner.identifier, target.identifier)).rejects.toThrow(NotFoundError);
      await expect(setCustomerQuota(me, target.identifier, 3)).rejects.toThrow(NotFoundError);
      await expect(addMyself(me, partner.identifier, target.identifier)).rejects.toThrow(NotFoundError);
      await expect(setSelfManaged(me, partner.identifier, target.identifier, true)).rejects.toThrow(NotFoundError);
      await expect(inviteMember(me, target.identifier, { fullName: "X", email: `${unique("x")}@example.test`, group: "customer_employee" })).rejects.toThrow(
        NotFoundError,
      );
      // Naming it as the parent of a new customer finds nothing either, and creates nothing.
      const identifier = unique("sneak");
      await expect(createManagedCustomer(me, partner.identifier, { name: "Sneak", identifier, parent: target.identifier })).rejects.toThrow(NotFoundError);
      expect(await db.select().from(customers).where(eq(customers.identifier, identifier))).toHaveLength(0);
    }
    expect((await listSubCustomers(as(other.admin), other.partner.identifier, o1.identifier)).rows.map((r) => r.id)).toEqual([o2.id]);

    // A partner account placed in the tree manages what is below it; the partner above reaches down to it, not past it.
    const [sub] = await chain(admin, partner, l1, 1, "subp");
    const [below] = await chain(admin, partner, sub, 1, "below");
    await setAccountKind(SYSTEM, sub.identifier, "partner");
    expect((await row(below.id)).partnerId).toBe(sub.id);
    expect((await getManagedCustomer(me, partner.identifier, sub.identifier)).customer.kind).toBe("partner");
    await expect(getManagedCustomer(me, partner.identifier, below.identifier)).rejects.toThrow(NotFoundError);
    expect((await listSubCustomers(me, partner.identifier, sub.identifier)).rows).toEqual([]);
    await expect(setSelfManaged(me, partner.identifier, sub.identifier, true)).rejects.toThrow(/partner account/);
    await expect(createManagedCustomer(me, partner.identifier, { name: "Lost", identifier: unique("lost"), parent: sub.identifier })).rejects.toThrow(
      /partner account/,
    );
  });
});

describe("sub-customer lists", () => {
  it("pages the direct children by name both ways, searches names and identifiers, and counts each one's children", async () => {
    const { admin, partner } = await newPartner();
    const [top] = await chain(admin, partner, partner, 1, "top");
    const names = ["delta", "Alpha", "charlie", "Bravo", "echo"];
    const kids: CustomerRef[] = [];
    for (const n of names)
      kids.push(await createManagedCustomer(as(admin), partner.identifier, { name: n, identifier: unique(n.toLowerCase()), parent: top.identifier }));
    await chain(admin, partner, kids[0], 2, "grand");
    await createManagedCustomer(as(admin), partner.identifier, { name: "Second", identifier: unique("second"), parent: kids[0].identifier });
    const me = as(admin);
    const first = await listSubCustomers(me, partner.identifier, top.identifier, { limit: 2 });
    expect(first.rows.map((r) => r.name)).toEqual(["Alpha", "Bravo"]);
    expect(first.prev).toBeNull();
    const second = await listSubCustomers(me, partner.identifier, top.identifier, { limit: 2, after: first.next! });
    expect(second.rows.map((r) => r.name)).toEqual(["charlie", "delta"]);
    expect(second.rows[1].children).toBe(2);
    const third = await listSubCustomers(me, partner.identifier, top.identifier, { limit: 2, after: second.next! });
    expect(third.rows.map((r) => r.name)).toEqual(["echo"]);
    expect(third.next).toBeNull();
    const back = await listSubCustomers(me, partner.identifier, top.identifier, { limit: 2, before: third.prev! });
    expect(back.rows.map((r) => r.name)).toEqual(["charlie", "delta"]);
    expect((await listSubCustomers(me, partner.identifier, top.identifier, { q: "RAV" })).rows.map((r) => r.name)).toEqual(["Bravo"]);
    expect((await listSubCustomers(me, partner.identifier, top.identifier, { q: kids[4].identifier })).rows.map((r) => r.name)).toEqual(["echo"]);
    expect((await listSubCustomers(me, partner.identifier, top.identifier, { q: "%" })).rows).toEqual([]);
    expect((await listSubCustomers(me, partner.identifier, top.identifier, { q: "br\u0000avo" })).rows.map((r) => r.name)).toEqual(["Bravo"]);
    await expect(createManagedCustomer(me, partner.identifier, { name: "Nul", identifier: unique("nul"), parent: "a\u0000b" })).rejects.toThrow(
      /No account has this identifier/,
    );
    // A cursor that isn't one is the first page.
    expect((await listSubCustomers(me, partner.identifier, top.identifier, { limit: 2, after: "junk" })).rows.map((r) => r.name)).toEqual(["Alpha", "Bravo"]);
  });

  it("shows in the account switcher where each account sits, from its partner down", async () => {
    const { admin, partner } = await newPartner();
    const [l1, l2] = await chain(admin, partner, partner, 2);
    const person = await newUser();
    await addMember(person.id, l2.id, "customer_employee");
    await addMember(person.id, l1.id, "customer_admin");
    const mine = (await listMyAccounts(as(person))).rows;
    expect(Object.fromEntries(mine.map((a) => [a.identifier, a.trail]))).toEqual({ [l1.identifier]: [partner.name], [l2.identifier]: [partner.name, l1.name] });
    expect((await listMyAccounts(as(admin))).rows.find((a) => a.identifier === partner.identifier)?.trail).toEqual([]);
  });
});

describe("self-managed customers", () => {
  async function setup() {
    const { admin, partner } = await newPartner();
    const [s, s1] = await chain(admin, partner, partner, 2, "sm");
    const [sibling] = await chain(admin, partner, partner, 1, "sib");
    const sAdmin = await newUser("Sam SelfAdmin");
    const sEmployee = await newUser("Eli Employee");
    const sReader = await newUser("Rae Reader");
    await addMember(sAdmin.id, s.id, "customer_admin");
    await addMember(sEmployee.id, s.id, "customer_employee");
    await addMember(sReader.id, s.id, "customer_reader");
    return { admin, partner, s, s1, sibling, sAdmin, sEmployee, sReader };
  }
  const invite = (email = `${unique("inv")}@example.test`) => ({ fullName: "Invited Person", email, group: "customer_employee" as const });

  /** Every sub-customer operation as someone who must get none of them. */
  async function refusedEverything(who: User, w: Awaited<ReturnType<typeof setup>>) {
    const p = as(who);
    expect((await findAccountAccess(db, p, w.s.identifier))?.can("VIEW_ADMINISTRATION")).toBe(false);
    await expect(createManagedCustomer(p, w.s.identifier, { name: "No", identifier: unique("no") })).rejects.toThrow(ForbiddenError);
    await expect(createManagedCustomer(p, w.s.identifier, { name: "No", identifier: unique("no"), parent: w.s1.identifier })).rejects.toThrow(ForbiddenError);
    await expect(createManagedCustomer(p, w.partner.identifier, { name: "No", identifier: unique("no"), parent: w.s1.identifier })).rejects.toThrow(
      NotFoundError,
    );
    await expect(inviteMember(p, w.s1.identifier, invite())).rejects.toThrow(NotFoundError);
    await expect(addMyself(p, w.s.identifier, w.s1.identifier)).rejects.toThrow(NotFoundError);
    await expect(getManagedCustomer(p, w.s.identifier, w.s1.identifier)).rejects.toThrow(NotFoundError);
    await expect(listSubCustomers(p, w.s.identifier, w.s1.identifier)).rejects.toThrow(NotFoundError);
    await expect(getCustomerPath(p, w.s.identifier, w.s1.identifier)).rejects.toThrow(NotFoundError);
    await expect(setCustomerQuota(p, w.s1.identifier, 9)).rejects.toThrow(NotFoundError);
    await expect(setCustomerQuota(p, w.s.identifier, 9)).rejects.toThrow(ForbiddenError);
    await expect(setSelfManaged(p, w.s.identifier, w.s1.identifier, true)).rejects.toThrow(NotFoundError);
    await expect(setSelfManaged(p, w.partner.identifier, w.s.identifier, true)).rejects.toThrow(NotFoundError);
  }

  it("gives a customer's admins nothing of its sub-customers while it isn't self-managed", async () => {
    const w = await setup();
    await refusedEverything(w.sAdmin, w);
    expect((await row(w.s.id)).selfManaged).toBe(false);
  });

  it("lets only the partner's admins switch it, audited on the customer and the partner, and only when it changes", async () => {
    const w = await setup();
    const partnerEmployee = await newUser();
    await addMember(partnerEmployee.id, w.partner.id, "partner_employee");
    await expect(setSelfManaged(as(partnerEmployee), w.partner.identifier, w.s.identifier, true)).rejects.toThrow(ForbiddenError);
    await expect(setSelfManaged(as(w.sAdmin), w.partner.identifier, w.s.identifier, true)).rejects.toThrow(NotFoundError);
    await expect(setSelfManaged(SYSTEM, w.partner.identifier, w.s.identifier, "yes" as unknown as boolean)).rejects.toThrow(/on or off/);
    expect((await setSelfManaged(as(w.admin), w.partner.identifier, w.s.identifier, true)).selfManaged).toBe(true);
    await setSelfManaged(as(w.admin), w.partner.identifier, w.s.identifier, true);
    expect(await audits(w.s.id, "customer.made_self_managed")).toHaveLength(1);
    expect(await audits(w.partner.id, "customer.made_self_managed")).toHaveLength(1);
    await setSelfManaged(as(w.admin), w.partner.identifier, w.s.identifier, false);
    expect(await audits(w.partner.id, "customer.made_partner_managed")).toHaveLength(1);
    expect((await row(w.s.id)).selfManaged).toBe(false);
  });

  it("lets a self-managed customer's admins create, invite into, add themselves to and list its subtree, but not set quotas or self-management", async () => {
    const w = await setup();
    await setSelfManaged(as(w.admin), w.partner.identifier, w.s.identifier, true);
    const me = as(w.sAdmin);
    expect((await findAccountAccess(db, me, w.s.identifier))?.can("VIEW_ADMINISTRATION")).toBe(true);

    // Create: directly under the own account, and under a sub-customer; the partner manages both.
    const createdBefore = (await audits(w.s.id, "customer.created")).length;
    const direct = await createManagedCustomer(me, w.s.identifier, { name: "Direct", identifier: unique("direct") });
    const deeper = await createManagedCustomer(me, w.s.identifier, { name: "Deeper", identifier: unique("deeper"), parent: w.s1.identifier });
    expect((await row(direct.id)).path).toEqual([w.partner.id, w.s.id]);
    expect((await row(deeper.id)).path).toEqual([w.partner.id, w.s.id, w.s1.id]);
    expect((await getManagedCustomer(as(w.admin), w.partner.identifier, deeper.identifier)).customer.id).toBe(deeper.id);
    expect(await audits(w.s.id, "customer.created")).toHaveLength(createdBefore + 2);

    // Invite, Add Myself, view.
    const { invitation } = await inviteMember(me, deeper.identifier, invite());
    expect(invitation.customerId).toBe(deeper.id);
    await addMyself(me, w.s.identifier, w.s1.identifier);
    expect((await findAccountAccess(db, me, w.s1.identifier))?.membership?.group).toBe("customer_admin");
    const list = await listSubCustomers(me, w.s.identifier, w.s1.identifier);
    expect(list.rows.map((r) => r.id)).toEqual([deeper.id]);
    expect((await getCustomerPath(me, w.s.identifier, deeper.identifier)).map((s) => s.identifier)).toEqual([w.s.identifier, w.s1.identifier]);

    // What the partner keeps.
    await expect(setCustomerQuota(me, w.s1.identifier, 9)).rejects.toThrow(ForbiddenError);
    await expect(setCustomerQuota(me, deeper.identifier, 9)).rejects.toThrow(ForbiddenError);
    await expect(setCustomerQuota(me, w.s.identifier, 9)).rejects.toThrow(ForbiddenError);
    await expect(setSelfManaged(me, w.s.identifier, w.s1.identifier, true)).rejects.toThrow(ForbiddenError);
    await expect(setSelfManaged(me, w.partner.identifier, w.s.identifier, false)).rejects.toThrow(NotFoundError);

    // Nothing outside the own subtree: a sibling under the same partner, or the own account as a "sub-customer".
    await expect(getManagedCustomer(me, w.s.identifier, w.sibling.identifier)).rejects.toThrow(NotFoundError);
    await expect(createManagedCustomer(me, w.s.identifier, { name: "Out", identifier: unique("out"), parent: w.sibling.identifier })).rejects.toThrow(
      NotFoundError,
    );
    await expect(inviteMember(me, w.sibling.identifier, invite())).rejects.toThrow(NotFoundError);
    await expect(addMyself(me, w.s.identifier, w.sibling.identifier)).rejects.toThrow(NotFoundError);
    await expect(listSubCustomers(me, w.s.identifier, w.s.identifier)).rejects.toThrow(NotFoundError);
    await expect(createManagedCustomer(me, w.partner.identifier, { name: "Out", identifier: unique("out") })).rejects.toThrow(NotFoundError);

    // Its employees and readers get none of it.
    await refusedEverything(w.sEmployee, w);
    await refusedEverything(w.sReader, w);

    // Taken back: the admin's area is gone (what they joined by Add Myself stays theirs as a member).
    await setSelfManaged(as(w.admin), w.partner.identifier, w.s.identifier, false);
    await expect(createManagedCustomer(me, w.s.identifier, { name: "Late", identifier: unique("late") })).rejects.toThrow(ForbiddenError);
    await expect(inviteMember(me, deeper.identifier, invite())).rejects.toThrow(NotFoundError);
    await expect(listSubCustomers(me, w.s.identifier, w.s1.identifier)).rejects.toThrow(NotFoundError);
    expect((await findAccountAccess(db, me, w.s1.identifier))?.membership?.group).toBe("customer_admin");
  });

  it("opens a customer only through an Administration area the principal has: naming the partner above gets nothing, its billing least of all", async () => {
    const w = await setup();
    await setSelfManaged(as(w.admin), w.partner.identifier, w.s.identifier, true);
    const billing = { taxId: "DE811907980", paymentMethod: "sepa_debit" as const, sepaAccountHolder: "Billing Holder", sepaIban: "DE89370400440532013000" };
    await db
      .update(customers)
      .set(billing)
      .where(sql`${customers.id} in (${w.partner.id}, ${w.s.id}, ${w.s1.id})`);
    const me = as(w.sAdmin);
    const secrets = /DE811907980|DE89370400440532013000|Billing Holder/;

    // Its own area opens the sub-customer, without anyone's bank account: managing a customer is not billing it.
    const own = await getManagedCustomer(me, w.s.identifier, w.s1.identifier);
    expect(own.customer.identifier).toBe(w.s1.identifier);
    expect(JSON.stringify(own)).not.toMatch(secrets);
    expect(JSON.stringify(await getManagedCustomer(as(w.admin), w.partner.identifier, w.s1.identifier))).not.toMatch(secrets);

    // The same sub-customer lies in the partner's area too, but the self-managed admin is no member of it.
    const named = await getManagedCustomer(me, w.partner.identifier, w.s1.identifier).then(
      (leaked) => JSON.stringify(leaked),
      (err: unknown) => err,
    );
    expect(named).toBeInstanceOf(NotFoundError);
    await expect(listSubCustomers(me, w.partner.identifier, w.s1.identifier)).rejects.toThrow(NotFoundError);
    await expect(getCustomerPath(me, w.partner.identifier, w.s1.identifier)).rejects.toThrow(NotFoundError);
    await expect(addMyself(me, w.partner.identifier, w.s1.identifier)).rejects.toThrow(NotFoundError);
    await expect(listCustomerProjects(me, w.partner.identifier, w.s1.identifier, { q: "", limit: 20 })).rejects.toThrow(NotFoundError);
    await expect(listGroupsOfCustomer(me, w.partner.identifier, w.s1.identifier)).rejects.toThrow(NotFoundError);
    expect((await findAccountAccess(db, me, w.s1.identifier))?.membership ?? null).toBeNull();
  });

  it("keeps a Customer Reader read-only everywhere in the hierarchy", async () => {
    const w = await setup();
    await setSelfManaged(as(w.admin), w.partner.identifier, w.s.identifier, true);
    // A reader of a sub-customer itself, and of the self-managed customer above it (checked in refusedEverything).
    const reader = await newUser("Ray Reader");
    await addMember(reader.id, w.s1.id, "customer_reader");
    const p = as(reader);
    expect((await findAccountAccess(db, p, w.s1.identifier))?.can("VIEW_ACCOUNT")).toBe(true);
    await expect(inviteMember(p, w.s1.identifier, invite())).rejects.toThrow(ForbiddenError);
    await expect(createManagedCustomer(p, w.s1.identifier, { name: "No", identifier: unique("no") })).rejects.toThrow(ForbiddenError);
    await expect(setCustomerQuota(p, w.s1.identifier, 9)).rejects.toThrow(ForbiddenError);
    await expect(addMyself(p, w.s.identifier, w.s1.identifier)).rejects.toThrow(NotFoundError);
    await expect(setSelfManaged(p, w.partner.identifier, w.s1.identifier, true)).rejects.toThrow(NotFoundError);
    await expect(createProject(p, w.s1.identifier, { name: "Nope", identifier: "nope" })).rejects.toThrow(ForbiddenError);
    await refusedEverything(w.sReader, w);
    expect(await db.select().from(customers).where(eq(customers.parentId, w.s1.id))).toHaveLength(0);
  });
});
