// Projects of an account, their quota, and who may use them with which project role.
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import { customers, memberships, projectAccess, projects, users, type Project, type ProjectRole } from "@/db/schema";
import { customerRef, type CustomerRef } from "@/lib/accounts";
import { recordAudit } from "@/lib/audit";
import { authorizeAccount, authorizeManagedCustomer, authorizeProject, userIdOf, type Principal } from "@/lib/authz";
import {
  ConflictError,
  fieldConflict,
  fieldError,
  identifierSchema,
  nameSchema,
  parseInput,
  searchAny,
  violatedConstraint,
  PAGE_SIZE,
  keysetClauses,
  keysetOf,
  keysetPage,
  searchTerm,
  type PageRequest,
  counted,
} from "@/lib/core";

/**
 * A project as those who may see it see it. Which account it belongs to is what the caller named to reach it, so the
 * account's internal id stays inside.
 */
export type ProjectView = { id: string; identifier: string; name: string; createdAt: Date };

function projectView(p: Project): ProjectView {
  return { id: p.id, identifier: p.identifier, name: p.name, createdAt: p.createdAt };
}

export const createProjectSchema = z.object({ name: nameSchema, identifier: identifierSchema });
export const projectRoleSchema = z.enum(["project_admin", "project_user", "project_reader"], "Choose a project role.");

/**
 * Creates a project if the quota allows. The customer row is locked first, so concurrent creates count one after
 * another: at quota − 1, exactly one of them succeeds.
 */
export async function createProject(principal: Principal, identifier: string, input: z.infer<typeof createProjectSchema>) {
  const parsed = parseInput(createProjectSchema, input);
  try {
    return await db.transaction(async (tx) => {
      const access = await authorizeAccount(tx, principal, identifier, "CREATE_PROJECTS");
      const { customer } = access;
      const [locked] = await tx.select({ quota: customers.projectQuota }).from(customers).where(eq(customers.id, customer.id)).for("update");
      const [{ used }] = await tx
        .select({ used: sql<number>`count(*)::int` })
        .from(projects)
        .where(eq(projects.customerId, customer.id));
      if (used >= locked.quota) {
        const advice = await quotaAdvice(tx, customer, access.can("MANAGE_PROJECTS"));
        throw new ConflictError(`This account has reached its project quota of ${counted.projects(locked.quota)}. ${advice}`);
      }
      const [project] = await tx.insert(projects).values({ customerId: customer.id, identifier: parsed.identifier, name: parsed.name }).returning();
      // The creator can use what they created.
      const creator = userIdOf(principal);
      if (creator) await tx.insert(projectAccess).values({ projectId: project.id, userId: creator, role: "project_admin" });
      await recordAudit(tx, principal, {
        customerId: customer.id,
        action: "project.created",
        targetType: "project",
        targetId: project.id,
        targetLabel: `${project.name} (${project.identifier})`,
      });
      return projectView(project);
    });
  } catch (err) {
    if (violatedConstraint(err, "23505") === "projects_customer_identifier_key")
      throw fieldConflict("identifier", "This account already has a project with that identifier.");
    throw err;
  }
}

/**
 * What a person at quota can do about it, in words: make room themselves if they may delete projects, and who can
 * raise the quota — the managing partner, by name, or for an account no partner manages, the installation's operators.
 */
async function quotaAdvice(ex: Executor, customer: { partnerId: string | null }, canDelete: boolean): Promise<string> {
  const [partner] = customer.partnerId ? await ex.select({ name: customers.name }).from(customers).where(eq(customers.id, customer.partnerId)) : [undefined];
  const raise = partner ? `${partner.name}, the partner that manages this account, can raise it.` : "An operator of this installation can raise it.";
  return canDelete ? `Delete a project you no longer need to make room. ${raise}` : `${raise} An admin of this account can also delete a project to make room.`;
}

/** How many projects the account has and may have, and what to do once it is reached. */
export async function getQuotaUsage(principal: Principal, identifier: string) {
  return db.transaction(async (tx) => {
    const access = await authorizeAccount(tx, principal, identifier, "VIEW_QUOTA");
    const usage = await quotaUsage(tx, access.customer.id);
    return { ...usage, advice: usage.used >= usage.quota ? await quotaAdvice(tx, access.customer, access.can("MANAGE_PROJECTS")) : null };
  });
}

