// The Administration area of a partner account: its managed customers, their users and their project quotas.
// Which customers a partner manages is decided in one place (`isManagedBy` in the authorization module), so
// another partner's customer simply matches no row.
import { eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import { customers, memberships } from "@/db/schema";
import { accountConflict } from "@/lib/accounts";
import { recordAudit } from "@/lib/audit";
import {
  authorizeAccount,
  authorizeInstallation,
  authorizeManagedCustomer,
  isAdminGroup,
  isManagedBy,
  managedCustomerIds,
  requirePerson,
  type Principal,
} from "@/lib/authz";
import { ConflictError, NotFoundError, containsPattern, fieldError, getEnv, identifierSchema, nameSchema, parseInput } from "@/lib/core";

/** One managed customer as its partner sees it, and what the principal may do to it. */
export async function getManagedCustomer(principal: Principal, partnerIdentifier: string, customerIdentifier: string) {
  return db.transaction(async (tx) => {
    const access = await authorizeManagedCustomer(tx, principal, partnerIdentifier, customerIdentifier, "VIEW_CUSTOMER");
    const myGroup = access.membership?.group ?? null;
    return { partner: access.partner, customer: access.customer, alreadyAdmin: myGroup !== null && isAdminGroup(myGroup), can: access.can };
  });
}

export const createManagedCustomerSchema = z.object({ name: nameSchema, identifier: identifierSchema });

export async function createManagedCustomer(principal: Principal, partnerIdentifier: string, input: z.infer<typeof createManagedCustomerSchema>) {
  const parsed = parseInput(createManagedCustomerSchema, input);
  try {
    return await db.transaction(async (tx) => {
      const { customer: partner } = await authorizeAccount(tx, principal, partnerIdentifier, "CREATE_CUSTOMERS");
      if (partner.kind !== "partner") throw new NotFoundError("This partner account doesn't exist.");
      const [customer] = await tx
        .insert(customers)
        .values({ identifier: parsed.identifier, name: parsed.name, parentId: partner.id, projectQuota: getEnv().DEFAULT_PROJECT_QUOTA })
        .returning();
      const event = { action: "customer.created", targetType: "customer", targetId: customer.id, targetLabel: `${customer.name} (${customer.identifier})` };
      await recordAudit(tx, principal, { ...event, customerId: partner.id });
      await recordAudit(tx, principal, { ...event, customerId: customer.id, details: { partner: partner.identifier } });
      return customer;
    });
  } catch (err) {
    throw accountConflict(err) ?? err;
  }
}

/** "Add Myself": the partner user becomes Customer Admin of the managed customer (an existing membership is promoted). */
export async function addMyself(principal: Principal, partnerIdentifier: string, customerIdentifier: string) {
  return db.transaction(async (tx) => {
    const { partner, customer } = await authorizeManagedCustomer(tx, principal, partnerIdentifier, customerIdentifier, "ADD_MYSELF");
    const person = requirePerson(principal);
    await tx
      .insert(memberships)
      .values({ userId: person.userId, customerId: customer.id, group: "customer_admin" })
      .onConflictDoUpdate({ target: [memberships.userId, memberships.customerId], set: { group: "customer_admin" } });
    const event = { action: "member.added_self", targetType: "customer", targetId: customer.id, targetLabel: `${customer.name} (${customer.identifier})` };
    await recordAudit(tx, principal, { ...event, customerId: customer.id, details: { partner: partner.identifier } });
    await recordAudit(tx, principal, { ...event, customerId: partner.id });
    return customer;
  });
}

export const quotaSchema = z.coerce
  .number("Enter a number of projects.")
  .int("Enter a whole number of projects.")
  .min(0, "The quota can't be negative.")
  .max(100000, "The quota can be at most 100000.");

/**
 * Sets a customer's project quota: its partner's admins (for customers they manage) and operators may. The customer
 * row is locked like project creation locks it: a concurrent create either counts before this check or sees the new quota.
 */
export async function setCustomerQuota(principal: Principal, customerIdentifier: string, quota: number) {
  const { quota: q } = parseInput(z.object({ quota: quotaSchema }), { quota });
  return db.transaction(async (tx) => {
    const { customer } = await authorizeAccount(tx, principal, customerIdentifier, "SET_QUOTA");
    const [locked] = await tx.select().from(customers).where(eq(customers.id, customer.id)).for("update");
    const [{ used }] = (await tx.execute(sql`select count(*)::int as used from projects where customer_id = ${customer.id}`)) as unknown as { used: number }[];
    if (q < used)
      throw fieldError(
        "quota",
        `${locked.name} already has ${used} projects, so its quota can't be lowered to ${q}. Remove projects first, or choose ${used} or more.`,
      );
    if (q === locked.projectQuota) return locked;
    const [updated] = await tx.update(customers).set({ projectQuota: q, updatedAt: new Date() }).where(eq(customers.id, customer.id)).returning();
    const event = {
      action: "customer.quota_changed",
      targetType: "customer",
      targetId: customer.id,
      targetLabel: `${locked.name} (${locked.identifier})`,
      details: { from: locked.projectQuota, to: q },
    };
    await recordAudit(tx, principal, { ...event, customerId: customer.id });
    if (locked.parentId) await recordAudit(tx, principal, { ...event, customerId: locked.parentId });
    return updated;
  });
}

// ---- listing -------------------------------------------------------------------------------------------------------

export const SORTS = {
  name: { label: "Name", key: sql`lower(c.name)` },
  identifier: { label: "Identifier", key: sql`c.identifier` },
  created: { label: "Created", key: sql`c.created_at` },
} as const;
export type SortKey = keyof typeof SORTS;

export type CustomerListOptions = {
  q?: string;
  sort?: SortKey;
  dir?: "asc" | "desc";
  /** Opaque cursors from a previous page: rows after `after`, or before `before`. */
  after?: string;
  before?: string;
  limit?: number;
};

type Cursor = { v: string; id: string };
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString("base64url");
function decodeCursor(s: string | undefined): Cursor | null {
  if (!s) return null;
  try {
    const c = JSON.parse(Buffer.from(s, "base64url").toString()) as Cursor;
    return typeof c.v === "string" && z.uuid().safeParse(c.id).success ? c : null;
  } catch {
    return null;
  }
}

export type ManagedCustomerRow = {
  id: string;
  identifier: string;
  name: string;
  created_at: Date;
  project_quota: number;
  projects: number;
  users: number;
  pending_invitations: number;
  sort_value: string;
};

/**
 * The search condition: name or identifier contains `q`, or one of the customer's members has an e-mail containing it.
 * A UNION of three index-backed lookups (trigram indexes): an OR across them would scan every managed customer.
 */
function customerSearch(partnerId: string, q: string): SQL {
  const p = containsPattern(q.toLowerCase());
  const managed = managedCustomerIds(partnerId);
  // Every branch is limited to this partner's customers: a common term ("gmail") must not walk the installation's
  // memberships, only this partner's.
  return sql`c.id in (
    select id from customers where id in ${managed} and name ilike ${p}
    union select id from customers where id in ${managed} and identifier ilike ${p}
    union select m.customer_id from memberships m join users u on u.id = m.user_id where m.customer_id in ${managed} and lower(u.email) like ${p})`;
}

/**
 * One page of a partner's managed customers, keyset-paginated on (sort key, id) so a deep page costs what the first
 * does. Counts are computed for the page's rows only.
 */
export async function listManagedCustomers(principal: Principal, partnerIdentifier: string, opts: CustomerListOptions = {}) {
  return db.transaction(async (tx) => {
    const { customer: partner } = await authorizeAccount(tx, principal, partnerIdentifier, "VIEW_ADMINISTRATION");
    return managedCustomerPage(tx, partner.id, opts);
  });
}

async function managedCustomerPage(ex: Executor, partnerId: string, opts: CustomerListOptions) {
  const limit = Math.min(100, Math.max(1, opts.limit ?? 25));
  const sort = SORTS[opts.sort ?? "name"] ? (opts.sort ?? "name") : "name";
  const key = SORTS[sort].key;
  const dir = opts.dir === "desc" ? "desc" : "asc";
  const backwards = Boolean(opts.before) && !opts.after;
  const cursor = decodeCursor(backwards ? opts.before : opts.after);
  // Walking backwards flips the comparison and the order; rows are flipped back below.
  const ascending = (dir === "asc") !== backwards;
  const cmp = ascending ? sql`>` : sql`<`;
  const order = ascending ? sql`asc` : sql`desc`;
  const cast = sort === "created" ? sql`::timestamptz` : sql``;
  const conditions: SQL[] = [isManagedBy(sql`c`, partnerId)];
  if (opts.q) conditions.push(customerSearch(partnerId, opts.q));
  if (cursor) conditions.push(sql`(${key}, c.id) ${cmp} (${cursor.v}${cast}, ${cursor.id}::uuid)`);
  const rows = (await ex.execute(sql`
    select c.id, c.identifier, c.name, c.created_at, c.project_quota,
      (select count(*)::int from projects p where p.customer_id = c.id) as projects,
      (select count(*)::int from memberships m where m.customer_id = c.id) as users,
      (select count(*)::int from invitations i where i.customer_id = c.id and i.accepted_at is null) as pending_invitations,
      ${key}::text as sort_value
    from customers c
    where ${sql.join(conditions, sql` and `)}
    order by ${key} ${order}, c.id ${order}
    limit ${limit + 1}`)) as unknown as ManagedCustomerRow[];
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  // The key as PostgreSQL printed it: a JS Date would drop the microseconds and repeat a row.
  const cursorOf = (r: ManagedCustomerRow) => encodeCursor({ v: r.sort_value, id: r.id });
  return {
    rows: page.map((r) => ({ ...r, created_at: new Date(r.created_at) })),
    sort,
    dir,
    next: last && (backwards ? Boolean(cursor) : more) ? cursorOf(last) : null,
    prev: first && (backwards ? more : Boolean(cursor)) ? cursorOf(first) : null,
  };
}

/**
 * Counts for the top of Administration > Customers, in two queries run side by side: one pass over the partner's
 * customers with their project and invitation counts, and the distinct users across them.
 */
export async function getPartnerOverview(principal: Principal, partnerIdentifier: string) {
  return db.transaction(async (tx) => {
    const { customer: partner } = await authorizeAccount(tx, principal, partnerIdentifier, "VIEW_ADMINISTRATION");
    return partnerOverview(tx, partner.id);
  });
}

async function partnerOverview(ex: Executor, partnerId: string) {
  const managed = managedCustomerIds(partnerId);
  const [[counts], [users]] = (await Promise.all([
    ex.execute(sql`
      select count(*)::int as customers,
        coalesce(sum(i.n), 0)::int as pending_invitations,
        count(*) filter (where coalesce(p.n, 0) >= c.project_quota)::int as at_quota,
        count(*) filter (where coalesce(p.n, 0) < c.project_quota and coalesce(p.n, 0) >= 0.8 * c.project_quota)::int as near_quota
      from customers c
      left join (select customer_id, count(*) as n from projects where customer_id in ${managed} group by customer_id) p on p.customer_id = c.id
      left join (select customer_id, count(*) as n from invitations where accepted_at is null and customer_id in ${managed} group by customer_id) i on i.customer_id = c.id
      where ${isManagedBy(sql`c`, partnerId)}`),
    ex.execute(sql`select count(*)::int as users from (select distinct m.user_id from memberships m where m.customer_id in ${managed}) u`),
  ])) as unknown as [{ customers: number; pending_invitations: number; at_quota: number; near_quota: number }[], { users: number }[]];
  return {
    customers: counts.customers,
    users: users.users,
    pending_invitations: counts.pending_invitations,
    at_quota: counts.at_quota,
    near_quota: counts.near_quota,
  };
}

// ---- operator commands ---------------------------------------------------------------------------------------------

const TO_PARTNER = sql`case "group" when 'customer_admin' then 'partner_admin'::member_group when 'partner_admin' then 'partner_admin'::member_group else 'partner_employee'::member_group end`;
const TO_CUSTOMER = sql`case "group" when 'partner_admin' then 'customer_admin'::member_group when 'customer_admin' then 'customer_admin'::member_group else 'customer_employee'::member_group end`;

/** Turns an account into a partner account (or back). Members keep their rank: admins stay admins, the rest employees. */
export async function setAccountKind(principal: Principal, identifier: string, kind: "partner" | "customer") {
  authorizeInstallation(principal, "CHANGE_ACCOUNT_KIND");
  return db.transaction(async (tx) => {
    const [customer] = await tx.select().from(customers).where(eq(customers.identifier, identifier.toLowerCase())).for("update");
    if (!customer) throw new NotFoundError(`No account with identifier ${identifier}.`);
    if (customer.kind === kind) return customer;
    if (kind === "customer") {
      const [{ managed }] = (await tx.execute(
        sql`select count(*)::int as managed from customers where id in ${managedCustomerIds(customer.id)}`,
      )) as unknown as { managed: number }[];
      if (managed > 0) throw new ConflictError(`${customer.identifier} still manages ${managed} customers; move or delete them first.`);
    }
    const [updated] = await tx.update(customers).set({ kind, updatedAt: new Date() }).where(eq(customers.id, customer.id)).returning();
    const regroup = kind === "partner" ? TO_PARTNER : TO_CUSTOMER;
    await tx.execute(sql`update memberships set "group" = ${regroup} where customer_id = ${customer.id}`);
    // Pending invitations too, so accepting one later gives a group that exists in the account's new kind.
    await tx.execute(sql`update invitations set "group" = ${regroup} where customer_id = ${customer.id} and accepted_at is null`);
    await recordAudit(tx, principal, {
      customerId: customer.id,
      action: kind === "partner" ? "account.made_partner" : "account.made_customer",
      targetType: "customer",
      targetId: customer.id,
      targetLabel: customer.identifier,
    });
    return updated;
  });
}
