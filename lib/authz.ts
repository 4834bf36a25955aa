// The one authorization path: who may do what in which account. The UI hides controls for comfort; this decides.
import { and, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { customers, memberships, users, type Customer, type MemberGroup, type Membership } from "@/db/schema";
import { ForbiddenError, NotFoundError } from "./errors";

const ADMINS: MemberGroup[] = ["customer_admin", "partner_admin"];
const EVERYONE: MemberGroup[] = ["customer_admin", "customer_employee", "customer_reader", "partner_admin", "partner_employee"];

export const PERMISSIONS = {
  VIEW_ACCOUNT: EVERYONE,
  EDIT_SETTINGS: ADMINS,
  MANAGE_USERS: ADMINS,
  CREATE_PROJECTS: ADMINS,
  MANAGE_PROJECT_ACCESS: ADMINS,
  VIEW_ALL_PROJECTS: ADMINS,
  VIEW_ACTIVITY: ADMINS,
  // Partner accounts only (checked together with customers.kind below).
  VIEW_ADMINISTRATION: ["partner_admin", "partner_employee"],
  MANAGE_CUSTOMERS: ["partner_admin"],
  MANAGE_QUOTAS: ["partner_admin"],
} satisfies Record<string, MemberGroup[]>;

export type Permission = keyof typeof PERMISSIONS;

const PARTNER_ONLY = new Set<Permission>(["VIEW_ADMINISTRATION", "MANAGE_CUSTOMERS", "MANAGE_QUOTAS"]);

export const GROUP_LABELS: Record<MemberGroup, string> = {
  customer_admin: "Customer Admin",
  customer_employee: "Customer Employee",
  customer_reader: "Customer Reader",
  partner_admin: "Partner Admin",
  partner_employee: "Partner Employee",
};

/** The groups a member of this kind of account can be put in. */
export function groupsFor(kind: Customer["kind"]): MemberGroup[] {
  return kind === "partner" ? ["partner_admin", "partner_employee"] : ["customer_admin", "customer_employee"];
}

export function isAdminGroup(group: MemberGroup): boolean {
  return ADMINS.includes(group);
}

export function can(group: MemberGroup, permission: Permission, kind: Customer["kind"] = "customer"): boolean {
  if (PARTNER_ONLY.has(permission) && kind !== "partner") return false;
  return (PERMISSIONS[permission] as MemberGroup[]).includes(group);
}

export type AccountAccess = { customer: Customer; membership: Membership };

/** The account named by `identifier` as seen by `userId`, or null when the user is not a member (or it doesn't exist). */
export async function findAccountAccess(ex: Executor, userId: string, identifier: string): Promise<AccountAccess | null> {
  const rows = await ex
    .select({ customer: customers, membership: memberships })
    .from(memberships)
    .innerJoin(customers, eq(customers.id, memberships.customerId))
    .where(and(eq(memberships.userId, userId), eq(customers.identifier, identifier.toLowerCase())))
    .limit(1);
  return rows[0] ?? null;
}

/**
 * Resolves the account and the user's membership, and checks a named permission.
 * Non-members get NotFound (they must not learn the account exists); members lacking the permission get Forbidden.
 */
export async function authorize(ex: Executor, userId: string, identifier: string, permission: Permission): Promise<AccountAccess> {
  const access = await findAccountAccess(ex, userId, identifier);
  if (!access) throw new NotFoundError("This account doesn't exist or you are not a member of it.");
  if (!can(access.membership.group, permission, access.customer.kind)) throw new ForbiddenError();
  return access;
}

export async function isOperator(ex: Executor, userId: string): Promise<boolean> {
  const [row] = await ex.select({ isOperator: users.isOperator }).from(users).where(eq(users.id, userId));
  return row?.isOperator ?? false;
}
