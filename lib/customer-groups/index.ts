// A partner's own groups of managed customers (ThingsBoard's customer groups). Every managed customer is in the
// implicit "All", which is not stored; a stored group is a name, a description and its members. Deleting a group never
// deletes a customer. The database refuses a member the group's partner doesn't manage.
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import { customerGroups, type Customer } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { authorizeAccount, authorizeManagedCustomer, findAccountAccess, isManagedBy, type Principal } from "@/lib/authz";
import { customerFilter } from "@/lib/partners";
import {
  NotFoundError,
  containsPattern,
  countColumn,
  fieldError,
  identifierRefSchema,
  keysetClauses,
  keysetOf,
  keysetPage,
  optionalTextSchema,
  parseInput,
  parseRow,
  parseRows,
  searchTerm,
  visible,
  type KeysetPage,
  type PageRequest,
} from "@/lib/core";

export const customerGroupSchema = z.object({
  name: visible(z.string().trim().min(1, "Please enter a name for the group.").max(80, "A group name can have at most 80 characters.")),
  description: optionalTextSchema(500, "The description"),
});

const customerGroupRow = z.object({ id: z.uuid(), name: z.string(), description: z.string().nullable(), customers: countColumn });
export type CustomerGroupRow = z.output<typeof customerGroupRow>;

const GROUP_NOT_FOUND = "This customer group doesn't exist.";

async function partnerAccount(ex: Executor, principal: Principal, partnerIdentifier: string, permission: "VIEW_ADMINISTRATION" | "MANAGE_CUSTOMER_GROUPS") {
  const { customer } = await authorizeAccount(ex, principal, partnerIdentifier, permission);
  return customer;
}

/**
 * A group's count without its customers being deleted: the counter holds every member row, and a marked customer's
 * rows stay (an undo puts it back as it was) until the worker deletes it. Deletions are few and short-lived, so the
 * correction reads only the marked customers (a partial index), not the group's members.
 */
const liveCount = (g: SQL, partnerId: string) => sql`(${g}.customers_count - coalesce((
  select count(*) from customers c join customer_group_members gm on gm.customer_id = c.id
  where c.deletion_id is not null and c.partner_id = ${partnerId} and gm.group_id = ${g}.id), 0))::int`;

async function findGroup(ex: Executor, partner: Customer, groupId: string, lock = false) {
  if (!z.uuid().safeParse(groupId).success) throw new NotFoundError(GROUP_NOT_FOUND);
  const group = parseRow(
    customerGroupRow,
    await ex.execute(
      sql`select g.id, g.name, g.description, ${liveCount(sql`g`, partner.id)} as customers from customer_groups g
        where g.id = ${groupId} and g.partner_id = ${partner.id} ${lock ? sql`for update of g` : sql``}`,
    ),
  );
  if (!group) throw new NotFoundError(GROUP_NOT_FOUND);
  return group;
}

function nameTaken(err: unknown) {
  const cause = (err as { cause?: { constraint_name?: string } })?.cause ?? (err as { constraint_name?: string });
  return cause?.constraint_name === "customer_groups_partner_name_key";
}

/** The partner's groups by name, with how many customers each holds; searchable, keyset-paged on (name, id). */
export async function listCustomerGroups(
  principal: Principal,
  partnerIdentifier: string,
  opts: { q?: string } & PageRequest = {},
): Promise<KeysetPage<CustomerGroupRow>> {
  const k = keysetOf(opts, { default: 50, max: 200 });
  const page = keysetClauses(k, sql`lower(g.name)`, sql`g.id`);
  // A read shown beside every Customers page: one statement after the authorization, so no transaction.
  const partner = await partnerAccount(db, principal, partnerIdentifier, "VIEW_ADMINISTRATION");
  const q = searchTerm(opts.q);
  const rows = await db.execute(sql`
    select g.id, g.name, g.description, ${liveCount(sql`g`, partner.id)} as customers, lower(g.name) as sort_value from customer_groups g
    where g.partner_id = ${partner.id} ${q ? sql`and g.name ilike ${containsPattern(q)}` : sql``} and ${page.where}
    order by ${page.orderBy}
    limit ${k.limit + 1}`);
  return keysetPage(parseRows(customerGroupRow.extend({ sort_value: z.string() }), rows), k, ({ sort_value: _, ...g }) => g);
}

