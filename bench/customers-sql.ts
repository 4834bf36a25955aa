// The Customers list's statements written out by hand, for a partner: the same SELECT, conditions, order and limit that
// `listManagedCustomers` sends, the one-row overview `getPartnerOverview` reads, and the membership check before them,
// run bare (no transaction, no session, no permission tables). Benchmarks compare our figures with these and check that both return the same rows.
import postgres, { type Sql } from "postgres";
import { containsPattern, getEnv } from "@/lib/core";

/**
 * A pool of its own for the bare side, as large as the app's (10), planning every statement for its actual values as
 * ours is planned: the domain's statements go unprepared, while postgres.js prepares tagged queries, and PostgreSQL may
 * switch a prepared statement to its generic plan after five runs (about ten times slower for a common search term).
 */
export function openBarePool(): Sql {
  return postgres(getEnv().DATABASE_URL, { max: 10, onnotice: () => {}, connection: { plan_cache_mode: "force_custom_plan" } });
}

export type BarePageOptions = {
  q?: string;
  group?: string;
  parent?: string;
  sort?: "name" | "projects";
  dir?: "asc" | "desc";
  after?: { v: string; id: string };
};

export type BareCustomerRow = {
  id: string;
  identifier: string;
  name: string;
  projects: number;
  users: number;
  pending_invitations: number;
  quota_state: string;
  depth: number;
  parent_identifier: string | null;
  children: number;
  group_names: string[];
  group_count: number;
  sort_value: string;
};

export type BareOverview = { customers: number; users: number; pending_invitations: number; at_quota: number; near_quota: number };

/** One page (limit + 1 rows, as ours reads to know whether a next page exists) of a partner's customers. */
/** `managerDepth`: how many ancestors the partner has (0 for a top-level partner); rows' depth counts from it. */
/**
 * The same plans ours chooses, written bare: a term that matches many e-mails filters while walking the sort index
 * instead of collecting every match first, and a subtree's root is looked up before the list.
 */
