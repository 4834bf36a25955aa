// Resolving a principal's relation to an account (or project) in the database, and refusing what the tables don't
// grant. Domain operations call these inside their own transaction, before touching tenant data.
import { and, eq, sql, type Placeholder, type SQL } from "drizzle-orm";
import { cache } from "react";
import { builtOnce, db, type Executor } from "@/db/client";
import { customers, projectAccess, projects, type Customer, type Membership, type Project, type ProjectRole } from "@/db/schema";
import { ForbiddenError, NotFoundError } from "@/lib/core";
import { grantsFor, type Permission, type Relation } from "./permissions";
import type { Principal } from "./principal";

export type AccountAccess = {
  customer: Customer;
  /** The principal's own membership in the account, if any. */
  membership: Membership | null;
  permissions: ReadonlySet<Permission>;
  can: (permission: Permission) => boolean;
};

const NOT_FOUND = "This account doesn't exist or you don't have access to it.";

/**
 * Whether the customers row named `alias` is managed by the partner: the one place the partner relation is written out.
 * A partner manages every customer below it down to the next partner (`partner_id`, kept by the database from the
 * hierarchy), except those being deleted. A condition on the row itself, so PostgreSQL walks the (partner_id, …) indexes.
 */
export function isManagedBy(alias: SQL, partnerId: string): SQL {
  return sql`(${alias}.partner_id = ${partnerId} and ${alias}.deleting_at is null)`;
}

/** The ids of the customers a partner manages, as a subquery. */
export function managedCustomerIds(partnerId: string): SQL {
  return sql`(select mc.id from customers mc where ${isManagedBy(sql`mc`, partnerId)})`;
}

/** The account whose Administration area lists customers: a partner, or a self-managed customer (for its subtree). */
export type Manager = Pick<Customer, "id" | "kind" | "partnerId">;

/**
 * The customers an Administration area covers: a partner's managed customers, or a self-managed customer's
 * descendants (up to the next partner below it, like the partner's own reach).
 */
export function isInScopeOf(alias: SQL, manager: Manager): SQL {
  if (manager.kind === "partner") return isManagedBy(alias, manager.id);
  return sql`(${alias}.path @> array[${manager.id}]::uuid[] and ${alias}.partner_id is not distinct from ${manager.partnerId} and ${alias}.deleting_at is null)`;
}

/** How `principal` stands to `customer`, read in one round trip. */
export async function relationTo(ex: Executor, principal: Principal, customer: Customer): Promise<Relation & { membership: Membership | null }> {
  switch (principal.kind) {
    case "anonymous":
      return { membership: null };
    case "system":
      return { system: true, membership: null };
    case "api_key":
      return { keyScopes: principal.customerId === customer.id ? principal.scopes : null, membership: null };
    case "user": {
      // The managing partner, and the self-managed customers above this one within that partner's reach: their
      // Customer Admins manage it too.
      const [row] = await ex
        .select(userRelationColumns(principal.userId, sql`${customers}`))
        .from(customers)
        .where(eq(customers.id, customer.id));
      return userRelation(principal, customer, row);
    }
  }
}

function accessOf(customer: Customer, membership: Membership | null, permissions: Set<Permission>): AccountAccess {
  return { customer, membership, permissions, can: (p) => permissions.has(p) };
}

async function findCustomer(ex: Executor, where: SQL | undefined, lock: boolean): Promise<Customer | null> {
  const q = ex.select().from(customers).where(where);
  const [row] = lock ? await q.for("update") : await q;
  return row ?? null;
}

type MembershipJson = { id: string; user_id: string; customer_id: string; partner_id: string | null; group: Membership["group"]; created_at: string };

/** What the relation's three lookups read for a user. */
type LookupRow = { membership: MembershipJson | null; partnerGroup: Membership["group"] | null; ancestorGroup: Membership["group"] | null };

/** The relation's three lookups for a user, as subqueries on the customers row `c` (see relationTo). */
function userRelationColumns(userId: string | Placeholder, c: SQL) {
  // A customer being deleted is managed by nobody.
  const partnerId = sql`(case when ${c}.deleting_at is null then ${c}.partner_id end)`;
  return {
    membership: sql<MembershipJson | null>`(select row_to_json(m) from memberships m where m.user_id = ${userId} and m.customer_id = ${c}.id)`,
    partnerGroup: sql<Membership["group"] | null>`(select m."group" from memberships m join customers p on p.id = m.customer_id
      where p.kind = 'partner' and p.id = ${partnerId} and m.user_id = ${userId})`,
    ancestorGroup: sql<Membership["group"] | null>`(select m."group" from memberships m join customers a on a.id = m.customer_id
      where m.user_id = ${userId} and m."group" = 'customer_admin' and a.self_managed and a.kind = 'customer' and ${c}.deleting_at is null
        and a.id = any(${c}.path) and a.partner_id is not distinct from ${partnerId} and a.deleting_at is null
      limit 1)`,
  };
}

