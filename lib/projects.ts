// Projects of an account, their quota, and who may use them with which project role.
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import { customers, memberships, projectAccess, projects, users, type Membership, type ProjectRole } from "@/db/schema";
import { recordAudit } from "./audit";
import { authorize, can } from "./authz";
import { DomainError, NotFoundError, fieldError, violatedConstraint } from "./errors";
import { searchAny } from "./pagination";
import { identifierSchema, nameSchema } from "./validation";

export const PROJECT_ROLE_LABELS: Record<ProjectRole, string> = {
  project_admin: "Project Admin",
  project_user: "Project User",
  project_reader: "Project Reader",
};

export const createProjectSchema = z.object({ name: nameSchema, identifier: identifierSchema });
export const projectRoleSchema = z.enum(["project_admin", "project_user", "project_reader"], "Choose a project role.");

/**
 * Creates a project if the quota allows. The customer row is locked first, so concurrent creates count one after
 * another: at quota − 1, exactly one of them succeeds.
 */
export async function createProject(actorId: string, identifier: string, input: z.infer<typeof createProjectSchema>) {
  const parsed = createProjectSchema.parse(input);
  try {
    return await db.transaction(async (tx) => {
      const { customer } = await authorize(tx, actorId, identifier, "CREATE_PROJECTS");
      const [locked] = await tx.select({ quota: customers.projectQuota }).from(customers).where(eq(customers.id, customer.id)).for("update");
      const [{ used }] = await tx.select({ used: sql<number>`count(*)::int` }).from(projects).where(eq(projects.customerId, customer.id));
      if (used >= locked.quota)
        throw new DomainError(
          `This account has reached its project quota of ${locked.quota} ${locked.quota === 1 ? "project" : "projects"}. Ask your partner or an administrator to raise it.`,
        );
      const [project] = await tx.insert(projects).values({ customerId: customer.id, identifier: parsed.identifier, name: parsed.name }).returning();
      // The creator can use what they created.
      await tx.insert(projectAccess).values({ projectId: project.id, userId: actorId, role: "project_admin" });
      await recordAudit(tx, { customerId: customer.id, actorId, action: "project.created", targetType: "project", targetId: project.id, targetLabel: `${project.name} (${project.identifier})` });
      return project;
    });
  } catch (err) {
    if (violatedConstraint(err, "23505") === "projects_customer_identifier_key")
      throw fieldError("identifier", "This account already has a project with that identifier.");
    throw err;
  }
}

export async function getQuotaUsage(ex: Executor, customerId: string) {
  const [row] = await ex
    .select({ quota: customers.projectQuota, used: sql<number>`(select count(*)::int from projects p where p.customer_id = ${customerId})` })
    .from(customers)
    .where(eq(customers.id, customerId));
  return row;
}

/** Admins see every project; everyone else only those they were given access to. */
export async function listProjects(ex: Executor, customerId: string, viewer: Pick<Membership, "userId" | "group">, opts: { q: string; limit: number; offset: number }) {
  const seesAll = can(viewer.group, "VIEW_ALL_PROJECTS");
  const where = and(
    eq(projects.customerId, customerId),
    seesAll ? undefined : sql`exists (select 1 from project_access pa where pa.project_id = "projects"."id" and pa.user_id = ${viewer.userId})`,
    searchAny(opts.q, projects.name, projects.identifier),
  );
  const [rows, [{ count }]] = await Promise.all([
    ex
      .select({
        id: projects.id,
        identifier: projects.identifier,
        name: projects.name,
        createdAt: projects.createdAt,
        members: sql<number>`(select count(*)::int from project_access pa where pa.project_id = "projects"."id")`,
        myRole: sql<ProjectRole | null>`(select pa.role from project_access pa where pa.project_id = "projects"."id" and pa.user_id = ${viewer.userId})`,
      })
      .from(projects)
      .where(where)
      .orderBy(asc(projects.name), asc(projects.identifier))
      .limit(opts.limit)
      .offset(opts.offset),
    ex.select({ count: sql<number>`count(*)::int` }).from(projects).where(where),
  ]);
  return { rows, total: count };
}

/** One project as seen by a member: admins see any, others only one they have access to. */
export async function getProject(actorId: string, identifier: string, projectIdentifier: string) {
  const { customer, membership } = await authorize(db, actorId, identifier, "VIEW_ACCOUNT");
  const [project] = await db
    .select()
    .from(projects)
    .where(and(eq(projects.customerId, customer.id), eq(projects.identifier, projectIdentifier.toLowerCase())));
  if (!project) throw new NotFoundError("This project doesn't exist or you don't have access to it.");
  const access = await listProjectAccess(db, project.id);
  if (!can(membership.group, "VIEW_ALL_PROJECTS") && !access.some((a) => a.userId === actorId))
    throw new NotFoundError("This project doesn't exist or you don't have access to it.");
  return { customer, membership, project, access };
}

export async function listProjectAccess(ex: Executor, projectId: string) {
  return ex
    .select({ userId: users.id, name: users.name, email: users.email, role: projectAccess.role, since: projectAccess.createdAt })
    .from(projectAccess)
    .innerJoin(users, eq(users.id, projectAccess.userId))
    .where(eq(projectAccess.projectId, projectId))
    .orderBy(asc(users.name));
}

/** Gives, changes (role) or takes away (role null) a member's access to a project of the account. */
export async function setProjectAccess(actorId: string, identifier: string, projectId: string, userId: string, role: ProjectRole | null) {
  return db.transaction(async (tx) => {
    const { customer } = await authorize(tx, actorId, identifier, "MANAGE_PROJECT_ACCESS");
    const [project] = await tx.select().from(projects).where(and(eq(projects.id, projectId), eq(projects.customerId, customer.id)));
    if (!project) throw new NotFoundError("This project doesn't exist in this account.");
    const [member] = await tx
      .select({ name: users.name, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.customerId, customer.id), eq(memberships.userId, userId)))
      .for("share", { of: memberships });
    if (!member) throw fieldError("userId", "Only members of this account can be given access to its projects.");
    const [before] = await tx.select().from(projectAccess).where(and(eq(projectAccess.projectId, projectId), eq(projectAccess.userId, userId)));
    const label = `${member.name} <${member.email}> on ${project.identifier}`;
    if (role === null) {
      if (!before) return null;
      await tx.delete(projectAccess).where(and(eq(projectAccess.projectId, projectId), eq(projectAccess.userId, userId)));
      await recordAudit(tx, { customerId: customer.id, actorId, action: "project.access_revoked", targetType: "project", targetId: projectId, targetLabel: label, details: { from: before.role } });
      return null;
    }
    if (before?.role === role) return before;
    const [row] = await tx
      .insert(projectAccess)
      .values({ projectId, userId, role })
      .onConflictDoUpdate({ target: [projectAccess.projectId, projectAccess.userId], set: { role } })
      .returning();
    await recordAudit(tx, {
      customerId: customer.id,
      actorId,
      action: before ? "project.access_changed" : "project.access_granted",
      targetType: "project",
      targetId: projectId,
      targetLabel: label,
      details: before ? { from: before.role, to: role } : { role },
    });
    return row;
  });
}