export const renameProjectSchema = z.object({ name: nameSchema });

/** Renames a project; its identifier never changes (it names the project's resources elsewhere). */
export async function renameProject(principal: Principal, identifier: string, projectIdentifier: string, input: z.input<typeof renameProjectSchema>) {
  const { name } = parseInput(renameProjectSchema, input);
  return db.transaction(async (tx) => {
    const { customer, project } = await authorizeProject(tx, principal, identifier, { identifier: projectIdentifier }, "MANAGE_PROJECTS");
    if (project.name === name) return projectView(project);
    const [renamed] = await tx.update(projects).set({ name }).where(eq(projects.id, project.id)).returning();
    await recordAudit(tx, principal, {
      customerId: customer.id,
      action: "project.renamed",
      targetType: "project",
      targetId: project.id,
      targetLabel: `${name} (${project.identifier})`,
      details: { from: project.name, to: name },
    });
    return projectView(renamed);
  });
}

/**
 * Deletes a project and its access list (the rows cascade); the account's quota gets the room back (its counter is kept
 * by a trigger), and a customer whose home page was this project lands on its overview again.
 */
export async function deleteProject(principal: Principal, identifier: string, projectIdentifier: string) {
  return db.transaction(async (tx) => {
    const { customer, project } = await authorizeProject(tx, principal, identifier, { identifier: projectIdentifier }, "MANAGE_PROJECTS");
    const [{ n }] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(projectAccess)
      .where(eq(projectAccess.projectId, project.id));
    await tx.delete(projects).where(eq(projects.id, project.id));
    await tx
      .update(customers)
      .set({ homeProjectId: null })
      .where(and(eq(customers.id, customer.id), eq(customers.homeProjectId, project.id)));
    await recordAudit(tx, principal, {
      customerId: customer.id,
      action: "project.deleted",
      targetType: "project",
      targetId: project.id,
      targetLabel: `${project.name} (${project.identifier})`,
      details: { accessRemoved: n },
    });
    return { project: projectView(project), accessRemoved: n };
  });
}

async function quotaUsage(ex: Executor, customerId: string) {
  const [row] = await ex
    .select({ quota: customers.projectQuota, used: sql<number>`(select count(*)::int from projects p where p.customer_id = ${customerId})` })
    .from(customers)
    .where(eq(customers.id, customerId));
  return row;
}

/** Those who see every project of the account see them all; everyone else only those they were given access to. */
export async function listProjects(principal: Principal, identifier: string, opts: { q?: string } & PageRequest = {}) {
  return db.transaction(async (tx) => {
    const account = await authorizeAccount(tx, principal, identifier, "VIEW_ACCOUNT");
    const k = keysetOf(opts, { default: PAGE_SIZE, max: 200 });
    const page = keysetClauses(k, sql`${projects.name}`, sql`${projects.id}`);
    const viewer = userIdOf(principal);
    const where = and(
      eq(projects.customerId, account.customer.id),
      account.can("VIEW_PROJECT") ? undefined : sql`exists (select 1 from project_access pa where pa.project_id = "projects"."id" and pa.user_id = ${viewer})`,
      searchAny(searchTerm(opts.q), projects.name, projects.identifier),
    );
    const [rows, [{ count }]] = await Promise.all([
      tx
        .select({
          id: projects.id,
          identifier: projects.identifier,
          name: projects.name,
          createdAt: projects.createdAt,
          members: sql<number>`(select count(*)::int from project_access pa where pa.project_id = "projects"."id")`,
          sort_value: projects.name,
          myRole: sql<ProjectRole | null>`(select pa.role from project_access pa where pa.project_id = "projects"."id" and pa.user_id = ${viewer})`,
        })
        .from(projects)
        .where(and(where, page.where))
        .orderBy(page.orderBy)
        .limit(k.limit + 1),
      tx
        .select({ count: sql<number>`count(*)::int` })
        .from(projects)
        .where(where),
    ]);
    return { ...keysetPage(rows, k, ({ sort_value: _, ...r }) => r), total: count, seesAll: account.can("VIEW_PROJECT") };
  });
}

/**
 * A managed customer's projects as those who manage it see them (read-only: working in them takes Add Myself), with
 * how many people may use each, and which one is the customer's home page.
 */
