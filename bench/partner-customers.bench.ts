// Administration > Customers with 100,000 managed customers: the page's queries (first page, a deep page, searches by a
// selective and by a common term, the overview counts) beside the bare SQL for the same rows, in the same run. Another
// partner with 100,000 customers shares the installation, so a search that isn't limited to this partner shows.
// Seeding is set-based.
import { randomBytes } from "node:crypto";
import type { Sql, TransactionSql } from "postgres";
import { rawSql } from "@/db/client";
import { systemPrincipal } from "@/lib/authz";
import { getPartnerOverview, listManagedCustomers } from "@/lib/partners";
import { medianMs, timeIt, type Benchmark, type BenchRow } from "./harness";

const CUSTOMERS = 100_000;
/** Another partner of the same installation, whose customers' members also match the common search term. */
const OTHER_CUSTOMERS = 100_000;
const RUNS = 15;
/** Nine in ten seeded e-mails are at gmail.test (the rest at corp.test), so "gmail" matches most of the installation. */
const COMMON_TERM = "gmail";

/**
 * Seeds, in one transaction and set-based: partner-<tag> with CUSTOMERS customers (one member each, ~4/3 projects
 * each on average) and other-<tag> with OTHER_CUSTOMERS customers (one member each). Exported for ad-hoc EXPLAINs.
 */
export async function seed(sql: Sql, tag: string) {
  const email = (prefix: string) => `${prefix}-${tag}-`;
  await sql.begin(async (tx) => {
    for (const [kind, count, customerPrefix, userPrefix, nameSalt] of [
      ["partner", CUSTOMERS, "c", "user", ""],
      ["other", OTHER_CUSTOMERS, "o", "member", "other"],
    ] as const) {
      const [partner] = await tx`insert into customers (identifier, name, kind) values (${`${kind}-${tag}`}, ${`Bench ${kind}`}, 'partner') returning id`;
      await tx`
        insert into customers (identifier, name, parent_id, project_quota, created_at)
        select ${customerPrefix} || ${tag} || '-' || g, 'Customer ' || md5(${nameSalt} || g), ${partner.id}, 5, now() - g * interval '1 second'
        from generate_series(1, ${count}) g`;
      await tx`
        insert into users (email, name)
        select ${email(userPrefix)} || g || case when g % 10 = 0 then '@corp.test' else '@gmail.test' end, 'User ' || g
        from generate_series(1, ${count}) g`;
      await tx`
        insert into memberships (user_id, customer_id, "group")
        select u.id, c.id, 'customer_admin'
        from (select id, row_number() over (order by id) n from users where email like ${`${email(userPrefix)}%`}) u
        join (select id, row_number() over (order by id) n from customers where parent_id = ${partner.id}) c using (n)`;
      if (kind === "partner")
        await tx`
          insert into projects (customer_id, identifier, name)
          select id, 'proj-' || k, 'Project ' || k from customers, generate_series(1, 4) k
          where parent_id = ${partner.id} and abs(hashtext(id::text)) % 3 = 0`;
    }
  });
  await sql`analyze`;
}

/**
 * The partner search written by hand: the same UNION of name, identifier and member e-mail lookups, each limited to
 * the partner's customers with `parent_id = $partner` (a join for the e-mail branch) rather than through the
 * `managedCustomerIds` subquery, with the same per-row counts, order and limit as `listManagedCustomers`.
 */
export function searchLimitedByHand(sql: Sql | TransactionSql, partnerId: string, pattern: string) {
  return sql`
    select c.id, c.identifier, c.name, c.created_at, c.project_quota,
      (select count(*)::int from projects p where p.customer_id = c.id) as projects,
      (select count(*)::int from memberships m where m.customer_id = c.id) as users,
      (select count(*)::int from invitations i where i.customer_id = c.id and i.accepted_at is null) as pending_invitations,
      lower(c.name)::text as sort_value
    from customers c
    where c.parent_id = ${partnerId} and c.id in (
      select id from customers where parent_id = ${partnerId} and name ilike ${pattern}
      union select id from customers where parent_id = ${partnerId} and identifier ilike ${pattern}
      union select m.customer_id from customers mc join memberships m on m.customer_id = mc.id join users u on u.id = m.user_id
        where mc.parent_id = ${partnerId} and lower(u.email) like ${pattern})
    order by lower(c.name), c.id
    limit 26`;
}