function userRelation(
  principal: Extract<Principal, { kind: "user" }>,
  customer: Customer,
  row: LookupRow | undefined,
): Relation & { membership: Membership | null } {
  const m = row?.membership;
  const membership: Membership | null = m
    ? { id: m.id, userId: m.user_id, customerId: m.customer_id, partnerId: m.partner_id, group: m.group, createdAt: new Date(m.created_at) }
    : null;
  return {
    operator: principal.isOperator,
    memberGroup: membership?.group ?? null,
    accountKind: customer.kind,
    selfManaged: customer.selfManaged,
    managingPartnerGroup: row?.partnerGroup ?? null,
    managingAncestorGroup: row?.ancestorGroup ?? null,
    membership,
  };
}

/**
 * The customer `where` names and how the principal stands to it. For a person, one statement reads both (every page
 * and action starts here, so a round trip saved is saved everywhere).
 */
async function findCustomerAndRelation(ex: Executor, principal: Principal, where: SQL | undefined) {
  if (principal.kind !== "user") {
    const customer = await findCustomer(ex, where, false);
    return customer ? { customer, ...(await relationTo(ex, principal, customer)) } : null;
  }
  const [row] = await ex
    .select({ customer: customers, ...userRelationColumns(principal.userId, sql`${customers}`) })
    .from(customers)
    .where(where);
  return foundFor(principal, row);
}

/** The customer and the person's relation to it, from a row of the lookup (either way of running it). */
function foundFor(principal: Extract<Principal, { kind: "user" }>, row: (LookupRow & { customer: Customer }) | undefined) {
  return row ? { customer: row.customer, ...userRelation(principal, row.customer, row) } : null;
}

/** The same lookup by identifier for a person, outside a transaction: what every page render starts with, built once. */
const accountAccessLookup = builtOnce((d) =>
  d
    .select({ customer: customers, ...userRelationColumns(sql.placeholder("userId"), sql`${customers}`) })
    .from(customers)
    .where(eq(customers.identifier, sql.placeholder("identifier")))
    .prepare("account_access"),
);

/**
 * A person's access to an account outside any transaction, read once per rendered page. The layout, the page and each
 * read it makes authorize themselves on the same account; React's cache, scoped to one render of one request, answers
 * the repeats from the first statement. Everywhere else (server actions, the worker, the CLI, tests) there is no render
 * and the cache is a plain call, and a transaction (every write) always reads afresh, under its own locks.
 */
const accessForThisRender = cache((principal: Principal, identifier: string) => readAccountAccess(db, principal, identifier));

/** What the principal may do in the account, or null when it may do nothing there (so it must not learn it exists). */
export async function findAccountAccess(ex: Executor, principal: Principal, identifier: string): Promise<AccountAccess | null> {
  const key = identifier.toLowerCase();
  return ex === db ? accessForThisRender(principal, key) : readAccountAccess(ex, principal, key);
}

async function readAccountAccess(ex: Executor, principal: Principal, identifier: string): Promise<AccountAccess | null> {
  const found =
    ex === db && principal.kind === "user"
      ? await accountAccessLookup()
          .execute({ userId: principal.userId, identifier: identifier.toLowerCase() })
          .then(([row]) => foundFor(principal, row))
      : await findCustomerAndRelation(ex, principal, eq(customers.identifier, identifier.toLowerCase()));
  // A customer being deleted is gone for everyone but the installation itself (the deletion's worker).
  if (!found || (found.customer.deletingAt && principal.kind !== "system")) return null;
  const { customer, membership, ...relation } = found;
  const permissions = grantsFor(relation);
  return permissions.size > 0 ? accessOf(customer, membership, permissions) : null;
}

function check(access: AccountAccess | null, permission: Permission, notFound = NOT_FOUND): AccountAccess {
  if (!access) throw new NotFoundError(notFound);
  if (!access.can(permission)) throw new ForbiddenError();
  return access;
}