/** One group of the partner (for its page and the list's filter). */
export async function getCustomerGroup(principal: Principal, partnerIdentifier: string, groupId: string) {
  return findGroup(db, await partnerAccount(db, principal, partnerIdentifier, "VIEW_ADMINISTRATION"), groupId);
}

export async function createCustomerGroup(principal: Principal, partnerIdentifier: string, input: z.input<typeof customerGroupSchema>) {
  const parsed = parseInput(customerGroupSchema, input);
  try {
    return await db.transaction(async (tx) => {
      const partner = await partnerAccount(tx, principal, partnerIdentifier, "MANAGE_CUSTOMER_GROUPS");
      if (partner.kind !== "partner") throw new NotFoundError("Customer groups belong to partner accounts.");
      const [group] = await tx
        .insert(customerGroups)
        .values({ partnerId: partner.id, name: parsed.name, description: parsed.description || null })
        .returning({ id: customerGroups.id, name: customerGroups.name, description: customerGroups.description });
      await recordAudit(tx, principal, {
        customerId: partner.id,
        action: "customer_group.created",
        targetType: "customer_group",
        targetId: group.id,
        targetLabel: group.name,
      });
      return { ...group, customers: 0 } satisfies CustomerGroupRow;
    });
  } catch (err) {
    if (nameTaken(err)) throw fieldError("name", "You already have a group with this name.");
    throw err;
  }
}

/** Renames a group or changes its description; its customers stay. */
export async function updateCustomerGroup(principal: Principal, partnerIdentifier: string, groupId: string, input: z.input<typeof customerGroupSchema>) {
  const parsed = parseInput(customerGroupSchema, input);
  try {
    return await db.transaction(async (tx) => {
      const partner = await partnerAccount(tx, principal, partnerIdentifier, "MANAGE_CUSTOMER_GROUPS");
      const before = await findGroup(tx, partner, groupId, true);
      const description = parsed.description || null;
      if (before.name === parsed.name && before.description === description) return before;
      await tx.execute(sql`update customer_groups set name = ${parsed.name}, description = ${description} where id = ${before.id}`);
      const details: Record<string, unknown> = {};
      if (before.name !== parsed.name) details.name = { from: before.name, to: parsed.name };
      if (before.description !== description) details.description = "changed";
      await recordAudit(tx, principal, {
        customerId: partner.id,
        action: "customer_group.updated",
        targetType: "customer_group",
        targetId: before.id,
        targetLabel: parsed.name,
        details,
      });
      return { ...before, name: parsed.name, description };
    });
  } catch (err) {
    if (nameTaken(err)) throw fieldError("name", "You already have a group with this name.");
    throw err;
  }
}

/** Deletes the group only: its customers stay managed, in "All" and in their other groups. */
export async function deleteCustomerGroup(principal: Principal, partnerIdentifier: string, groupId: string) {
  return db.transaction(async (tx) => {
    const partner = await partnerAccount(tx, principal, partnerIdentifier, "MANAGE_CUSTOMER_GROUPS");
    const group = await findGroup(tx, partner, groupId, true);
    await tx.execute(sql`delete from customer_groups where id = ${group.id}`);
    await recordAudit(tx, principal, {
      customerId: partner.id,
      action: "customer_group.deleted",
      targetType: "customer_group",
      targetId: group.id,
      targetLabel: group.name,
      details: { customers: group.customers },
    });
    return group;
  });
}

/** The list's filter, as Administration › Customers applies it: every customer it matches. */
const listFilterSchema = z.object({
  q: z.string().max(200).optional(),
  group: z.string().max(100).optional(),
  parent: z.string().max(100).optional(),
  quota: z.enum(["at", "near", "under"]).optional(),
});

