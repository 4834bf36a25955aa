// Administration > Customers with 100,000 managed customers, one call at a time: the list's statements (first page, a
// deep page, searches by a selective and by a common term, a small subtree, the overview) through the domain beside the
// same statements run bare, in the same run. Another partner with 100,000 customers shares the installation, so a
// search that isn't limited to this partner shows. The installation is the one seed-customers.ts seeds (once per run).
import type { Sql } from "postgres";
import { systemPrincipal } from "@/lib/authz";
import { getPartnerOverview, listManagedCustomers, type CustomerListOptions } from "@/lib/partners";
import { bareCustomerPage, bareOverview, openBarePool, sameRows, type BarePageOptions } from "./customers-sql";
import { medianMs, type Benchmark, type BenchRow } from "./harness";
import { COMMON_TERM, CUSTOMERS, OTHER_CUSTOMERS, describeSeed, seedCustomers, type SeededCustomers } from "./seed-customers";

const RUNS = 15;

const bench: Benchmark = {
  name: "partner customers",
  async run() {
    const s = await seedCustomers();
    const sql = openBarePool();
    try {
      return await measure(s, sql);
    } finally {
      await sql.end();
    }
  },
};

async function measure(s: SeededCustomers, sql: Sql): Promise<BenchRow[]> {
  const who = systemPrincipal("cli");
  const rows: BenchRow[] = [];

  /** Ours and the bare statement must show the same page before either is timed. */
  const compare = async (name: string, ours: CustomerListOptions, bare: BarePageOptions, rawLabel: string, note?: string) => {
    const page = await listManagedCustomers(who, s.partnerIdentifier, ours);
    const bareRows = await bareCustomerPage(sql, s.partnerId, 0, bare);
    if (!sameRows(page.rows, bareRows.slice(0, 25)) || Boolean(page.next) !== bareRows.length > 25)
      throw new Error(`${name}: listManagedCustomers and the bare statement disagree`);
    rows.push({
      name,
      unit: "ms",
      ours: await medianMs(RUNS, () => listManagedCustomers(who, s.partnerIdentifier, ours)),
      raw: await medianMs(RUNS, () => bareCustomerPage(sql, s.partnerId, 0, bare)),
      rawLabel,
      higherIsBetter: false,
      note,
    });
  };

  await compare("customers: first page", {}, {}, "same SELECT bare", "ours adds a transaction and the authorization of the partner");
  const [deep] = await sql<{ v: string; id: string }[]>`
      select lower(name) as v, id from customers where partner_id = ${s.partnerId} and deleting_at is null order by lower(name), id offset 90000 limit 1`;
  const offsetMs = await medianMs(
    5,
    () => sql`select id from customers where partner_id = ${s.partnerId} and deleting_at is null order by lower(name), id offset 90000 limit 26`,
  );
  const cursor = Buffer.from(JSON.stringify({ v: deep.v, id: deep.id })).toString("base64url");
  await compare(
    "customers: page at row 90,000",
    { after: cursor },
    { after: { v: deep.v, id: deep.id } },
    "same SELECT bare",
    `the same page by OFFSET 90000 takes ${offsetMs.toFixed(1)} ms`,
  );

  const matching = async (t: string) => {
    const [r] = await sql<{ ours: number; other: number }[]>`
        select count(*) filter (where u.email like ${`user-${s.tag}-%`})::int as ours, count(*) filter (where u.email like ${`member-${s.tag}-%`})::int as other
        from users u where lower(u.email) like ${`%${t}%`}`;
    return r;
  };
  const selective = `user-${s.tag}-4242@`;
  const few = await matching(selective);
  await compare(
    "customers: search by member e-mail",
    { q: selective },
    { q: selective },
    "same SELECT bare",
    `term "${selective}" matches ${few.ours} of this partner's users`,
  );
  const common = await matching(COMMON_TERM);
  await compare(
    `customers: search, common term "${COMMON_TERM}"`,
    { q: COMMON_TERM },
    { q: COMMON_TERM },
    "same SELECT bare",
    `"${COMMON_TERM}" matches ${common.ours} of this partner's members and ${common.other} of the other partner's ${OTHER_CUSTOMERS} customers' members; ` +
      `a term matching 5,000 e-mails or more is filtered while walking the name index (ours and bare alike), instead of collecting every match first`,
  );
  await compare("customers: search by name", { q: "abc12" }, { q: "abc12" }, "same SELECT bare");
  // A level-4 customer: five sub-customers, none among the first names of the partner's 100,000.
  const small = `c${s.tag}-60001`;
  await compare(
    "customers: subtree of 5",
    { parent: small },
    { parent: small },
    "same SELECT bare",
    "the subtree's root is looked up first (ours and bare alike), so the plan uses the path index",
  );
  rows.push({
    name: "customers: overview",
    unit: "ms",
    ours: await medianMs(RUNS, () => getPartnerOverview(who, s.partnerIdentifier)),
    raw: await medianMs(RUNS, () => bareOverview(sql, s.partnerId)),
    rawLabel: "partner_stats row bare",
    higherIsBetter: false,
    note: `${CUSTOMERS} customers of this partner; ${describeSeed(s)}`,
  });
  return rows;
}

export default bench;
