// Where a managed customer sits and what hangs below it: its direct sub-customers, the customers above it, and whether
// its own Customer Admins manage its subtree (self-managed). The database keeps the hierarchy itself (path, partner,
// no cycles); these read it within an Administration area's reach and change only the self-managed mark.
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { customers } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { authorizeManagedCustomer, isInScopeOf, type Principal } from "@/lib/authz";
import { ConflictError, containsPattern, decodeCursor, encodeCursor, parseInput, textContains } from "@/lib/core";

/**
 * Lets the customer's own Customer Admins manage its sub-customers and their users (on), or takes that back (off).
 * Only the managing partner's admins decide it; quotas and this mark stay theirs either way.
 */
export async function setSelfManaged(principal: Principal, managerIdentifier: string, customerIdentifier: string, selfManaged: boolean) {
  const { selfManaged: on } = parseInput(z.object({ selfManaged: z.boolean("Choose on or off.") }), { selfManaged });
  return db.transaction(async (tx) => {
    const { customer } = await authorizeManagedCustomer(tx, principal, managerIdentifier, customerIdentifier, "SET_SELF_MANAGED");
    if (customer.kind !== "customer") throw new ConflictError(`${customer.name} is a partner account: it manages its own customers already.`);
    const [locked] = (await tx.execute(sql`select self_managed from customers where id = ${customer.id} for update`)) as unknown as {
      self_managed: boolean;
    }[];
    if (locked.self_managed === on) return { ...customer, selfManaged: on };
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
    return { ...customer, selfManaged: on };
  });
}

export type SubCustomerRow = {
  id: string;
  identifier: string;
  name: string;
  kind: "customer" | "partner";
  self_managed: boolean;
  users: number;
  projects: number;
  created_at: Date;
  /** How many sub-customers it has directly (within the same reach). */
  children: number;
};

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
    const limit = Math.min(100, Math.max(1, opts.limit ?? 25));
    const backwards = Boolean(opts.before) && !opts.after;
    const cursor = decodeCursor(backwards ? opts.before : opts.after);
    const order = backwards ? sql`desc` : sql`asc`;
    // Only what this area reaches: a partner account placed below the customer is listed, its own customers are not.
    const conditions: SQL[] = [sql`c.parent_id = ${customer.id}`, isInScopeOf(sql`c`, manager)];
    // PostgreSQL refuses NUL in text: a search for one finds what a search without it finds.
    const q = (opts.q ?? "")
      .replace(/\u0000/g, "")
      .trim()
      .slice(0, 100);
    if (q) conditions.push(sql`(${textContains(sql`c.name`, q)} or c.identifier ilike ${containsPattern(q.toLowerCase())})`);
    if (cursor) conditions.push(sql`(lower(c.name), c.id) ${backwards ? sql`<` : sql`>`} (${cursor.v}, ${cursor.id}::uuid)`);
    const rows = (await tx.execute(sql`
      select c.id, c.identifier, c.name, c.kind, c.self_managed, c.members_count as users, c.projects_count as projects, c.created_at,
        (select count(*)::int from customers k where k.parent_id = c.id and ${isInScopeOf(sql`k`, manager)}) as children,
        lower(c.name) as sort_value
      from customers c
      where ${sql.join(conditions, sql` and `)}
      order by lower(c.name) ${order}, c.id ${order}
      limit ${limit + 1}`)) as unknown as (SubCustomerRow & { sort_value: string })[];
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    if (backwards) page.reverse();
    const first = page[0];
    const last = page[page.length - 1];
    const cursorOf = (r: { sort_value: string; id: string }) => encodeCursor({ v: r.sort_value, id: r.id });
    return {
      customer,
      rows: page.map(({ sort_value: _, ...r }) => ({ ...r, created_at: new Date(r.created_at) }) as SubCustomerRow),
      next: last && (backwards ? Boolean(cursor) : more) ? cursorOf(last) : null,
      prev: first && (backwards ? more : Boolean(cursor)) ? cursorOf(first) : null,
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
    return (await tx.execute(sql`
      select a.identifier, a.name, a.kind, a.self_managed as "selfManaged"
      from unnest(${sql.param(above)}::uuid[]) with ordinality as u(id, n) join customers a on a.id = u.id
      order by u.n`)) as unknown as PathStep[];
  });
}