export const groupMembershipSchema = z
  .object({
    groupId: z.uuid("Pick a group."),
    customers: z.array(identifierRefSchema).max(1000, "Select at most 1,000 customers at once, or all that match a filter.").optional(),
    /** Instead of customers: all that this filter matches (the selection "all N that match"). */
    filter: listFilterSchema.optional(),
    member: z.boolean(),
  })
  .refine((v) => (v.customers?.length ?? 0) > 0 || v.filter !== undefined, { message: "Select at least one customer.", path: ["customers"] });

/**
 * Puts customers into a group or takes them out, one or many at once, in one statement each way. Customers the partner
 * doesn't manage match nothing, and the whole change is refused rather than half-done.
 */
export async function setCustomerGroupMembership(principal: Principal, partnerIdentifier: string, input: z.input<typeof groupMembershipSchema>) {
  const parsed = parseInput(groupMembershipSchema, input);
  const identifiers = [...new Set(parsed.customers ?? [])];
  return db.transaction(async (tx) => {
    const partner = await partnerAccount(tx, principal, partnerIdentifier, "MANAGE_CUSTOMER_GROUPS");
    const group = await findGroup(tx, partner, parsed.groupId);
    const found = parseRows(
      z.object({ id: z.uuid(), identifier: z.string() }),
      parsed.filter
        ? await tx.execute(sql`select c.id, c.identifier from customers c where ${await customerFilter(tx, partner, parsed.filter)}`)
        : await tx.execute(sql`select c.id, c.identifier from customers c where c.identifier in ${identifiers} and ${isManagedBy(sql`c`, partner.id)}`),
    );
    if (!parsed.filter && found.length !== identifiers.length) {
      const missing = identifiers.filter((i) => !found.some((f) => f.identifier === i));
      throw new NotFoundError(`${missing.slice(0, 3).join(", ")}${missing.length > 3 ? " and others" : ""}: not among your customers (any more).`);
    }
    const ids = found.map((f) => f.id);
    const changed = parsed.member
      ? await tx.execute(sql`
          insert into customer_group_members (group_id, customer_id) select ${group.id}::uuid, unnest(${sql.param(ids)}::uuid[])
          on conflict do nothing returning customer_id`)
      : await tx.execute(
          sql`delete from customer_group_members where group_id = ${group.id} and customer_id = any(${sql.param(ids)}::uuid[]) returning customer_id`,
        );
    if (changed.length > 0) {
      const changedIds = new Set(parseRows(z.object({ customer_id: z.uuid() }), changed).map((r) => r.customer_id));
      await recordAudit(tx, principal, {
        customerId: partner.id,
        action: parsed.member ? "customer_group.customers_added" : "customer_group.customers_removed",
        targetType: "customer_group",
        targetId: group.id,
        targetLabel: group.name,
        details: {
          count: changedIds.size,
          customers: found
            .filter((f) => changedIds.has(f.id))
            .map((f) => f.identifier)
            .slice(0, 50),
        },
      });
    }
    return { group, changed: changed.length, unchanged: ids.length - changed.length };
  });
}

/** The partner's groups with whether one managed customer is in each (its Groups tab). */
export async function listGroupsOfCustomer(principal: Principal, managerIdentifier: string, customerIdentifier: string) {
  return db.transaction(async (tx) => {
    const { customer, manager } = await authorizeManagedCustomer(tx, principal, managerIdentifier, customerIdentifier, "VIEW_CUSTOMER");
    if (manager.kind !== "partner") return { rows: [], canManage: false };
    const rows = parseRows(
      customerGroupRow.extend({ member: z.boolean() }),
      await tx.execute(sql`
        select g.id, g.name, g.description, ${liveCount(sql`g`, manager.id)} as customers,
          exists (select 1 from customer_group_members gm where gm.group_id = g.id and gm.customer_id = ${customer.id}) as member
        from customer_groups g where g.partner_id = ${manager.id}
        order by member desc, lower(g.name)
        limit 500`),
    );
    // Changing memberships is a right in the partner account, not on the customer. Someone who sees the customer
    // without belonging to the partner (an admin of a self-managed customer above it) sees its groups, read-only.
    const partnerAccess = await findAccountAccess(tx, principal, manager.identifier);
    return { rows, canManage: partnerAccess?.can("MANAGE_CUSTOMER_GROUPS") ?? false };
  });
}
