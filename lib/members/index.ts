// Members of an account: list, change group, remove (with all their project access). The last admin always stays.
import { and, asc, eq, inArray, notExists, sql } from "drizzle-orm";
import { z } from "zod";
import { db, type Tx } from "@/db/client";
import { memberships, projectAccess, projects, users, type Customer, type MemberGroup } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { ADMIN_GROUPS, GROUP_LABELS, authorizeAccount, authorizeProject, groupsFor, isAdminGroup, requirePerson, type Principal } from "@/lib/authz";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  fieldError,
  fullNameSchema,
  parseInput,
  searchAny,
  PAGE_SIZE,
  keysetClauses,
  keysetOf,
  keysetPage,
  searchTerm,
  type PageRequest,
} from "@/lib/core";

export const memberGroupSchema = z.enum(["customer_admin", "customer_employee", "customer_reader", "partner_admin", "partner_employee"], "Choose a group.");

/**
 * Locks the account's admin memberships, in a fixed order, and returns their user ids. Every change that could take
 * away an admin goes through here first, so two such changes serialize and the second sees the first's result.
 */
async function lockAdmins(tx: Tx, customerId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.customerId, customerId), inArray(memberships.group, ADMIN_GROUPS)))
    .orderBy(asc(memberships.id))
    .for("update");
  return rows.map((r) => r.userId);
}

async function authorizeAdminChange(tx: Tx, principal: Principal, identifier: string) {
  const { customer, membership } = await authorizeAccount(tx, principal, identifier, "MANAGE_USERS");
  const admins = await lockAdmins(tx, customer.id);
  // Re-checked under the lock: a concurrent change may just have demoted the acting admin.
  if (membership && !admins.includes(membership.userId)) throw new ForbiddenError();
  return { customer, admins };
}

type Target = Awaited<ReturnType<typeof targetMembership>>;

async function targetMembership(tx: Tx, customer: Customer, userId: string) {
  const [row] = await tx
    .select({ membership: memberships, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.customerId, customer.id), sql`${memberships.userId}::text = ${userId}`));
  if (!row) throw new NotFoundError("That person is not a member of this account.");
  return row;
}

const LAST_ADMIN = (label: string) =>
  new ConflictError(`This is the account's last ${label}. Make someone else ${label} first, so the account is never left without one.`);

/** A member as the operations that change them answer: who, and their group in the account. */
export type MemberView = { userId: string; name: string; email: string; group: MemberGroup };

export async function changeMemberGroup(principal: Principal, identifier: string, userId: string, group: MemberGroup): Promise<MemberView> {
  return db.transaction(async (tx) => {
    const { customer, admins } = await authorizeAdminChange(tx, principal, identifier);
    const target = await targetMembership(tx, customer, userId);
    await regroup(tx, principal, customer, admins, target, group);
    return { userId, name: target.name, email: target.email, group };
  });
}

async function regroup(tx: Tx, principal: Principal, customer: Customer, admins: string[], target: Target, group: MemberGroup): Promise<boolean> {
  if (!groupsFor(customer.kind).includes(group)) throw fieldError("group", "That group doesn't exist in this kind of account.");
  if (target.membership.group === group) return false;
  if (isAdminGroup(target.membership.group) && !isAdminGroup(group) && admins.length <= 1) throw LAST_ADMIN(GROUP_LABELS[target.membership.group]);
  await tx.update(memberships).set({ group }).where(eq(memberships.id, target.membership.id));
  await recordAudit(tx, principal, {
    customerId: customer.id,
    action: "member.group_changed",
    targetType: "member",
    targetId: target.membership.userId,
    targetLabel: `${target.name} <${target.email}>`,
    details: { from: target.membership.group, to: group },
  });
  return true;
}

export const memberUpdateSchema = z.object({ name: fullNameSchema.optional(), group: memberGroupSchema.optional() });

/** What an update changed, so the answer can name it ("Name changed to …; group changed to …"). */
export type MemberUpdate = { member: MemberView; changed: { name?: { from: string; to: string }; group?: { from: MemberGroup; to: MemberGroup } } };