/** The filter's conditions on `c` (search, group, subtree), as the page's customerFilter builds them. */
async function bareFilter(sql: Sql, partnerId: string, opts: BarePageOptions) {
  const scope = (alias: string) => sql`(${sql(alias)}.partner_id = ${partnerId} and ${sql(alias)}.deleting_at is null)`;
  const conditions = [scope("c")];
  if (opts.q) {
    const p = containsPattern(opts.q.toLowerCase());
    const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from (select 1 from users u where lower(u.email) like ${p} limit 5000) x`;
    if (n >= 5000)
      conditions.push(sql`(c.name ilike ${p} or c.identifier ilike ${p} or lower(c.contact_email) like ${p}
        or coalesce((select bool_or(lower(u.email) like ${p}) from memberships m join users u on u.id = m.user_id where m.customer_id = c.id), false))`);
    else
      conditions.push(sql`c.id in (
      select id from customers c where ${scope("c")} and c.name ilike ${p}
      union select id from customers c where ${scope("c")} and c.identifier ilike ${p}
      union select id from customers c where ${scope("c")} and lower(c.contact_email) like ${p}
      union select m.customer_id from memberships m join users u on u.id = m.user_id join customers c on c.id = m.customer_id
        where ${scope("c")} and lower(u.email) like ${p})`);
  }
  if (opts.group)
    conditions.push(sql`c.id in (select gm.customer_id from customer_group_members gm join customer_groups g on g.id = gm.group_id
      where gm.group_id = ${opts.group} and g.partner_id = ${partnerId})`);
  if (opts.parent) {
    const [root] = await sql<{ id: string }[]>`select p.id from customers p where p.identifier = ${opts.parent} and (p.id = ${partnerId} or ${scope("p")})`;
    conditions.push(sql`c.path @> array[${root?.id ?? null}]::uuid[]`);
  }
  return conditions;
}

/** Whether the page counts what its filter matches: a group or a subtree, not a search (lib/partners getCustomersPage). */
export const isFiltered = (opts: BarePageOptions) => !opts.q && Boolean(opts.group || opts.parent);

/** A filtered page's second overview: what the filter matches, people counted once each (the seeded matches are small). */
export async function bareMatchingOverview(sql: Sql, partnerId: string, opts: BarePageOptions): Promise<BareOverview & { users_exact: boolean }> {
  const where = (await bareFilter(sql, partnerId, opts)).reduce((all, c) => sql`${all} and ${c}`);
  const [row] = await sql<(BareOverview & { users_exact: boolean })[]>`
    with matched as materialized (select c.id, c.members_count, c.pending_invitations_count, c.quota_state from customers c where ${where})
    select count(*)::int as customers, count(*) <= 20000 as users_exact,
      case when count(*) <= 20000 then (select count(distinct m.user_id)::int from memberships m where m.customer_id in (select id from matched))
        else coalesce(sum(members_count), 0)::int end as users,
      coalesce(sum(pending_invitations_count), 0)::int as pending_invitations,
      count(*) filter (where quota_state = 'at')::int as at_quota, count(*) filter (where quota_state = 'near')::int as near_quota
    from matched`;
  return row;
}

export async function bareCustomerPage(sql: Sql, partnerId: string, managerDepth: number, opts: BarePageOptions, limit = 25) {
  const key = opts.sort === "projects" ? sql`c.projects_count` : sql`lower(c.name)`;
  const desc = opts.dir === "desc";
  const conditions = await bareFilter(sql, partnerId, opts);
  if (opts.after) {
    const cast = opts.sort === "projects" ? sql`::int` : sql``;
    conditions.push(
      desc ? sql`(${key}, c.id) < (${opts.after.v}${cast}, ${opts.after.id}::uuid)` : sql`(${key}, c.id) > (${opts.after.v}${cast}, ${opts.after.id}::uuid)`,
    );
  }
  const where = conditions.reduce((all, c) => sql`${all} and ${c}`);
  const order = desc ? sql`${key} desc, c.id desc` : sql`${key} asc, c.id asc`;
  return sql<BareCustomerRow[]>`
    select c.id, c.identifier, c.name, c.created_at, c.project_quota, c.projects_count as projects, c.members_count as users,
      c.pending_invitations_count as pending_invitations, c.quota_state, c.self_managed,
      cardinality(c.path) - ${managerDepth}::int as depth,
      parent.identifier as parent_identifier, parent.name as parent_name,
      (select count(*)::int from customers k where k.parent_id = c.id and k.deleting_at is null) as children,
      coalesce((select array_agg(g.name order by lower(g.name)) from (select g.name from customer_group_members gm join customer_groups g on g.id = gm.group_id
        where gm.customer_id = c.id order by lower(g.name) limit 3) g), '{}') as group_names,
      (select count(*)::int from customer_group_members gm where gm.customer_id = c.id) as group_count,
      ${key}::text as sort_value
    from customers c
    left join customers parent on parent.id = c.parent_id
    where ${where}
    order by ${order}
    limit ${limit + 1}`;
}

/**
 * The check every page of a partner's Administration makes before it reads anything, written bare: the account by its
 * identifier, and whether this person is one of its Partner Admins or Employees. The bare side makes it too, so both
 * sides do the same work (a route that served a partner's customers to anyone would be no comparison).
 */
export async function bareAuthorize(sql: Sql, userId: string, partnerIdentifier: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    select c.id from customers c join memberships m on m.customer_id = c.id and m.user_id = ${userId}
    where c.identifier = ${partnerIdentifier} and c.deleting_at is null and c.kind = 'partner'
      and m."group" in ('partner_admin', 'partner_employee')`;
  if (!row) throw new Error("not found");
  return row.id;
}

export async function bareOverview(sql: Sql, partnerId: string): Promise<BareOverview> {
  const [row] = await sql<
    BareOverview[]
  >`select customers, users - coalesce((select sum(h.users_hidden) from customer_deletion_partners h where h.partner_id = s.partner_id), 0)::int as users,
      pending_invitations, at_quota, near_quota from partner_stats s where partner_id = ${partnerId}`;
  return row;
}

/** The fields a person sees in a row; the two sides must agree on all of them, in order. */
export function sameRows(ours: readonly Omit<BareCustomerRow, "sort_value">[], bare: readonly Omit<BareCustomerRow, "sort_value">[]): boolean {
  const view = (r: Omit<BareCustomerRow, "sort_value">) =>
    JSON.stringify([
      r.id,
      r.identifier,
      r.name,
      r.projects,
      r.users,
      r.pending_invitations,
      r.quota_state,
      Number(r.depth),
      r.parent_identifier,
      r.children,
      r.group_names,
      r.group_count,
    ]);
  return ours.length === bare.length && ours.every((r, i) => view(r) === view(bare[i]));
}