const bench: Benchmark = {
  name: "partner customers",
  async run() {
    const sql = rawSql();
    const tag = randomBytes(3).toString("hex");
    const seedMs = await timeIt(() => seed(sql, tag));
    const [partner] = await sql`select id from customers where identifier = ${`partner-${tag}`}`;
    const pid = partner.id as string;
    const pident = `partner-${tag}`;
    const who = systemPrincipal("cli");

    // A cursor deep in the list: the row at position 90,000 by name.
    const [deepRow] = await sql`select lower(name) v, id from customers where parent_id = ${pid} order by lower(name), id offset 90000 limit 1`;
    const deepCursor = Buffer.from(JSON.stringify({ v: deepRow.v, id: deepRow.id })).toString("base64url");
    const [someUser] = await sql`select email from users where email like ${`user-${tag}-4242@%`}`;
    const term = (someUser.email as string).slice(0, 18);

    const rows: BenchRow[] = [];
    const add = (name: string, ours: number, raw: number, rawLabel: string, note?: string) =>
      rows.push({ name, unit: "ms", ours, raw, rawLabel, higherIsBetter: false, note });

    add(
      "customers: first page",
      await medianMs(RUNS, () => listManagedCustomers(who, pident, { limit: 25 })),
      await medianMs(RUNS, () => sql`select id, identifier, name from customers where parent_id = ${pid} order by lower(name), id limit 26`),
      "bare keyset SELECT",
      "ours adds per-row counts of users, pending invitations and projects",
    );
    const offsetMs = await medianMs(
      5,
      () => sql`select id, identifier, name from customers where parent_id = ${pid} order by lower(name), id offset 90000 limit 26`,
    );
    add(
      "customers: page at row 90,000",
      await medianMs(RUNS, () => listManagedCustomers(who, pident, { limit: 25, after: deepCursor })),
      await medianMs(
        RUNS,
        () =>
          sql`select id, identifier, name from customers where parent_id = ${pid} and (lower(name), id) > (${deepRow.v}, ${deepRow.id}::uuid) order by lower(name), id limit 26`,
      ),
      "bare keyset SELECT",
      `the same page by OFFSET 90000 takes ${offsetMs.toFixed(1)} ms`,
    );
    const matching = async (t: string) => {
      const [r] = await sql`
        select count(*) filter (where u.email like ${`user-${tag}-%`})::int as ours, count(*) filter (where u.email like ${`member-${tag}-%`})::int as other
        from users u where lower(u.email) like ${`%${t}%`}`;
      return r as unknown as { ours: number; other: number };
    };
    const selective = await matching(term);
    add(
      "customers: search by member e-mail",
      await medianMs(RUNS, () => listManagedCustomers(who, pident, { limit: 25, q: term })),
      await medianMs(
        RUNS,
        () => sql`
        select c.id, c.identifier, c.name from customers c
        where c.parent_id = ${pid} and c.id in (select m.customer_id from memberships m join users u on u.id = m.user_id where lower(u.email) like ${`%${term}%`})
        order by lower(c.name), c.id limit 26`,
      ),
      "bare SELECT, e-mail match only",
      `term "${term}" (matches ${selective.ours} of this partner's users); ours also matches name and identifier`,
    );

    // A common term: it matches most e-mails of the installation, this partner's members and the other partner's.
    const common = await matching(COMMON_TERM);
    // The hand-written query runs in its own transaction, as ours does, and with custom plans only: its prepared
    // statement would otherwise switch to PostgreSQL's generic plan after five runs, which is about twice as slow for
    // this term. Ours keeps custom plans by itself (checked with auto_explain), so both are measured on the plan chosen
    // for the actual partner and pattern.
    const byHand = () =>
      sql.begin(async (tx) => {
        await tx`set local plan_cache_mode = force_custom_plan`;
        return (await searchLimitedByHand(tx, pid, `%${COMMON_TERM}%`)) as unknown as { id: string }[];
      });
    const ourPage = await listManagedCustomers(who, pident, { limit: 25, q: COMMON_TERM });
    const handPage = await byHand();
    const same = (a: { id: string }[], b: { id: string }[]) => a.length === b.length && a.every((r, i) => r.id === b[i].id);
    if (ourPage.rows.length !== 25 || !same(ourPage.rows, handPage.slice(0, 25)) || Boolean(ourPage.next) !== handPage.length > 25)
      throw new Error(`the common-term search and the hand-limited query disagree on the first page`);
    add(
      `customers: search, common term "${COMMON_TERM}"`,
      await medianMs(RUNS, () => listManagedCustomers(who, pident, { limit: 25, q: COMMON_TERM })),
      await medianMs(RUNS, byHand),
      "same query limited by hand",
      `"${COMMON_TERM}" matches ${common.ours} of this partner's ${CUSTOMERS} members and ${common.other} of the other partner's ${OTHER_CUSTOMERS}; ` +
        "the raw query is the same UNION with the same counts, order and limit, in a transaction, each branch limited by parent_id " +
        "(a join for e-mails) instead of the managedCustomerIds subquery; ours also looks up the partner for authorization",
    );
    add(
      "customers: search by name",
      await medianMs(RUNS, () => listManagedCustomers(who, pident, { limit: 25, q: "abc12" })),
      await medianMs(
        RUNS,
        () => sql`select id, identifier, name from customers where parent_id = ${pid} and name ilike '%abc12%' order by lower(name), id limit 26`,
      ),
      "bare SELECT, name match only",
    );
    add(
      "customers: overview counts",
      await medianMs(RUNS, () => getPartnerOverview(who, pident)),
      await medianMs(RUNS, () => sql`select count(*) from customers where parent_id = ${pid}`),
      "bare COUNT of customers",
      `seeding ${CUSTOMERS} + ${OTHER_CUSTOMERS} customers with as many users and memberships, ~${Math.round((CUSTOMERS * 4) / 3)} projects took ${(seedMs / 1000).toFixed(1)} s (set-based)`,
    );
    return rows;
  },
};

export default bench;
