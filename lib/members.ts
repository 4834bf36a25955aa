// Members of an account: list, change group, remove (with all their project access). The last admin always stays.
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor, type Tx } from "@/db/client";
import { memberships, projectAccess, projects, users, type Customer, type MemberGroup } from "@/db/schema";
import { recordAudit } from "./audit";
import { GROUP_LABELS, authorize, groupsFor, isAdminGroup } from "./authz";
import { DomainError, ForbiddenError, NotFoundError } from "./errors";
import { searchAny } from "./pagination";

export const memberGroupSchema = z.enum(["customer_admin", "customer_employee", "partner_admin", "partner_employee"], "Choose a group.");

/**
 * Locks the account's admin memberships, in a fixed order, and returns their user ids. Every change that could take
 * away an admin goes through here first, so two such changes serialize and the second sees the first's result.
 */
async function lockAdmins(tx: Tx, customerId: string): Promise<string[]> {
  const rows = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.customerId, customerId), inArray(memberships.group, ["customer_admin", "partner_admin"])))
    .orderBy(asc(memberships.id))
    .for("update");
  return rows.map((r) => r.userId);
}

async function authorizeAdminChange(tx: Tx, actorId: string, identifier: string) {
  const { customer } = await authorize(tx, actorId, identifier, "MANAGE_USERS");
  const admins = await lockAdmins(tx, customer.id);
  // Re-checked under the lock: a concurrent change may just have demoted the actor.
  if (!admins.includes(actorId)) throw new ForbiddenError();
  return { customer, admins };
}

async function targetMembership(tx: Tx, customer: Customer, userId: string) {
  const [row] = await tx
    .select({ membership: memberships, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.customerId, customer.id), eq(memberships.userId, userId)));
  if (!row) throw new NotFoundError("That person is not a member of this account.");
  return row;
}

const LAST_ADMIN = (label: string) =>
  new DomainError(`This is the account's last ${label}. Make someone else ${label} first, so the account is never left without one.`);

export async function changeMemberGroup(actorId: string, identifier: string, userId: string, group: MemberGroup) {
  return db.transaction(async (tx) => {
    const { customer, admins } = await authorizeAdminChange(tx, actorId, identifier);
    if (!groupsFor(customer.kind).includes(group)) throw new DomainError("That group doesn't exist in this kind of account.");
    const target = await targetMembership(tx, customer, userId);
    if (target.membership.group === group) return target.membership;
    if (isAdminGroup(target.membership.group) && !isAdminGroup(group) && admins.length <= 1)
      throw LAST_ADMIN(GROUP_LABELS[target.membership.group]);
    const [updated] = await tx.update(memberships).set({ group }).where(eq(memberships.id, target.membership.id)).returning();
    await recordAudit(tx, {
      customerId: customer.id,
      actorId,
      action: "member.group_changed",
      targetType: "member",
      targetId: userId,
      targetLabel: `${target.name} <${target.email}>`,
      details: { from: target.membership.group, to: group },
    });
    return updated;
  });
}

/** Removes the membership and, in the same transaction, every project access the person had in this account. */
export async function removeMember(actorId: string, identifier: string, userId: string) {
  return db.transaction(async (tx) => {
    const { customer, admins } = await authorizeAdminChange(tx, actorId, identifier);
    const target = await targetMembership(tx, customer, userId);
    if (isAdminGroup(target.membership.group) && admins.length <= 1) throw LAST_ADMIN(GROUP_LABELS[target.membership.group]);
    const removedAccess = await tx
      .delete(projectAccess)
      .where(and(eq(projectAccess.userId, userId), inArray(projectAccess.projectId, tx.select({ id: projects.id }).from(projects).where(eq(projects.customerId, customer.id)))))
      .returning({ projectId: projectAccess.projectId });
    await tx.delete(memberships).where(eq(memberships.id, target.membership.id));
    await recordAudit(tx, {
      customerId: customer.id,
      actorId,
      action: "member.removed",
      targetType: "member",
      targetId: userId,
      targetLabel: `${target.name} <${target.email}>`,
      details: { group: target.membership.group, projectsLeft: removedAccess.length },
    });
    return { projectsLeft: removedAccess.length };
  });
}

/** Members of an account, searchable by name or e-mail, by name. */
export async function listMembers(ex: Executor, customerId: string, opts: { q: string; limit: number; offset: number }) {
  const where = and(
    eq(memberships.customerId, customerId),
    searchAny(opts.q, users.name, users.email),
  );
  const [rows, [{ count }]] = await Promise.all([
    ex
      .select({ userId: users.id, name: users.name, email: users.email, group: memberships.group, joinedAt: memberships.createdAt })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(where)
      .orderBy(asc(users.name), asc(users.email))
      .limit(opts.limit)
      .offset(opts.offset),
    ex.select({ count: sql<number>`count(*)::int` }).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(where),
  ]);
  return { rows, total: count };
}

/** Every member, for pickers (project access); small accounts, so no paging. Capped for safety. */
export async function listMemberOptions(ex: Executor, customerId: string) {
  return ex
    .select({ userId: users.id, name: users.name, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.customerId, customerId))
    .orderBy(asc(users.name))
    .limit(1000);
}