/**
 * Resolves the account and checks a permission on it. A principal that may do nothing there gets NotFound (it must
 * not learn the account exists); one that may do something else gets Forbidden.
 */
export async function authorizeAccount(ex: Executor, principal: Principal, identifier: string, permission: Permission): Promise<AccountAccess> {
  return check(await findAccountAccess(ex, principal, identifier), permission);
}

/**
 * A customer within the Administration area of `managerIdentifier` (a partner, or a self-managed customer's subtree),
 * with the principal's permission on it checked. The principal must have that Administration area itself: managing a
 * customer through one area gives no standing in another (a self-managed customer's admins, naming the partner above
 * them, would otherwise read the partner's account). A customer outside that area matches nothing, so it is NotFound
 * like one that doesn't exist; so is an area the principal can't open.
 */
export async function authorizeManagedCustomer(
  ex: Executor,
  principal: Principal,
  managerIdentifier: string,
  customerIdentifier: string,
  permission: Permission,
): Promise<AccountAccess & { manager: Customer }> {
  const notFound = "This customer doesn't exist or isn't managed from here.";
  const area = await findAccountAccess(ex, principal, managerIdentifier);
  if (!area || !area.can("VIEW_ADMINISTRATION") || area.customer.deletingAt) throw new NotFoundError(notFound);
  const manager = area.customer;
  const found = await findCustomerAndRelation(
    ex,
    principal,
    sql`${customers.identifier} = ${customerIdentifier.toLowerCase()} and ${isInScopeOf(sql`${customers}`, manager)}`,
  );
  if (!found) throw new NotFoundError(notFound);
  const { customer, membership, ...relation } = found;
  const permissions = grantsFor(relation);
  // Only those who may see the customer as its managers see it learn where it sits.
  const access = check(permissions.has("VIEW_CUSTOMER") ? accessOf(customer, membership, permissions) : null, permission, notFound);
  return { ...access, manager };
}

export type ProjectAccess = AccountAccess & { project: Project; role: ProjectRole | null };

/**
 * A project of the account with the principal's permission on it: the account's grants plus the principal's project
 * role there. Someone who can't see the project gets NotFound, like a project that doesn't exist.
 */
export async function authorizeProject(
  ex: Executor,
  principal: Principal,
  identifier: string,
  project: { identifier: string } | { id: string },
  permission: Permission,
): Promise<ProjectAccess> {
  const notFound = "This project doesn't exist or you don't have access to it.";
  const account = await findAccountAccess(ex, principal, identifier);
  if (!account) throw new NotFoundError(NOT_FOUND);
  const [row] = await ex
    .select()
    .from(projects)
    .where(
      and(
        eq(projects.customerId, account.customer.id),
        "id" in project ? sql`${projects.id}::text = ${project.id}` : eq(projects.identifier, project.identifier.toLowerCase()),
      ),
    );
  if (!row) throw new NotFoundError(notFound);
  let role: ProjectRole | null = null;
  if (principal.kind === "user" && account.membership) {
    const [pa] = await ex
      .select({ role: projectAccess.role })
      .from(projectAccess)
      .where(and(eq(projectAccess.projectId, row.id), eq(projectAccess.userId, principal.userId)));
    role = pa?.role ?? null;
  }
  // The role's grants are capped like the member's own (a Customer Reader stays read-only whatever its role).
  const roleGrants = grantsFor({ projectRole: role, memberGroup: account.membership?.group ?? null, accountKind: account.customer.kind });
  const permissions = new Set([...account.permissions, ...roleGrants]);
  if (!permissions.has("VIEW_PROJECT") && !permissions.has(permission)) throw new NotFoundError(notFound);
  if (!permissions.has(permission)) throw new ForbiddenError("You don't have permission to do that in this project.");
  return { ...accessOf(account.customer, account.membership, permissions), project: row, role };
}

/** Installation-wide operations (operator commands): no account to resolve, only the principal's own standing. */
export function authorizeInstallation(principal: Principal, permission: Permission): void {
  const permissions = grantsFor({ system: principal.kind === "system", operator: principal.kind === "user" && principal.isOperator });
  if (!permissions.has(permission))
    throw principal.kind === "anonymous" ? new NotFoundError() : new ForbiddenError("Only operators of this installation can do that.");
}

/** A user principal, or a refusal: for operations that only make sense for a person (their own accounts, accepting). */
export function requirePerson(principal: Principal) {
  if (principal.kind !== "user") throw new ForbiddenError("Sign in to do that.");
  return principal;
}
