// Where a managed customer sits and what hangs below it: its direct sub-customers, the customers above it, and whether
// its own Customer Admins manage its subtree (self-managed). The database keeps the hierarchy itself (path, partner,
// no cycles); these read it within an Administration area's reach and change only the self-managed mark.
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { customers } from "@/db/schema";
import { customerView, type CustomerView } from "@/lib/accounts";
import { recordAudit } from "@/lib/audit";
import { authorizeManagedCustomer, isInScopeOf, type Principal } from "@/lib/authz";
import {
  ConflictError,
  containsPattern,
  countColumn,
  keysetClauses,
  keysetOf,
  keysetPage,
  parseInput,
  parseRow,
  parseRows,
  searchTerm,
  textContains,
  timestampColumn,
} from "@/lib/core";

/**
 * Lets the customer's own Customer Admins manage its sub-customers and their users (on), or takes that back (off).
 * Only the managing partner's admins decide it; quotas and this mark stay theirs either way.
 */
export async function setSelfManaged(principal: Principal, managerIdentifier: string, customerIdentifier: string, selfManaged: boolean): Promise<CustomerView> {
  const { selfManaged: on } = parseInput(z.object({ selfManaged: z.boolean("Choose on or off.") }), { selfManaged });
  return db.transaction(async (tx) => {
    const { customer } = await authorizeManagedCustomer(tx, principal, managerIdentifier, customerIdentifier, "SET_SELF_MANAGED");
    if (customer.kind !== "customer") throw new ConflictError(`${customer.name} is a partner account: it manages its own customers already.`);
    const locked = parseRow(
      z.object({ self_managed: z.boolean() }),
      await tx.execute(sql`select self_managed from customers where id = ${customer.id} for update`),
    )!;
    if (locked.self_managed === on) return customerView({ ...customer, selfManaged: on });
    await tx
      .update(customers)
      .set({ selfManaged: on, updatedAt: new Date() })
      .where(sql`${customers.id} = ${customer.id}`);
    const event = {
      action: on ? "customer.made_self_managed" : "customer.made_partner_managed",
      targetType: "customer",
      targetId: customer.id,
      targetLabel: `${customer.name} (${customer.identifier})`,
    };
    await recordAudit(tx, principal, { ...event, customerId: customer.id });
    if (customer.partnerId) await recordAudit(tx, principal, { ...event, customerId: customer.partnerId });
    return customerView({ ...customer, selfManaged: on });
  });
}

const subCustomerRow = z.object({
  id: z.uuid(),
  identifier: z.string(),
  name: z.string(),
  kind: z.enum(["customer", "partner"]),
  self_managed: z.boolean(),
  users: z.number().int(),
  projects: z.number().int(),
  created_at: timestampColumn,
  /** How many sub-customers it has directly (within the same reach). */
  children: countColumn,
  sort_value: z.string(),
});
export type SubCustomerRow = Omit<z.output<typeof subCustomerRow>, "sort_value">;

export type SubCustomerListOptions = {
  /** Name or identifier contains it. */
  q?: string;
  /** Opaque cursors from a previous page: rows after `after`, or before `before`. */
  after?: string;
  before?: string;
  limit?: number;
};

/**
 * The direct sub-customers of a managed customer by name, keyset-paginated on (lower(name), id) along the
 * (parent_id, lower(name), id) index, each with how many sub-customers it has itself.
 */
export async function listSubCustomers(principal: Principal, managerIdentifier: string, customerIdentifier: string, opts: SubCustomerListOptions = {}) {
  return db.transaction(async (tx) => {
    const { customer, manager } = await authorizeManagedCustomer(tx, principal, managerIdentifier, customerIdentifier, "VIEW_CUSTOMER");
    const k = keysetOf(opts);
    const page = keysetClauses(k, sql`lower(c.name)`, sql`c.id`);
    // Only what this area reaches: a partner account placed below the customer is listed, its own customers are not.
    const conditions: SQL[] = [sql`c.parent_id = ${customer.id}`, isInScopeOf(sql`c`, manager), page.where];
    // PostgreSQL refuses NUL in text: a search for one finds what a search without it finds.
    const q = searchTerm(opts.q);
    if (q) conditions.push(sql`(${textContains(sql`c.name`, q)} or c.identifier ilike ${containsPattern(q.toLowerCase())})`);
    const rows = await tx.execute(sql`
      select c.id, c.identifier, c.name, c.kind, c.self_managed, c.members_count as users, c.projects_count as projects, c.created_at,
        (select count(*)::int from customers k where k.parent_id = c.id and ${isInScopeOf(sql`k`, manager)}) as children,
        lower(c.name) as sort_value
      from customers c
      where ${sql.join(conditions, sql` and `)}
      order by ${page.orderBy}
      limit ${k.limit + 1}`);
    return {
      customer: customerView(customer),
      ...keysetPage(parseRows(subCustomerRow, rows), k, ({ sort_value: _, ...r }): SubCustomerRow => r),
    };
  });
}

export type PathStep = { identifier: string; name: string; kind: "customer" | "partner"; selfManaged: boolean };

/**
 * Where a managed customer sits, seen from an Administration area: the manager first, then each customer between it
 * and this one (its parent last). One query over the customer's path, which lists its ancestors root first.
 */
export async function getCustomerPath(principal: Principal, managerIdentifier: string, customerIdentifier: string): Promise<PathStep[]> {
  return db.transaction(async (tx) => {
    const { customer, manager } = await authorizeManagedCustomer(tx, principal, managerIdentifier, customerIdentifier, "VIEW_CUSTOMER");
    const from = customer.path.indexOf(manager.id);
    const above = from < 0 ? [] : customer.path.slice(from);
    if (above.length === 0) return [];
    return parseRows(
      z.object({ identifier: z.string(), name: z.string(), kind: z.enum(["customer", "partner"]), selfManaged: z.boolean() }),
      await tx.execute(sql`
        select a.identifier, a.name, a.kind, a.self_managed as "selfManaged"
        from unnest(${sql.param(above)}::uuid[]) with ordinality as u(id, n) join customers a on a.id = u.id
        order by u.n`),
    );
  });
}
