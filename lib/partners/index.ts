// The Administration area of a partner account: its managed customers, their users and their project quotas.
// Which customers a partner manages is decided in one place (`isManagedBy` in the authorization module), so
// another partner's customer simply matches no row.
import { eq, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import { customers, memberships, type Customer } from "@/db/schema";
import { accountConflict, customerRef, customerView, type CustomerRef, type CustomerView } from "@/lib/accounts";
import { recordAudit } from "@/lib/audit";
import {
  authorizeAccount,
  authorizeInstallation,
  authorizeManagedCustomer,
  isAdminGroup,
  isInScopeOf,
  managedCustomerIds,
  requirePerson,
  type Manager,
  type Permission,
  type Principal,
} from "@/lib/authz";
import {
  ConflictError,
  NotFoundError,
  containsPattern,
  keysetClauses,
  keysetOf,
  keysetPage,
  fieldError,
  getEnv,
  identifierRefSchema,
  identifierSchema,
  nameSchema,
  parseInput,
  searchTerm,
  textContains,
  countColumn,
  countIn,
  parseRow,
  parseRows,
  timestampColumn,
  counted,
  plural,
} from "@/lib/core";

/** A customer as those who manage it see it (no billing: that is its own admins' business), from one Administration area. */
export type ManagedCustomer = {
  /** The Administration area it was opened from: the partner, or a self-managed customer above it. */
  manager: CustomerRef;
  customer: CustomerView;
  /** Whether the principal is already one of its admins (Add Myself has nothing left to do). */
  alreadyAdmin: boolean;
  can: (permission: Permission) => boolean;
};

/** One managed customer as its managers see it, and what the principal may do to it. */
export async function getManagedCustomer(principal: Principal, managerIdentifier: string, customerIdentifier: string): Promise<ManagedCustomer> {
  return db.transaction(async (tx) => {
    const access = await authorizeManagedCustomer(tx, principal, managerIdentifier, customerIdentifier, "VIEW_CUSTOMER");
    const myGroup = access.membership?.group ?? null;
    return {
      manager: customerRef(access.manager),
      customer: customerView(access.customer),
      alreadyAdmin: myGroup !== null && isAdminGroup(myGroup),
      can: access.can,
    };
  });
}

export const createManagedCustomerSchema = z.object({
  name: nameSchema,
  identifier: identifierSchema,
  /** A managed customer to create this one under (a sub-customer); else it sits directly under the manager. */
  parent: identifierRefSchema.or(z.literal("")).optional(),
  /** The partner's customer groups to put it in; else it is in "All" only. */
  groups: z.array(z.uuid("Pick groups from the list.")).max(100).optional(),
});

/**
 * Creates a customer in an Administration area: under the partner (or the self-managed customer) itself, or under one
 * of its customers as a sub-customer, optionally straight into some of the partner's customer groups.
 */
export async function createManagedCustomer(
  principal: Principal,
  managerIdentifier: string,
  input: z.input<typeof createManagedCustomerSchema>,
): Promise<CustomerView> {
  const parsed = parseInput(createManagedCustomerSchema, input);
  try {
    return await db.transaction(async (tx) => {
      const { customer: manager } = await authorizeAccount(tx, principal, managerIdentifier, "CREATE_CUSTOMERS");
      if (manager.kind !== "partner" && !manager.selfManaged) throw new NotFoundError("This Administration area doesn't exist.");
      const parent = parsed.parent
        ? (await authorizeManagedCustomer(tx, principal, manager.identifier, parsed.parent, "CREATE_SUB_CUSTOMERS")).customer
        : manager;
      // Under a partner account placed in the tree, a new customer would belong to that partner, out of this area's reach.
      if (parent.id !== manager.id && parent.kind === "partner")
        throw new ConflictError(`${parent.name} is a partner account: its own admins create its customers.`);
      const [customer] = await tx
        .insert(customers)
        .values({ identifier: parsed.identifier, name: parsed.name, parentId: parent.id, projectQuota: getEnv().DEFAULT_PROJECT_QUOTA })
        .returning();
      const groups = [...new Set(parsed.groups ?? [])];
      if (groups.length > 0) {
        if (manager.kind !== "partner") throw fieldError("groups", "Customer groups belong to partner accounts.");
        const added = await tx.execute(sql`
          insert into customer_group_members (group_id, customer_id)
          select g.id, ${customer.id}::uuid from customer_groups g where g.partner_id = ${manager.id} and g.id in ${groups}
          returning group_id`);
        if (added.length !== groups.length) throw fieldError("groups", "One of these groups no longer exists. Reload the page and pick again.");
      }
      const event = { action: "customer.created", targetType: "customer", targetId: customer.id, targetLabel: `${customer.name} (${customer.identifier})` };
      await recordAudit(tx, principal, { ...event, customerId: manager.id, details: parent.id === manager.id ? undefined : { parent: parent.identifier } });
      if (parent.id !== manager.id) await recordAudit(tx, principal, { ...event, customerId: parent.id });
      await recordAudit(tx, principal, {
        ...event,
        customerId: customer.id,
        details: { [manager.kind === "partner" ? "partner" : "parent"]: parent.identifier },
      });
      return customerView(customer);
    });
  } catch (err) {
    throw accountConflict(err) ?? err;
  }
}

/** "Add Myself": the partner user becomes Customer Admin of the managed customer (an existing membership is promoted). */
export async function addMyself(principal: Principal, partnerIdentifier: string, customerIdentifier: string): Promise<CustomerRef> {
  return db.transaction(async (tx) => {
    const { manager, customer } = await authorizeManagedCustomer(tx, principal, partnerIdentifier, customerIdentifier, "ADD_MYSELF");
    const person = requirePerson(principal);
    await tx
      .insert(memberships)
      .values({ userId: person.userId, customerId: customer.id, group: "customer_admin" })
      .onConflictDoUpdate({ target: [memberships.userId, memberships.customerId], set: { group: "customer_admin" } });
    const event = { action: "member.added_self", targetType: "customer", targetId: customer.id, targetLabel: `${customer.name} (${customer.identifier})` };
    await recordAudit(tx, principal, { ...event, customerId: customer.id, details: { partner: manager.identifier } });
    await recordAudit(tx, principal, { ...event, customerId: manager.id });
    return customerRef(customer);
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
export async function setCustomerQuota(principal: Principal, customerIdentifier: string, quota: number): Promise<CustomerView> {
  const { quota: q } = parseInput(z.object({ quota: quotaSchema }), { quota });
  return db.transaction(async (tx) => {
    const { customer } = await authorizeAccount(tx, principal, customerIdentifier, "SET_QUOTA");
    const [locked] = await tx.select().from(customers).where(eq(customers.id, customer.id)).for("update");
    const used = countIn(await tx.execute(sql`select count(*)::int as n from projects where customer_id = ${customer.id}`));
    if (q < used)
      throw fieldError(
        "quota",
        `${locked.name} already has ${counted.projects(used)}, so its quota can't be lowered to ${q}. Remove projects first, or choose ${used} or more.`,
      );
    if (q === locked.projectQuota) return customerView(locked);
    const [updated] = await tx.update(customers).set({ projectQuota: q, updatedAt: new Date() }).where(eq(customers.id, customer.id)).returning();
    const event = {
      action: "customer.quota_changed",
      targetType: "customer",
      targetId: customer.id,
      targetLabel: `${locked.name} (${locked.identifier})`,
      details: { from: locked.projectQuota, to: q },
    };
    await recordAudit(tx, principal, { ...event, customerId: customer.id });
    if (locked.partnerId) await recordAudit(tx, principal, { ...event, customerId: locked.partnerId });
    return customerView(updated);
  });
}

// ---- listing -------------------------------------------------------------------------------------------------------

/** The Customers list's sortable columns: each has a keyset index (partner_id, key, id) in migration 0010. */
export const SORTS = {
  name: { label: "Name", key: sql`lower(c.name)`, type: "text" },
  identifier: { label: "Identifier", key: sql`c.identifier`, type: "text" },
  users: { label: "Users", key: sql`c.members_count`, type: "int" },
  invitations: { label: "Pending invitations", key: sql`c.pending_invitations_count`, type: "int" },
  projects: { label: "Projects", key: sql`c.projects_count`, type: "int" },
  created: { label: "Created", key: sql`c.created_at`, type: "timestamptz" },
} as const;
export type SortKey = keyof typeof SORTS;

export const QUOTA_STATES = {
  at: "At quota",
  near: "Near quota (80 % or more)",
  under: "Under 80 %",
} as const;
export type QuotaState = keyof typeof QUOTA_STATES;

export type CustomerListOptions = {
  /** Name, identifier, contact e-mail or a member's e-mail contains it. */
  q?: string;
  /** Only the customers in this group of the partner (its id). */
  group?: string;
  /** Only the subtree below this customer (its identifier). */
  parent?: string;
  quota?: QuotaState;
  sort?: SortKey;
  dir?: "asc" | "desc";
  /** Opaque cursors from a previous page: rows after `after`, or before `before`. */
  after?: string;
  before?: string;
  limit?: number;
};

/** A row of Administration > Customers. */
const managedCustomerRow = z.object({
  id: z.uuid(),
  identifier: z.string(),
  name: z.string(),
  created_at: timestampColumn,
  project_quota: z.number().int(),
  projects: z.number().int(),
  users: z.number().int(),
  pending_invitations: z.number().int(),
  quota_state: z.enum(["at", "near", "under"]),
  self_managed: z.boolean(),
  /** How far below the manager it sits (1: directly under it). */
  depth: countColumn,
  parent_identifier: z.string().nullable(),
  parent_name: z.string().nullable(),
  /** How many sub-customers it has directly. */
  children: countColumn,
  /** Names of the partner's groups it is in (at most a few, then the count). */
  group_names: z.array(z.string()),
  group_count: countColumn,
  sort_value: z.string(),
});
export type ManagedCustomerRow = z.output<typeof managedCustomerRow>;

/** A term matching at least this many e-mail addresses is "common": the list walks its sort order instead. */
const COMMON_TERM_EMAILS = 5000;

/**
 * The search condition: name, identifier or contact e-mail contains `q`, or one of the customer's members has an
 * e-mail containing it. Two plans, chosen by how common the term is among e-mail addresses:
 * - rare ("ada@"): a UNION of index-backed lookups (trigram indexes), each limited to the manager's customers — an OR
 *   across them would scan every customer;
 * - common ("gmail"): the UNION would collect most customers before sorting and keeping 25, so the list walks its
 *   sort index and tests each row (the member test as a scalar subquery: PostgreSQL would hash an EXISTS over all).
 */
async function customerSearch(ex: Executor, scope: SQL, q: string): Promise<SQL> {
  const p = containsPattern(q.toLowerCase());
  const n = countIn(await ex.execute(sql`select count(*)::int as n from (select 1 from users u where lower(u.email) like ${p} limit ${COMMON_TERM_EMAILS}) x`));
  if (n >= COMMON_TERM_EMAILS)
    return sql`(${textContains(sql`c.name`, q)} or c.identifier ilike ${p} or lower(c.contact_email) like ${p}
      or coalesce((select bool_or(lower(u.email) like ${p}) from memberships m join users u on u.id = m.user_id where m.customer_id = c.id), false))`;
  return sql`c.id in (
    select id from customers c where ${scope} and ${textContains(sql`c.name`, q)}
    union select id from customers c where ${scope} and c.identifier ilike ${p}
    union select id from customers c where ${scope} and lower(c.contact_email) like ${p}
    union select m.customer_id from memberships m join users u on u.id = m.user_id join customers c on c.id = m.customer_id
      where ${scope} and lower(u.email) like ${p})`;
}

/** What the Customers list's search and filters may hold; "delete all that match this filter" takes the same. */
export type CustomerFilter = Pick<CustomerListOptions, "q" | "group" | "parent" | "quota">;

/**
 * The customers of an Administration area that the list's search and filters match, as a condition on `c`: the one
 * way the list and a deletion of "everything this filter matches" read a filter. Called inside an operation.
 */
export async function customerFilter(ex: Executor, manager: Manager, opts: CustomerFilter): Promise<SQL> {
  const scope = isInScopeOf(sql`c`, manager);
  const conditions: SQL[] = [scope];
  const q = searchTerm(opts.q);
  if (q) conditions.push(await customerSearch(ex, scope, q));
  if (opts.group) {
    // A group id that isn't this partner's (or isn't an id) matches nothing.
    const group = z.uuid().safeParse(opts.group).success ? opts.group : "00000000-0000-0000-0000-000000000000";
    conditions.push(sql`c.id in (select gm.customer_id from customer_group_members gm join customer_groups g on g.id = gm.group_id
      where gm.group_id = ${group} and g.partner_id = ${manager.id})`);
  }
  if (opts.parent) {
    // Looked up first, so the planner sees the id and takes the path index for a small subtree. An identifier that
    // can't be one (a hand-edited URL), or one outside this area, names nothing.
    const parentIdentifier = identifierRefSchema.safeParse(opts.parent).data ?? "";
    const parent = parseRow(
      z.object({ id: z.uuid() }),
      await ex.execute(
        sql`select p.id from customers p where p.identifier = ${parentIdentifier} and (p.id = ${manager.id} or ${isInScopeOf(sql`p`, manager)})`,
      ),
    );
    conditions.push(parent ? sql`c.path @> array[${parent.id}::uuid]` : sql`false`);
  }
  if (opts.quota && Object.hasOwn(QUOTA_STATES, opts.quota)) conditions.push(sql`c.quota_state = ${opts.quota}`);
  return sql`(${sql.join(conditions, sql` and `)})`;
}

/**
 * One page of the customers an Administration area covers (a partner's, or a self-managed customer's subtree),
 * filtered and sorted as asked, keyset-paginated on (sort key, id) so a deep page costs what the first does. Counts come
 * from the counters kept on each customer, so a page reads its 25 rows and nothing more.
 */
export async function listManagedCustomers(principal: Principal, managerIdentifier: string, opts: CustomerListOptions = {}) {
  return db.transaction(async (tx) => {
    const { customer: manager } = await authorizeAccount(tx, principal, managerIdentifier, "VIEW_ADMINISTRATION");
    return managedCustomerPage(tx, manager, opts);
  });
}

async function managedCustomerPage(ex: Executor, manager: Manager & Pick<Customer, "path">, opts: CustomerListOptions) {
  const sort: SortKey = opts.sort && Object.hasOwn(SORTS, opts.sort) ? opts.sort : "name";
  const { key, type } = SORTS[sort];
  const dir = opts.dir === "desc" ? "desc" : "asc";
  const k = keysetOf(opts, undefined, type);
  const page = keysetClauses(k, key, sql`c.id`, dir);
  const rows = await ex.execute(sql`
    select c.id, c.identifier, c.name, c.created_at, c.project_quota, c.projects_count as projects, c.members_count as users,
      c.pending_invitations_count as pending_invitations, c.quota_state, c.self_managed,
      cardinality(c.path) - ${manager.path.length}::int as depth,
      parent.identifier as parent_identifier, parent.name as parent_name,
      (select count(*)::int from customers k where k.parent_id = c.id and k.deleting_at is null) as children,
      coalesce((select array_agg(g.name order by lower(g.name)) from (select g.name from customer_group_members gm join customer_groups g on g.id = gm.group_id
        where gm.customer_id = c.id order by lower(g.name) limit 3) g), '{}') as group_names,
      (select count(*)::int from customer_group_members gm where gm.customer_id = c.id) as group_count,
      ${key}::text as sort_value
    from customers c
    left join customers parent on parent.id = c.parent_id
    where ${await customerFilter(ex, manager, opts)} and ${page.where}
    order by ${page.orderBy}
    limit ${k.limit + 1}`);
  return { ...keysetPage(parseRows(managedCustomerRow, rows), k, (r): ManagedCustomerRow => r), sort, dir };
}

/**
 * What Administration > Customers shows, after one authorization: the overview numbers and one page of the list (the
 * page's server time is then the authorization plus the slower of the list query and one row).
 */
export async function getCustomersPage(principal: Principal, managerIdentifier: string, opts: CustomerListOptions = {}) {
  // A read that partners repeat all day: no transaction (nothing is written, and numbers a moment apart from the rows
  // mislead no one), so after the authorization the overview and the list run at once on two connections. A list
  // filtered by group, subtree or quota also gets the overview of what it matches, so the numbers above it count what
  // it shows. A search does not: the list reads its first 25 matches in index order and stops, while counting every
  // match of a common word ("gmail") reads most of the customers and their members' addresses, seconds at 100,000
  // customers; the page then says its numbers are totals.
  const { customer: manager } = await authorizeAccount(db, principal, managerIdentifier, "VIEW_ADMINISTRATION");
  const searched = Boolean(searchTerm(opts.q));
  const filtered = !searched && Boolean(opts.group || opts.parent || opts.quota);
  const [overview, matching, searchMatches, list] = await Promise.all([
    overviewOf(db, manager),
    filtered ? matchingOverviewOf(db, manager, opts) : null,
    searched ? searchMatchCount(db, manager, opts) : null,
    managedCustomerPage(db, manager, opts),
  ]);
  return { overview, matching, searchMatches, list };
}

/**
 * How many customers a search matches, counted up to SEARCH_COUNTED (past it: "more"), for "select all that match".
 * Bounded low: counting 10,000 matches of "gmail" took the search page from about 25 ms of statements to 570 ms.
 */
export const SEARCH_COUNTED = 1_000;

async function searchMatchCount(ex: Executor, manager: Manager, filter: CustomerFilter): Promise<{ count: number; more: boolean }> {
  const n = countIn(
    await ex.execute(
      sql`select count(*)::int as n from (select 1 from customers c where ${await customerFilter(ex, manager, filter)} limit ${SEARCH_COUNTED + 1}) m`,
    ),
  );
  return { count: Math.min(n, SEARCH_COUNTED), more: n > SEARCH_COUNTED };
}

/**
 * The identifiers of the customers a filter matches (by name), at most `limit` of them, and how many match in all: a
 * selection of "all that match" turned into a list where a list is needed (a notice's recipients).
 */
export async function matchingCustomerIdentifiers(principal: Principal, managerIdentifier: string, filter: CustomerFilter, opts: { limit?: number } = {}) {
  const limit = Math.min(Math.max(opts.limit ?? 1000, 1), 10_000);
  return db.transaction(async (tx) => {
    const { customer: manager } = await authorizeAccount(tx, principal, managerIdentifier, "VIEW_ADMINISTRATION");
    const where = await customerFilter(tx, manager, filter);
    const rows = parseRows(
      z.object({ identifier: z.string(), total: countColumn }),
      await tx.execute(sql`select c.identifier, count(*) over ()::int as total from customers c where ${where} order by lower(c.name), c.id limit ${limit}`),
    );
    return { identifiers: rows.map((r) => r.identifier), total: rows[0]?.total ?? 0 };
  });
}

/** People are counted once each up to this many matching customers; past it their memberships are summed instead. */
export const EXACT_PEOPLE_UP_TO = 20_000;

const matchingOverviewRow = z.object({
  customers: countColumn,
  users: countColumn,
  users_exact: z.boolean(),
  pending_invitations: countColumn,
  at_quota: countColumn,
  near_quota: countColumn,
});
/** The overview of the customers a filter matches; `users_exact` false when `users` sums memberships (a big match). */
export type MatchingOverview = z.output<typeof matchingOverviewRow>;

async function matchingOverviewOf(ex: Executor, manager: Manager, filter: CustomerFilter): Promise<MatchingOverview> {
  // The distinct count of people runs only when the match is small enough (a CASE evaluates its subquery on demand):
  // counting a million memberships for a filter that matches nearly everything would cost every such page a second.
  return parseRow(
    matchingOverviewRow,
    await ex.execute(sql`
      with matched as materialized (
        select c.id, c.members_count, c.pending_invitations_count, c.quota_state from customers c where ${await customerFilter(ex, manager, filter)})
      select count(*)::int as customers,
        count(*) <= ${EXACT_PEOPLE_UP_TO} as users_exact,
        case when count(*) <= ${EXACT_PEOPLE_UP_TO}
          then (select count(distinct m.user_id)::int from memberships m where m.customer_id in (select id from matched))
          else coalesce(sum(members_count), 0)::int end as users,
        coalesce(sum(pending_invitations_count), 0)::int as pending_invitations,
        count(*) filter (where quota_state = 'at')::int as at_quota,
        count(*) filter (where quota_state = 'near')::int as near_quota
      from matched`),
  )!;
}

const partnerOverviewRow = z.object({
  customers: countColumn,
  users: countColumn,
  pending_invitations: countColumn,
  at_quota: countColumn,
  near_quota: countColumn,
});
export type PartnerOverview = z.output<typeof partnerOverviewRow>;

/**
 * The numbers at the top of Administration > Customers. A partner's are kept up to date by the database in the
 * transactions that change them (partner_stats), so reading them is one row; a self-managed customer's subtree is
 * small and counted from the per-customer counters.
 */
export async function getPartnerOverview(principal: Principal, managerIdentifier: string): Promise<PartnerOverview> {
  return db.transaction(async (tx) => {
    const { customer: manager } = await authorizeAccount(tx, principal, managerIdentifier, "VIEW_ADMINISTRATION");
    return overviewOf(tx, manager);
  });
}

/**
 * How many invitations still open, in the customers an Administration area covers, have an e-mail that could not be
 * delivered: someone is waiting for a link that never came (the home page lists them as needing attention).
 */
export async function countUndeliveredInvitations(principal: Principal, managerIdentifier: string): Promise<number> {
  return db.transaction(async (tx) => {
    const { customer: manager } = await authorizeAccount(tx, principal, managerIdentifier, "VIEW_ADMINISTRATION");
    return countIn(
      await tx.execute(sql`
        select count(*)::int as n from invitations i join customers c on c.id = i.customer_id
        where ${isInScopeOf(sql`c`, manager)} and i.accepted_at is null and i.expires_at > now()
          and exists (select 1 from outbound_emails e where e.invitation_id = i.id and e.status = 'failed')`),
    );
  });
}

/** People who belong to the partner only through customers being deleted: counted no more from the moment of the mark. */
const HIDDEN_USERS = sql`coalesce((select sum(h.users_hidden) from customer_deletion_partners h where h.partner_id = s.partner_id), 0)::int`;

async function overviewOf(ex: Executor, manager: Manager): Promise<PartnerOverview> {
  if (manager.kind === "partner") {
    const row = parseRow(
      partnerOverviewRow,
      await ex.execute(
        sql`select customers, users - ${HIDDEN_USERS} as users, pending_invitations, at_quota, near_quota from partner_stats s where partner_id = ${manager.id}`,
      ),
    );
    return row ?? { customers: 0, users: 0, pending_invitations: 0, at_quota: 0, near_quota: 0 };
  }
  const scope = isInScopeOf(sql`c`, manager);
  return parseRow(
    partnerOverviewRow,
    await ex.execute(sql`
      select count(*)::int as customers,
        coalesce(sum(c.pending_invitations_count), 0)::int as pending_invitations,
        count(*) filter (where c.quota_state = 'at')::int as at_quota,
        count(*) filter (where c.quota_state = 'near')::int as near_quota,
        (select count(distinct m.user_id)::int from memberships m join customers c on c.id = m.customer_id where ${scope}) as users
      from customers c where ${scope}`),
  )!;
}

// ---- operator commands ---------------------------------------------------------------------------------------------

const TO_PARTNER = sql`case "group" when 'customer_admin' then 'partner_admin'::member_group when 'partner_admin' then 'partner_admin'::member_group else 'partner_employee'::member_group end`;
const TO_CUSTOMER = sql`case "group" when 'partner_admin' then 'customer_admin'::member_group when 'customer_admin' then 'customer_admin'::member_group else 'customer_employee'::member_group end`;

/** Turns an account into a partner account (or back). Members keep their rank: admins stay admins, the rest employees. */
export async function setAccountKind(principal: Principal, identifier: string, kind: "partner" | "customer"): Promise<CustomerRef> {
  authorizeInstallation(principal, "CHANGE_ACCOUNT_KIND");
  return db.transaction(async (tx) => {
    const [customer] = await tx.select().from(customers).where(eq(customers.identifier, identifier.toLowerCase())).for("update");
    if (!customer) throw new NotFoundError(`No account with identifier ${identifier}.`);
    if (customer.kind === kind) return customerRef(customer);
    if (kind === "customer") {
      const managed = countIn(await tx.execute(sql`select count(*)::int as n from customers where id in ${managedCustomerIds(customer.id)}`));
      if (managed > 0)
        throw new ConflictError(`${customer.identifier} still manages ${counted.customers(managed)}; move or delete ${plural(managed, "it", "them")} first.`);
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
    return customerRef(updated);
  });
}

export * from "./hierarchy";
