// Projects against the real database: creating within the quota, identifiers, who sees what, project access.
import { and, eq, sql } from "drizzle-orm";
import type { UserPrincipal } from "@/lib/authz";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { auditEvents, projectAccess, projects } from "@/db/schema";
import { AppError, ForbiddenError, NotFoundError, violatedConstraint } from "@/lib/core";
import { customers } from "@/db/schema";
import { createManagedCustomer, setAccountKind } from "@/lib/partners";
import { createProject, deleteProject, getProject, getQuotaUsage, listProjects, renameProject, setProjectAccess } from "@/lib/projects";
import { SYSTEM, addMember, newAccount, newUser, unique, as } from "../support/factories";

afterAll(closeDb);

const projectInput = (identifier = unique("p")) => ({ name: `Project ${identifier}`, identifier });
const projectsOf = (customerId: string) => db.select().from(projects).where(eq(projects.customerId, customerId));
const accessOf = (projectId: string) => db.select().from(projectAccess).where(eq(projectAccess.projectId, projectId));
const auditOf = (customerId: string, action: string) =>
  db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.customerId, customerId), eq(auditEvents.action, action)))
    .orderBy(auditEvents.id);

async function fillTo(actor: UserPrincipal, identifier: string, count: number) {
  for (let i = 0; i < count; i++) await createProject(actor, identifier, projectInput());
}

describe("creating a project", () => {
  it("a Customer Admin creates one and gets Project Admin access to it; it is audited", async () => {
    const { user: admin, customer } = await newAccount({ fullName: "Carla Creator" });
    const id = unique("web");
    const project = await createProject(as(admin), customer.identifier, { name: "Web Shop", identifier: id });
    expect(project).toMatchObject({ identifier: id, name: "Web Shop" });
    expect((await projectsOf(customer.id)).map((p) => p.id)).toEqual([project.id]);
    expect(await accessOf(project.id)).toEqual([expect.objectContaining({ userId: admin.id, role: "project_admin" })]);
    const [event] = await auditOf(customer.id, "project.created");
    expect(event).toMatchObject({
      actorId: admin.id,
      actorLabel: `Carla Creator <${admin.email}>`,
      targetType: "project",
      targetId: project.id,
      targetLabel: `Web Shop (${id})`,
    });
    expect(event.createdAt).toBeInstanceOf(Date);
  });

  it("an Employee cannot create projects", async () => {
    const { customer } = await newAccount();
    const employee = await newUser();
    await addMember(employee.id, customer.id, "customer_employee");
    await expect(createProject(as(employee), customer.identifier, projectInput())).rejects.toBeInstanceOf(ForbiddenError);
    expect(await projectsOf(customer.id)).toHaveLength(0);
    expect(await auditOf(customer.id, "project.created")).toHaveLength(0);
  });

  it("nobody creates a project in an account they don't belong to", async () => {
    const a = await newAccount();
    const b = await newAccount();
    await expect(createProject(as(a.user), b.customer.identifier, projectInput())).rejects.toBeInstanceOf(NotFoundError);
    expect(await projectsOf(b.customer.id)).toHaveLength(0);
  });
});

describe("project identifiers", () => {
  it("can never change, even by a raw SQL UPDATE (trigger), while other columns can", async () => {
    const { user: admin, customer } = await newAccount();
    const project = await createProject(as(admin), customer.identifier, projectInput());
    const err = await db.execute(sql`update projects set identifier = ${unique("moved")} where id = ${project.id}`).catch((e) => e);
    expect(err.cause.message).toMatch(/can never change/);
    expect(err.cause.constraint_name).toBe("projects_identifier_immutable");
    await db.execute(sql`update projects set name = 'Renamed' where id = ${project.id}`);
    const [row] = await db.select().from(projects).where(eq(projects.id, project.id));
    expect(row).toMatchObject({ identifier: project.identifier, name: "Renamed" });
  });

  it("are unique within the account, with a field error, but the same identifier is fine in another account", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const id = unique("shared");
    await createProject(as(a.user), a.customer.identifier, projectInput(id));
    const err = await createProject(as(a.user), a.customer.identifier, { name: "Again", identifier: id }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.fieldErrors.identifier).toMatch(/already has a project with that identifier/);
    expect(await projectsOf(a.customer.id)).toHaveLength(1);

    const inB = await createProject(as(b.user), b.customer.identifier, projectInput(id));
    expect(inB.identifier).toBe(id);
  });

  it("are unique case-insensitively: the unique index itself compares lower(identifier)", async () => {
    const { user: admin, customer } = await newAccount();
    const id = unique("case");
    await createProject(as(admin), customer.identifier, projectInput(id));
    // Through raw SQL an upper-case twin is refused as well, first by the format check.
    const twin = await db
      .execute(sql`insert into projects (customer_id, identifier, name) values (${customer.id}, ${id.toUpperCase()}, 'Twin')`)
      .catch((e) => e);
    expect(violatedConstraint(twin, "23514")).toMatch(/^projects_identifier/);
    // The format check already forbids capitals; without it (in a rolled-back transaction) the unique index still refuses.
    const rollback = new Error("rollback");
    const outcome = await db
      .transaction(async (tx) => {
        await tx.execute(sql`alter table projects drop constraint projects_identifier_format`);
        const twin = await tx
          .execute(sql`insert into projects (customer_id, identifier, name) values (${customer.id}, ${id.toUpperCase()}, 'Twin')`)
          .catch((e) => e);
        throw Object.assign(rollback, { twin });
      })
      .catch((e) => e);
    expect(outcome).toBe(rollback);
    expect(violatedConstraint((outcome as { twin: unknown }).twin, "23505")).toBe("projects_customer_identifier_key");
    expect(await db.execute(sql`select 1 from pg_constraint where conname = 'projects_identifier_format'`)).toHaveLength(1);
    expect(await projectsOf(customer.id)).toHaveLength(1);
  });
});

