// Members of an account against the real database: change group, remove, the last admin, searching and paging.
import { and, eq, inArray } from "drizzle-orm";
import type { UserPrincipal } from "@/lib/authz";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { auditEvents, memberships, projectAccess, users } from "@/db/schema";
import { findAccountAccess } from "@/lib/authz";
import { AppError, ForbiddenError, LAST_PAGE, NotFoundError, type PageRequest } from "@/lib/core";
import { changeMemberGroup, listMembers, removeMember } from "@/lib/members";
import { createProject, setProjectAccess } from "@/lib/projects";
import { addMember, groupOf, newAccount, newUser, unique, as } from "../support/factories";

afterAll(closeDb);

const membersOf = (customerId: string) => db.select().from(memberships).where(eq(memberships.customerId, customerId));
const adminCount = async (customerId: string) => (await membersOf(customerId)).filter((m) => m.group === "customer_admin").length;
const auditOf = (customerId: string, action: string) =>
  db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.customerId, customerId), eq(auditEvents.action, action)))
    .orderBy(auditEvents.id);

async function newProject(actor: UserPrincipal, identifier: string) {
  return createProject(actor, identifier, { name: "Project", identifier: unique("p") });
}

describe("changing a member's group", () => {
  it("changes the group and records who changed whom from what to what", async () => {
    const { user: admin, customer } = await newAccount();
    const employee = await newUser("Erin Employee");
    await addMember(employee.id, customer.id, "customer_employee");

    const updated = await changeMemberGroup(as(admin), customer.identifier, employee.id, "customer_admin");
    expect(updated.group).toBe("customer_admin");
    expect(await groupOf(employee.id, customer.id)).toBe("customer_admin");

    await changeMemberGroup(as(admin), customer.identifier, employee.id, "customer_employee");
    expect(await groupOf(employee.id, customer.id)).toBe("customer_employee");

    const events = await auditOf(customer.id, "member.group_changed");
    expect(events.map((e) => e.details)).toEqual([
      { from: "customer_employee", to: "customer_admin" },
      { from: "customer_admin", to: "customer_employee" },
    ]);
    for (const e of events) {
      expect(e).toMatchObject({ actorId: admin.id, targetType: "member", targetId: employee.id, targetLabel: `Erin Employee <${employee.email}>` });
      expect(e.createdAt).toBeInstanceOf(Date);
    }
  });

  it("refuses a group that doesn't exist in a customer account", async () => {
    const { user: admin, customer } = await newAccount();
    const employee = await newUser();
    await addMember(employee.id, customer.id, "customer_employee");
    await expect(changeMemberGroup(as(admin), customer.identifier, employee.id, "partner_admin")).rejects.toThrow(/doesn't exist in this kind of account/);
    expect(await groupOf(employee.id, customer.id)).toBe("customer_employee");
  });
});

describe("the last Customer Admin", () => {
  it("can be neither demoted nor removed, with a message saying why", async () => {
    const { user: admin, customer } = await newAccount();
    const employee = await newUser();
    await addMember(employee.id, customer.id, "customer_employee");

    const demote = await changeMemberGroup(as(admin), customer.identifier, admin.id, "customer_employee").catch((e) => e);
    expect(demote).toBeInstanceOf(AppError);
    expect(demote.message).toMatch(/last Customer Admin/);
    const remove = await removeMember(as(admin), customer.identifier, admin.id).catch((e) => e);
    expect(remove).toBeInstanceOf(AppError);
    expect(remove.message).toMatch(/last Customer Admin/);

    expect(await groupOf(admin.id, customer.id)).toBe("customer_admin");
    expect(await auditOf(customer.id, "member.group_changed")).toHaveLength(0);
    expect(await auditOf(customer.id, "member.removed")).toHaveLength(0);
  });

  it("may step down once another admin exists", async () => {
    const { user: admin, customer } = await newAccount();
    const other = await newUser();
    await addMember(other.id, customer.id, "customer_admin");
    await changeMemberGroup(as(admin), customer.identifier, admin.id, "customer_employee");
    expect(await groupOf(admin.id, customer.id)).toBe("customer_employee");
    expect(await adminCount(customer.id)).toBe(1);
  });

  it("RACE: two admins demoting each other at the same instant leave exactly one admin", async () => {
    for (let round = 0; round < 8; round++) {
      const { user: a, customer } = await newAccount();
      const b = await newUser();
      await addMember(b.id, customer.id, "customer_admin");
      const results = await Promise.allSettled([
        changeMemberGroup(as(a), customer.identifier, b.id, "customer_employee"),
        changeMemberGroup(as(b), customer.identifier, a.id, "customer_employee"),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const [refused] = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(refused.reason).toBeInstanceOf(AppError);
      // The loser was demoted by the winner (forbidden), or is the last admin (conflict): never "not found".
      expect(["forbidden", "conflict"]).toContain(refused.reason.code);
      expect(await adminCount(customer.id)).toBe(1);
      expect(await auditOf(customer.id, "member.group_changed")).toHaveLength(1);
    }
  });

  it("RACE: an admin demoted at the same instant as they act can act only before the demotion, never after", async () => {
    for (let round = 0; round < 6; round++) {
      const { user: a, customer } = await newAccount();
      const b = await newUser();
      const c = await newUser();
      await addMember(b.id, customer.id, "customer_admin");
      await addMember(c.id, customer.id, "customer_employee");
      const [demotion, removal] = await Promise.allSettled([
        changeMemberGroup(as(a), customer.identifier, b.id, "customer_employee"),
        removeMember(as(b), customer.identifier, c.id),
      ]);
      expect(demotion.status).toBe("fulfilled");
      const [demoted] = await auditOf(customer.id, "member.group_changed");
      const removed = await auditOf(customer.id, "member.removed");
      if (removal.status === "fulfilled") {
        expect(removed).toHaveLength(1);
        expect(removed[0].id).toBeLessThan(demoted.id);
      } else {
        expect(removal.reason).toBeInstanceOf(ForbiddenError);
        expect(removed).toHaveLength(0);
        expect(await groupOf(c.id, customer.id)).toBe("customer_employee");
      }
    }
  });

  it("RACE: two admins removing each other at the same instant leave exactly one admin", async () => {
    for (let round = 0; round < 5; round++) {
      const { user: a, customer } = await newAccount();
      const b = await newUser();
      await addMember(b.id, customer.id, "customer_admin");
      const results = await Promise.allSettled([removeMember(as(a), customer.identifier, b.id), removeMember(as(b), customer.identifier, a.id)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      expect(await adminCount(customer.id)).toBe(1);
      expect(await membersOf(customer.id)).toHaveLength(1);
    }
  });
});

describe("removing a member", () => {
  it("removes the membership and all their project access in this account, and only in this account", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const person = await newUser("Paula Person");
    await addMember(person.id, a.customer.id, "customer_employee");
    await addMember(person.id, b.customer.id, "customer_employee");
    const a1 = await newProject(as(a.user), a.customer.identifier);
    const a2 = await newProject(as(a.user), a.customer.identifier);
    const b1 = await newProject(as(b.user), b.customer.identifier);
    await setProjectAccess(as(a.user), a.customer.identifier, a1.id, person.id, "project_user");
    await setProjectAccess(as(a.user), a.customer.identifier, a2.id, person.id, "project_reader");
    await setProjectAccess(as(b.user), b.customer.identifier, b1.id, person.id, "project_admin");
    expect(await findAccountAccess(db, as(person), a.customer.identifier)).not.toBeNull();

    const result = await removeMember(as(a.user), a.customer.identifier, person.id);
    expect(result).toMatchObject({ projectsLeft: 2, userDeleted: false });

    expect(await groupOf(person.id, a.customer.id)).toBeNull();
    expect(await findAccountAccess(db, as(person), a.customer.identifier)).toBeNull();
    const left = await db.select().from(projectAccess).where(eq(projectAccess.userId, person.id));
    expect(left).toEqual([expect.objectContaining({ projectId: b1.id, role: "project_admin" })]);
    // Their membership elsewhere, and everyone else's access here, stay.
    expect(await groupOf(person.id, b.customer.id)).toBe("customer_employee");
    expect(await findAccountAccess(db, as(person), b.customer.identifier)).not.toBeNull();
    expect(
      await db
        .select()
        .from(projectAccess)
        .where(inArray(projectAccess.projectId, [a1.id, a2.id])),
    ).toHaveLength(2);
    expect(await db.select().from(users).where(eq(users.id, person.id))).toHaveLength(1);

    const [event] = await auditOf(a.customer.id, "member.removed");
    expect(event).toMatchObject({
      actorId: a.user.id,
      targetId: person.id,
      targetLabel: `Paula Person <${person.email}>`,
      details: { group: "customer_employee", projectsLeft: 2 },
    });
  });
});

describe("who may change members", () => {
  it("an Employee can neither change groups nor remove anyone", async () => {
    const { user: admin, customer } = await newAccount();
    const employee = await newUser();
    const colleague = await newUser();
    await addMember(employee.id, customer.id, "customer_employee");
    await addMember(colleague.id, customer.id, "customer_employee");

    await expect(changeMemberGroup(as(employee), customer.identifier, employee.id, "customer_admin")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(changeMemberGroup(as(employee), customer.identifier, admin.id, "customer_employee")).rejects.toBeInstanceOf(ForbiddenError);
    await expect(removeMember(as(employee), customer.identifier, colleague.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(removeMember(as(employee), customer.identifier, admin.id)).rejects.toBeInstanceOf(ForbiddenError);

    expect(await groupOf(employee.id, customer.id)).toBe("customer_employee");
    expect(await groupOf(admin.id, customer.id)).toBe("customer_admin");
    expect(await groupOf(colleague.id, customer.id)).toBe("customer_employee");
    expect(await auditOf(customer.id, "member.group_changed")).toHaveLength(0);
    expect(await auditOf(customer.id, "member.removed")).toHaveLength(0);
  });

  it("an admin of account A cannot change or remove members of account B", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const inB = await newUser();
    await addMember(inB.id, b.customer.id, "customer_employee");

    // Naming B: A's admin is not a member there, so B looks like it doesn't exist.
    await expect(changeMemberGroup(as(a.user), b.customer.identifier, inB.id, "customer_admin")).rejects.toBeInstanceOf(NotFoundError);
    await expect(removeMember(as(a.user), b.customer.identifier, inB.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(removeMember(as(a.user), b.customer.identifier, b.user.id)).rejects.toBeInstanceOf(NotFoundError);
    // Through A: B's people are not members of A.
    await expect(changeMemberGroup(as(a.user), a.customer.identifier, inB.id, "customer_admin")).rejects.toThrow(/not a member of this account/);
    await expect(removeMember(as(a.user), a.customer.identifier, b.user.id)).rejects.toThrow(/not a member of this account/);

    expect(await groupOf(inB.id, b.customer.id)).toBe("customer_employee");
    expect(await groupOf(b.user.id, b.customer.id)).toBe("customer_admin");
    expect(await groupOf(inB.id, a.customer.id)).toBeNull();
    expect(await membersOf(b.customer.id)).toHaveLength(2);
    expect(await auditOf(b.customer.id, "member.group_changed")).toHaveLength(0);
    expect(await auditOf(b.customer.id, "member.removed")).toHaveLength(0);
  });
});

describe("listing members", () => {
  async function accountWith(names: string[]) {
    const { user: admin, customer } = await newAccount({ fullName: "Ada Admin" });
    const people = [];
    for (const name of names) {
      const u = await newUser(name);
      await addMember(u.id, customer.id, "customer_employee");
      people.push(u);
    }
    return { admin, customer, people };
  }

  it("searches name and e-mail case-insensitively, taking % and _ literally", async () => {
    const { admin, customer, people } = await accountWith(["Alice Smith", "Bob Jones", "100% Pat", "100 Percent", "snake_case", "snakeXcase"]);
    const names = async (q: string) => (await listMembers(as(admin), customer.identifier, { q, limit: 50 })).rows.map((r) => r.name).sort();

    expect(await names("")).toEqual(["100 Percent", "100% Pat", "Ada Admin", "Alice Smith", "Bob Jones", "snakeXcase", "snake_case"].sort());
    expect(await names("alice")).toEqual(["Alice Smith"]);
    expect(await names("SMITH")).toEqual(["Alice Smith"]);
    expect(await names("%")).toEqual(["100% Pat"]);
    expect(await names("100%")).toEqual(["100% Pat"]);
    expect(await names("_")).toEqual(["snake_case"]);
    expect(await names("snake_")).toEqual(["snake_case"]);
    expect(await names("\\")).toEqual([]);
    // By e-mail, in any letter case.
    const bob = people[1];
    expect(await names(bob.email.split("@")[0].toUpperCase())).toEqual(["Bob Jones"]);
    expect(await names(admin.email)).toEqual(["Ada Admin"]);
    const result = await listMembers(as(admin), customer.identifier, { q: "alice", limit: 50 });
    expect(result.total).toBe(1);
    expect(result.rows[0]).toMatchObject({ userId: people[0].id, email: people[0].email, group: "customer_employee" });
  });

  it("pages by keyset both ways and from the end, reporting the total", async () => {
    const { admin, customer } = await accountWith(["Mia", "Noah", "Olga", "Piet", "Quinn", "Rosa"]);
    const page = (req: PageRequest) => listMembers(as(admin), customer.identifier, { limit: 3, ...req });
    const p1 = await page({});
    const p2 = await page({ after: p1.next });
    const p3 = await page({ after: p2.next });
    expect([p1.total, p2.total, p3.total]).toEqual([7, 7, 7]);
    expect(p1.rows.map((r) => r.name)).toEqual(["Ada Admin", "Mia", "Noah"]);
    expect(p2.rows.map((r) => r.name)).toEqual(["Olga", "Piet", "Quinn"]);
    expect(p3.rows.map((r) => r.name)).toEqual(["Rosa"]);
    expect([p1.prev, p3.next]).toEqual([null, null]);
    // Back from the third page, and the last page asked for directly.
    expect((await page({ before: p3.prev })).rows.map((r) => r.name)).toEqual(["Olga", "Piet", "Quinn"]);
    const last = await page({ before: LAST_PAGE });
    expect(last.rows.map((r) => r.name)).toEqual(["Piet", "Quinn", "Rosa"]);
    expect(last.next).toBeNull();
    expect((await page({ before: last.prev })).rows.map((r) => r.name)).toEqual(["Mia", "Noah", "Olga"]);
    // A name shared by two people pages on their ids: neither is skipped nor shown twice.
    const twins = await accountWith(["Sam", "Sam", "Sam", "Sam"]);
    const t1 = await listMembers(as(twins.admin), twins.customer.identifier, { limit: 2 });
    const t2 = await listMembers(as(twins.admin), twins.customer.identifier, { limit: 2, after: t1.next });
    const t3 = await listMembers(as(twins.admin), twins.customer.identifier, { limit: 2, after: t2.next });
    const seen = [...t1.rows, ...t2.rows, ...t3.rows].map((r) => r.userId);
    expect(new Set(seen).size).toBe(5);
    expect(seen).toHaveLength(5);
    const searched = await listMembers(as(admin), customer.identifier, { q: "o", limit: 2 });
    // Noah, Olga, Rosa (and e-mails containing "o" match too, so count those by hand)
    const all = await listMembers(as(admin), customer.identifier, { q: "", limit: 50 });
    const expected = all.rows.filter((r) => r.name.toLowerCase().includes("o") || r.email.toLowerCase().includes("o"));
    expect(searched.total).toBe(expected.length);
    expect(searched.rows).toEqual(expected.slice(0, 2));
  });
});