/**
 * Changes a member's name and group together, as ThingsBoard lets a tenant administrator edit a customer user: both or
 * neither are written. A person's name is theirs across every account they belong to, so only someone who belongs to
 * this account alone may be renamed from it; anyone else changes their own name on their profile.
 */
export async function updateMember(principal: Principal, identifier: string, userId: string, input: z.input<typeof memberUpdateSchema>): Promise<MemberUpdate> {
  const { name, group } = parseInput(memberUpdateSchema, input);
  return db.transaction(async (tx) => {
    const { customer, admins } = await authorizeAdminChange(tx, principal, identifier);
    const target = await targetMembership(tx, customer, userId);
    const changed: MemberUpdate["changed"] = {};
    // The name read under a lock of the user's row, so two renames in a row both see what the other wrote.
    const [{ name: current }] = await tx.select({ name: users.name }).from(users).where(eq(users.id, target.membership.userId)).for("update");
    target.name = current;
    if (name !== undefined && name !== target.name) {
      const elsewhere = await tx
        .select({ id: memberships.id })
        .from(memberships)
        .where(and(eq(memberships.userId, target.membership.userId), sql`${memberships.customerId} <> ${customer.id}`))
        .limit(1);
      if (elsewhere.length > 0)
        throw fieldError("name", `${target.name} also belongs to other accounts, so only they can change their name, on their profile.`);
      await tx.update(users).set({ name, updatedAt: new Date() }).where(eq(users.id, target.membership.userId));
      await recordAudit(tx, principal, {
        customerId: customer.id,
        action: "member.renamed",
        targetType: "member",
        targetId: target.membership.userId,
        targetLabel: `${name} <${target.email}>`,
        details: { from: target.name, to: name },
      });
      changed.name = { from: target.name, to: name };
    }
    if (group !== undefined && (await regroup(tx, principal, customer, admins, { ...target, name: name ?? target.name }, group)))
      changed.group = { from: target.membership.group, to: group };
    return { member: { userId, name: name ?? target.name, email: target.email, group: group ?? target.membership.group }, changed };
  });
}

/**
 * A member leaves an account of their own accord: their membership and project access there go. The last admin can't
 * (the admins are locked first, as for any change of admins), so no account is ever left without one.
 */
export async function leaveAccount(principal: Principal, identifier: string) {
  return db.transaction(async (tx) => {
    // Authorized first: whoever may do nothing in the account learns nothing about it (not even "sign in first").
    const { customer } = await authorizeAccount(tx, principal, identifier, "LEAVE_ACCOUNT");
    const person = requirePerson(principal);
    const admins = await lockAdmins(tx, customer.id);
    const [mine] = await tx
      .select()
      .from(memberships)
      .where(and(eq(memberships.customerId, customer.id), eq(memberships.userId, person.userId)));
    if (!mine) throw new NotFoundError("You are not a member of this account.");
    if (isAdminGroup(mine.group) && admins.length <= 1) throw LAST_ADMIN(GROUP_LABELS[mine.group]);
    const removedAccess = await tx
      .delete(projectAccess)
      .where(
        and(
          eq(projectAccess.userId, person.userId),
          inArray(projectAccess.projectId, tx.select({ id: projects.id }).from(projects).where(eq(projects.customerId, customer.id))),
        ),
      )
      .returning({ projectId: projectAccess.projectId });
    await tx.delete(memberships).where(eq(memberships.id, mine.id));
    await recordAudit(tx, principal, {
      customerId: customer.id,
      action: "member.left",
      targetType: "member",
      targetId: person.userId,
      targetLabel: `${person.name} <${person.email}>`,
      details: { group: mine.group, projectsLeft: removedAccess.length },
    });
    return { customer: { identifier: customer.identifier, name: customer.name } };
  });
}

/** Removes the membership and, in the same transaction, every project access the person had in this account. */
/**
 * Takes a person out of the account. With `deleteUserIfAlone` (deleting a customer user from Administration, as
 * ThingsBoard does) a person who then belongs to no account at all is deleted too, with all they hold; operators keep
 * their user (they run the installation).
 */