describe("project quota", () => {
  it("is 5 by default (DEFAULT_PROJECT_QUOTA), and creating beyond it is refused naming the quota", async () => {
    const { user: admin, customer } = await newAccount();
    expect(customer.projectQuota).toBe(5);
    await fillTo(as(admin), customer.identifier, 5);
    const err = await createProject(as(admin), customer.identifier, projectInput()).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.message).toMatch(/project quota of 5 projects/);
    expect(await projectsOf(customer.id)).toHaveLength(5);
    expect(await getQuotaUsage(as(admin), customer.identifier)).toEqual({
      quota: 5,
      used: 5,
      advice: "Delete a project you no longer need to make room. An operator of this installation can raise it.",
    });
    // An account no partner manages is never told to ask its partner; one a partner manages hears the partner's name.
    expect(err.message).not.toMatch(/partner/);
  });

  it("follows DEFAULT_PROJECT_QUOTA for new accounts", async () => {
    process.env.DEFAULT_PROJECT_QUOTA = "2";
    try {
      const { user: admin, customer } = await newAccount();
      expect(customer.projectQuota).toBe(2);
      await fillTo(as(admin), customer.identifier, 2);
      await expect(createProject(as(admin), customer.identifier, projectInput())).rejects.toThrow(/project quota of 2 projects/);
    } finally {
      delete process.env.DEFAULT_PROJECT_QUOTA;
    }
  });

  it("RACE: at quota − 1, ten simultaneous creates let exactly one through", async () => {
    for (let round = 0; round < 3; round++) {
      const { user: admin, customer } = await newAccount();
      const quota = customer.projectQuota;
      await fillTo(as(admin), customer.identifier, quota - 1);
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => createProject(as(admin), customer.identifier, projectInput())));
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      for (const r of results.filter((r): r is PromiseRejectedResult => r.status === "rejected")) {
        expect(r.reason).toBeInstanceOf(AppError);
        expect(r.reason.message).toMatch(new RegExp(`project quota of ${quota}`));
      }
      expect(await projectsOf(customer.id)).toHaveLength(quota);
    }
  });
});

