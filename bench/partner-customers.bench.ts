// Administration > Customers with 100,000 managed customers: the page's queries (first page, a deep page, a search,
// the overview counts) beside the bare SQL for the same rows, in the same run. Seeding is set-based.
import { randomBytes } from "node:crypto";
import { rawSql } from "@/db/client";
import { db } from "@/db/client";
import { getPartnerOverview, listManagedCustomers } from "@/lib/partners";
import { medianMs, timeIt, type Benchmark, type BenchRow } from "./harness";

const CUSTOMERS = 100_000;
const RUNS = 15;

const bench: Benchmark = {
  name: "partner customers",
  async run() {
    const sql = rawSql();
    const tag = randomBytes(3).toString("hex");
    const seedMs = await timeIt(async () => {
      await sql.begin(async (tx) => {
        const [partner] = await tx`insert into customers (identifier, name, kind) values (${`partner-${tag}`}, 'Bench Partner', 'partner') returning id`;
        await tx`
          insert into customers (identifier, name, parent_id, project_quota, created_at)
          select 'c' || ${tag} || '-' || g, 'Customer ' || md5(g::text), ${partner.id}, 5, now() - g * interval '1 second'
          from generate_series(1, ${CUSTOMERS}) g`;
        await tx`
          insert into users (email, name)
          select 'user-' || ${tag} || '-' || g || '@bench.test', 'User ' || g from generate_series(1, ${CUSTOMERS}) g`;
        await tx`
          insert into memberships (user_id, customer_id, "group")
          select u.id, c.id, 'customer_admin'
          from (select id, row_number() over (order by id) n from users where email like ${`user-${tag}-%`}) u
          join (select id, row_number() over (order by id) n from customers where parent_id = ${partner.id}) c using (n)`;
        await tx`
          insert into projects (customer_id, identifier, name)
          select id, 'proj-' || k, 'Project ' || k from customers, generate_series(1, 4) k
          where parent_id = ${partner.id} and abs(hashtext(id::text)) % 3 = 0`;
      });
      await sql`analyze`;
    });
    const [partner] = await sql`select id from customers where identifier = ${`partner-${tag}`}`;
    const pid = partner.id as string;

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
      await medianMs(RUNS, () => listManagedCustomers(db, pid, { limit: 25 })),
      await medianMs(RUNS, () => sql`select id, identifier, name from customers where parent_id = ${pid} order by lower(name), id limit 26`),
      "bare keyset SELECT",
      "ours adds per-row counts of users, pending invitations and projects",
    );
    const offsetMs = await medianMs(5, () => sql`select id, identifier, name from customers where parent_id = ${pid} order by lower(name), id offset 90000 limit 26`);
    add(
      "customers: page at row 90,000",
      await medianMs(RUNS, () => listManagedCustomers(db, pid, { limit: 25, after: deepCursor })),
      await medianMs(RUNS, () => sql`select id, identifier, name from customers where parent_id = ${pid} and (lower(name), id) > (${deepRow.v}, ${deepRow.id}::uuid) order by lower(name), id limit 26`),
      "bare keyset SELECT",
      `the same page by OFFSET 90000 takes ${offsetMs.toFixed(1)} ms`,
    );
    add(
      "customers: search by member e-mail",
      await medianMs(RUNS, () => listManagedCustomers(db, pid, { limit: 25, q: term })),
      await medianMs(RUNS, () => sql`
        select c.id, c.identifier, c.name from customers c
        where c.parent_id = ${pid} and c.id in (select m.customer_id from memberships m join users u on u.id = m.user_id where lower(u.email) like ${`%${term}%`})
        order by lower(c.name), c.id limit 26`),
      "bare SELECT, e-mail match only",
      `term "${term}" (matches ${CUSTOMERS >= 42420 ? "11" : "a few"} users); ours also matches name and identifier`,
    );
    add(
      "customers: search by name",
      await medianMs(RUNS, () => listManagedCustomers(db, pid, { limit: 25, q: "abc12" })),
      await medianMs(RUNS, () => sql`select id, identifier, name from customers where parent_id = ${pid} and name ilike '%abc12%' order by lower(name), id limit 26`),
      "bare SELECT, name match only",
    );
    add(
      "customers: overview counts",
      await medianMs(RUNS, () => getPartnerOverview(db, pid)),
      await medianMs(RUNS, () => sql`select count(*) from customers where parent_id = ${pid}`),
      "bare COUNT of customers",
      `seeding ${CUSTOMERS} customers, ${CUSTOMERS} users and memberships, ~${Math.round((CUSTOMERS * 4) / 3)} projects took ${(seedMs / 1000).toFixed(1)} s (set-based)`,
    );
    return rows;
  },
};

export default bench;