export async function removeMember(principal: Principal, identifier: string, userId: string, opts: { deleteUserIfAlone?: boolean } = {}) {
  return db.transaction(async (tx) => {
    const { customer, admins } = await authorizeAdminChange(tx, principal, identifier);
    const target = await targetMembership(tx, customer, userId);
    if (isAdminGroup(target.membership.group) && admins.length <= 1) throw LAST_ADMIN(GROUP_LABELS[target.membership.group]);
    const removedAccess = await tx
      .delete(projectAccess)
      .where(
        and(
          eq(projectAccess.userId, userId),
          inArray(projectAccess.projectId, tx.select({ id: projects.id }).from(projects).where(eq(projects.customerId, customer.id))),
        ),
      )
      .returning({ projectId: projectAccess.projectId });
    await tx.delete(memberships).where(eq(memberships.id, target.membership.id));
    const userDeleted = opts.deleteUserIfAlone
      ? (
          await tx.execute(sql`
            delete from users u where u.id = ${userId} and not u.is_operator and not exists (select 1 from memberships m where m.user_id = u.id)
            returning u.id`)
        ).length > 0
      : false;
    await recordAudit(tx, principal, {
      customerId: customer.id,
      action: userDeleted ? "member.deleted" : "member.removed",
      targetType: "member",
      targetId: userId,
      targetLabel: `${target.name} <${target.email}>`,
      details: { group: target.membership.group, projectsLeft: removedAccess.length },
    });
    return { projectsLeft: removedAccess.length, userDeleted, name: target.name };
  });
}

/** Members of an account, searchable by name or e-mail, by name; keyset-paged on (name, id), with how many match. */
export async function listMembers(principal: Principal, identifier: string, opts: { q?: string } & PageRequest = {}) {
  return db.transaction(async (tx) => {
    const { customer } = await authorizeAccount(tx, principal, identifier, "VIEW_MEMBERS");
    const k = keysetOf(opts, { default: PAGE_SIZE, max: 100 });
    const page = keysetClauses(k, sql`${users.name}`, sql`${users.id}`);
    const where = and(eq(memberships.customerId, customer.id), searchAny(searchTerm(opts.q), users.name, users.email));
    const [rows, [{ count }], [{ admins }]] = await Promise.all([
      tx
        .select({
          userId: users.id,
          name: users.name,
          email: users.email,
          emailVerifiedAt: users.emailVerifiedAt,
          group: memberships.group,
          joinedAt: memberships.createdAt,
          id: users.id,
          sort_value: users.name,
        })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(where, page.where))
        .orderBy(page.orderBy)
        .limit(k.limit + 1),
      tx
        .select({ count: sql<number>`count(*)::int` })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(where),
      // Whether "Leave" may be offered to an admin: never to the last one.
      tx
        .select({ admins: sql<number>`count(*)::int` })
        .from(memberships)
        .where(and(eq(memberships.customerId, customer.id), inArray(memberships.group, [...ADMIN_GROUPS]))),
    ]);
    return { ...keysetPage(rows, k, ({ id: _id, sort_value: _, ...r }) => r), total: count, admins };
  });
}

/**
 * Members who could be given access to a project (not there yet), matching `q`, for the access picker: a search, so it
 * works the same with ten members or a hundred thousand.
 */
export async function searchProjectCandidates(principal: Principal, identifier: string, projectId: string, opts: { q: string; limit?: number }) {
  return db.transaction(async (tx) => {
    const { customer, project } = await authorizeProject(tx, principal, identifier, { id: projectId }, "MANAGE_PROJECT_ACCESS");
    const limit = Math.min(50, Math.max(1, opts.limit ?? 20));
    const rows = await tx
      .select({ userId: users.id, name: users.name, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(
        and(
          eq(memberships.customerId, customer.id),
          searchAny(searchTerm(opts.q), users.name, users.email),
          notExists(
            tx
              .select({ one: sql`1` })
              .from(projectAccess)
              .where(and(eq(projectAccess.projectId, project.id), eq(projectAccess.userId, memberships.userId))),
          ),
        ),
      )
      .orderBy(asc(users.name), asc(users.email))
      .limit(limit + 1);
    return { rows: rows.slice(0, limit), more: rows.length > limit };
  });
}