export async function listCustomerProjects(
  principal: Principal,
  managerIdentifier: string,
  customerIdentifier: string,
  opts: { q?: string } & PageRequest = {},
) {
  return db.transaction(async (tx) => {
    const { customer } = await authorizeManagedCustomer(tx, principal, managerIdentifier, customerIdentifier, "VIEW_CUSTOMER");
    const k = keysetOf(opts, { default: PAGE_SIZE, max: 200 });
    const page = keysetClauses(k, sql`${projects.name}`, sql`${projects.id}`);
    const where = and(eq(projects.customerId, customer.id), searchAny(searchTerm(opts.q), projects.name, projects.identifier));
    const [rows, [{ count }], [home]] = await Promise.all([
      tx
        .select({
          id: projects.id,
          identifier: projects.identifier,
          name: projects.name,
          createdAt: projects.createdAt,
          members: sql<number>`(select count(*)::int from project_access pa where pa.project_id = "projects"."id")`,
          sort_value: projects.name,
        })
        .from(projects)
        .where(and(where, page.where))
        .orderBy(page.orderBy)
        .limit(k.limit + 1),
      tx
        .select({ count: sql<number>`count(*)::int` })
        .from(projects)
        .where(where),
      customer.homeProjectId
        ? tx
            .select({ id: projects.id, identifier: projects.identifier, name: projects.name })
            .from(projects)
            .where(and(eq(projects.id, customer.homeProjectId), eq(projects.customerId, customer.id)))
        : [],
    ]);
    return { ...keysetPage(rows, k, ({ sort_value: _, ...r }) => r), total: count, home: home ?? null };
  });
}

/** One project with who has access to it, for those who may see it (account-wide, or by a project role). */
export async function getProject(principal: Principal, identifier: string, projectIdentifier: string) {
  return db.transaction(async (tx) => {
    const access = await authorizeProject(tx, principal, identifier, { identifier: projectIdentifier }, "VIEW_PROJECT");
    const members = await tx
      .select({ userId: users.id, name: users.name, email: users.email, role: projectAccess.role, since: projectAccess.createdAt })
      .from(projectAccess)
      .innerJoin(users, eq(users.id, projectAccess.userId))
      .where(eq(projectAccess.projectId, access.project.id))
      .orderBy(asc(users.name));
    // The account by name only: someone given one project learns nothing of the account's billing or settings here.
    const customer: CustomerRef = customerRef(access.customer);
    return { customer, project: projectView(access.project), role: access.role, can: access.can, access: members };
  });
}

/** Gives, changes (role) or takes away (role null) a member's access to a project of the account. */
export async function setProjectAccess(principal: Principal, identifier: string, projectId: string, userId: string, role: ProjectRole | null) {
  return db.transaction(async (tx) => {
    const { customer, project } = await authorizeProject(tx, principal, identifier, { id: projectId }, "MANAGE_PROJECT_ACCESS");
    const [member] = await tx
      .select({ name: users.name, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.customerId, customer.id), sql`${memberships.userId}::text = ${userId}`))
      .for("share", { of: memberships });
    if (!member) throw fieldError("userId", "Only members of this account can be given access to its projects.");
    const [before] = await tx
      .select()
      .from(projectAccess)
      .where(and(eq(projectAccess.projectId, project.id), eq(projectAccess.userId, userId)));
    const label = `${member.name} <${member.email}> on ${project.identifier}`;
    if (role === null) {
      if (!before) return null;
      await tx.delete(projectAccess).where(and(eq(projectAccess.projectId, project.id), eq(projectAccess.userId, userId)));
      await recordAudit(tx, principal, {
        customerId: customer.id,
        action: "project.access_revoked",
        targetType: "project",
        targetId: project.id,
        targetLabel: label,
        details: { from: before.role },
      });
      return null;
    }
    if (before?.role === role) return { projectId: project.id, userId, role };
    await tx
      .insert(projectAccess)
      .values({ projectId: project.id, userId, role })
      .onConflictDoUpdate({ target: [projectAccess.projectId, projectAccess.userId], set: { role } });
    await recordAudit(tx, principal, {
      customerId: customer.id,
      action: before ? "project.access_changed" : "project.access_granted",
      targetType: "project",
      targetId: project.id,
      targetLabel: label,
      details: before ? { from: before.role, to: role } : { role },
    });
    return { projectId: project.id, userId, role };
  });
}