describe("who sees which project", () => {
  it("an Employee lists only projects they have access to, and cannot open another; an admin sees all", async () => {
    const { user: admin, customer } = await newAccount();
    const employee = await newUser();
    await addMember(employee.id, customer.id, "customer_employee");
    const mine = await createProject(as(admin), customer.identifier, projectInput());
    const theirs = await createProject(as(admin), customer.identifier, projectInput());
    await setProjectAccess(as(admin), customer.identifier, mine.id, employee.id, "project_user");

    const seen = await listProjects(as(employee), customer.identifier, { q: "", limit: 50 });
    expect(seen.total).toBe(1);
    expect(seen.rows).toEqual([expect.objectContaining({ id: mine.id, myRole: "project_user", members: 2 })]);

    const all = await listProjects(as(admin), customer.identifier, { q: "", limit: 50 });
    expect(all.rows.map((r) => r.id).sort()).toEqual([mine.id, theirs.id].sort());

    expect((await getProject(as(employee), customer.identifier, mine.identifier)).project.id).toBe(mine.id);
    await expect(getProject(as(employee), customer.identifier, theirs.identifier)).rejects.toBeInstanceOf(NotFoundError);
    expect((await getProject(as(admin), customer.identifier, theirs.identifier)).project.id).toBe(theirs.id);
  });

  it("someone given one project learns the account's name from it, not its billing", async () => {
    const { user: admin, customer } = await newAccount();
    await db
      .update(customers)
      .set({ taxId: "DE811907980", paymentMethod: "sepa_debit", sepaAccountHolder: "Billing Holder", sepaIban: "DE89370400440532013000" })
      .where(eq(customers.id, customer.id));
    const employee = await newUser();
    await addMember(employee.id, customer.id, "customer_employee");
    const project = await createProject(as(admin), customer.identifier, projectInput());
    await setProjectAccess(as(admin), customer.identifier, project.id, employee.id, "project_reader");
    const seen = await getProject(as(employee), customer.identifier, project.identifier);
    expect(seen.customer).toEqual({ id: customer.id, identifier: customer.identifier, name: customer.name, kind: "customer" });
    expect(JSON.stringify(seen)).not.toMatch(/DE811907980|DE89370400440532013000|Billing Holder/);
  });

  it("nobody opens a project of an account they don't belong to", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const inB = await createProject(as(b.user), b.customer.identifier, projectInput());
    await expect(getProject(as(a.user), b.customer.identifier, inB.identifier)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getProject(as(a.user), a.customer.identifier, inB.identifier)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("project access", () => {
  it("grants, changes and revokes a member's access, auditing each", async () => {
    const { user: admin, customer } = await newAccount();
    const member = await newUser("Max Member");
    await addMember(member.id, customer.id, "customer_employee");
    const project = await createProject(as(admin), customer.identifier, projectInput());
    const roleOf = async () => (await accessOf(project.id)).find((r) => r.userId === member.id)?.role ?? null;

    await setProjectAccess(as(admin), customer.identifier, project.id, member.id, "project_user");
    expect(await roleOf()).toBe("project_user");
    await setProjectAccess(as(admin), customer.identifier, project.id, member.id, "project_reader");
    expect(await roleOf()).toBe("project_reader");
    // Setting the same role again changes nothing and records nothing.
    await setProjectAccess(as(admin), customer.identifier, project.id, member.id, "project_reader");
    await setProjectAccess(as(admin), customer.identifier, project.id, member.id, null);
    expect(await roleOf()).toBeNull();
    expect(await accessOf(project.id)).toEqual([expect.objectContaining({ userId: admin.id, role: "project_admin" })]);

    const events = (await db.select().from(auditEvents).where(eq(auditEvents.customerId, customer.id)).orderBy(auditEvents.id)).filter((e) =>
      e.action.startsWith("project.access_"),
    );
    const label = `Max Member <${member.email}> on ${project.identifier}`;
    expect(events.map((e) => [e.action, e.actorId, e.targetId, e.targetLabel, e.details])).toEqual([
      ["project.access_granted", admin.id, project.id, label, { role: "project_user" }],
      ["project.access_changed", admin.id, project.id, label, { from: "project_user", to: "project_reader" }],
      ["project.access_revoked", admin.id, project.id, label, { from: "project_reader" }],
    ]);
  });

  it("is only for members of the account: a non-member gets a field error", async () => {
    const { user: admin, customer } = await newAccount();
    const outsider = await newUser();
    const project = await createProject(as(admin), customer.identifier, projectInput());
    const err = await setProjectAccess(as(admin), customer.identifier, project.id, outsider.id, "project_user").catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.fieldErrors.userId).toMatch(/Only members of this account/);
    expect(await accessOf(project.id)).toHaveLength(1);
    expect(await auditOf(customer.id, "project.access_granted")).toHaveLength(0);
  });

  it("refuses a project id from another account, and an Employee", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const both = await newUser();
    await addMember(both.id, a.customer.id, "customer_employee");
    await addMember(both.id, b.customer.id, "customer_employee");
    const inB = await createProject(as(b.user), b.customer.identifier, projectInput());

    // A's admin, through A, with B's project id.
    await expect(setProjectAccess(as(a.user), a.customer.identifier, inB.id, both.id, "project_admin")).rejects.toBeInstanceOf(NotFoundError);
    // A's admin naming B.
    await expect(setProjectAccess(as(a.user), b.customer.identifier, inB.id, both.id, "project_admin")).rejects.toBeInstanceOf(NotFoundError);
    // An Employee of B without access to the project: to them it doesn't exist.
    await expect(setProjectAccess(as(both), b.customer.identifier, inB.id, both.id, "project_admin")).rejects.toBeInstanceOf(NotFoundError);

    expect(await accessOf(inB.id)).toEqual([expect.objectContaining({ userId: b.user.id })]);
    expect(await auditOf(a.customer.id, "project.access_granted")).toHaveLength(0);
    expect(await auditOf(b.customer.id, "project.access_granted")).toHaveLength(0);
  });

  it("follows project roles: a Project Admin manages the project's access, a Project User or Reader changes nothing", async () => {
    const { user: admin, customer } = await newAccount();
    const [lead, user, reader, other] = [await newUser("Lea Lead"), await newUser("Uwe User"), await newUser("Rita Reader"), await newUser("Otto Other")];
    for (const u of [lead, user, reader, other]) await addMember(u.id, customer.id, "customer_employee");
    const project = await createProject(as(admin), customer.identifier, projectInput());
    await setProjectAccess(as(admin), customer.identifier, project.id, lead.id, "project_admin");
    await setProjectAccess(as(admin), customer.identifier, project.id, user.id, "project_user");
    await setProjectAccess(as(admin), customer.identifier, project.id, reader.id, "project_reader");

    // The Employee who is Project Admin gives and changes access, though the account's group alone wouldn't let them.
    await setProjectAccess(as(lead), customer.identifier, project.id, other.id, "project_reader");
    await setProjectAccess(as(lead), customer.identifier, project.id, reader.id, "project_user");
    const before = await accessOf(project.id);
    for (const who of [user, other]) {
      await expect(setProjectAccess(as(who), customer.identifier, project.id, other.id, "project_admin")).rejects.toBeInstanceOf(ForbiddenError);
      await expect(setProjectAccess(as(who), customer.identifier, project.id, lead.id, null)).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(await accessOf(project.id)).toEqual(before);
    // Each sees the project, and what they may do there.
    expect((await getProject(as(other), customer.identifier, project.identifier)).can("MANAGE_PROJECT_ACCESS")).toBe(false);
    expect((await getProject(as(lead), customer.identifier, project.identifier)).can("MANAGE_PROJECT_ACCESS")).toBe(true);
  });
});

describe("renaming and deleting a project", () => {
  it("renames it, keeping its identifier, audited with both names; an Employee or a stranger can't", async () => {
    const { user: admin, customer } = await newAccount();
    const project = await createProject(as(admin), customer.identifier, { name: "Old Name", identifier: unique("keep") });
    const renamed = await renameProject(as(admin), customer.identifier, project.identifier, { name: "New Name" });
    expect(renamed).toMatchObject({ id: project.id, identifier: project.identifier, name: "New Name" });
    expect((await auditOf(customer.id, "project.renamed"))[0]).toMatchObject({ details: { from: "Old Name", to: "New Name" } });
    await expect(renameProject(as(admin), customer.identifier, project.identifier, { name: "" })).rejects.toMatchObject({ code: "invalid_input" });

    const employee = await newUser();
    await addMember(employee.id, customer.id, "customer_employee");
    await setProjectAccess(as(admin), customer.identifier, project.id, employee.id, "project_admin");
    await expect(renameProject(as(employee), customer.identifier, project.identifier, { name: "Mine" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deleteProject(as(employee), customer.identifier, project.identifier)).rejects.toBeInstanceOf(ForbiddenError);
    const stranger = await newAccount();
    await expect(deleteProject(as(stranger.user), customer.identifier, project.identifier)).rejects.toBeInstanceOf(NotFoundError);
    expect(await projectsOf(customer.id)).toHaveLength(1);
  });

  it("deletes it with its access list, gives the quota its room back, and a home page on it falls back to the overview", async () => {
    const { user: admin, customer } = await newAccount();
    await db.update(customers).set({ projectQuota: 1 }).where(eq(customers.id, customer.id));
    const project = await createProject(as(admin), customer.identifier, projectInput());
    const member = await newUser();
    await addMember(member.id, customer.id, "customer_employee");
    await setProjectAccess(as(admin), customer.identifier, project.id, member.id, "project_user");
    await db.update(customers).set({ homeProjectId: project.id }).where(eq(customers.id, customer.id));
    await expect(createProject(as(admin), customer.identifier, projectInput())).rejects.toThrow(/quota/);

    expect(await deleteProject(as(admin), customer.identifier, project.identifier)).toMatchObject({ accessRemoved: 2 });
    expect(await projectsOf(customer.id)).toHaveLength(0);
    expect(await accessOf(project.id)).toHaveLength(0);
    const [after] = await db.select().from(customers).where(eq(customers.id, customer.id));
    expect(after).toMatchObject({ homeProjectId: null, projectsCount: 0 });
    expect((await auditOf(customer.id, "project.deleted"))[0]).toMatchObject({ targetId: project.id, details: { accessRemoved: 2 } });
    // The room is back.
    await createProject(as(admin), customer.identifier, projectInput());
    await expect(deleteProject(as(admin), customer.identifier, project.identifier)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("tells a managed account at quota which partner can raise it", async () => {
    const owner = await newAccount({ accountName: `Quota Partner ${unique("q")}` });
    const partner = await setAccountKind(SYSTEM, owner.customer.identifier, "partner");
    const managed = await createManagedCustomer(as(owner.user), partner.identifier, { name: "Managed", identifier: unique("m") });
    await db.update(customers).set({ projectQuota: 0 }).where(eq(customers.id, managed.id));
    const usage = await getQuotaUsage(SYSTEM, managed.identifier);
    expect(usage.advice).toContain(`${partner.name}, the partner that manages this account, can raise it.`);
  });
});
