// Deleting customers, beside raw SQL on identical data in the same run:
// - the mark of 1,000 customers holding a million people, beside the bare UPDATE that hides them;
// - rows per second of our deletion (the worker's steps, each its own transaction) beside one raw transaction deleting
//   the same data set (memberships and projects, the people left with none, then the customers): with nothing else
//   running, and again while the Customers page below is under load;
// - the Customers page over HTTP (the production build, several clients in flight) for another partner while our
//   deletion runs, beside the same while idle;
// - the time from Confirm until the customers are gone from every list (the mark), at 100,000 customers.
import { randomBytes } from "node:crypto";
import type { Sql } from "postgres";
import { rawSql } from "@/db/client";
import { hashPassword } from "@/lib/auth";
import { systemPrincipal } from "@/lib/authz";
import { cancelCustomerDeletion, requestCustomerDeletion, runCustomerDeletionStep } from "@/lib/deletions";
import { latencies, timeIt, type Benchmark, type BenchRow } from "./harness";
import { ensureBuild, get, signIn, startWeb } from "./web";

const CUSTOMERS = Number(process.env.BENCH_DELETION_CUSTOMERS ?? 1000);
const USERS_PER_CUSTOMER = Number(process.env.BENCH_DELETION_USERS ?? 1000);
const MARK_CUSTOMERS = 100_000;
const SYSTEM = systemPrincipal("cli");
const READER_PASSWORD = "bench-passphrase-9";
const log = (msg: string) => console.error(`  deletions: ${msg}`);

/**
 * A partner with CUSTOMERS customers of USERS_PER_CUSTOMER people each (one in ten also in a kept customer), a project
 * each, and a notice to all of them that one person in twenty has acknowledged.
 */
async function seedPartner(sql: Sql, tag: string) {
  const [partner] = await sql<{ id: string; identifier: string }[]>`
    insert into customers (identifier, name, kind) values (${`del-${tag}`}, 'Deleting partner', 'partner') returning id, identifier`;
  const [keeper] = await sql<{ id: string }[]>`
    insert into customers (identifier, name, parent_id) values (${`keep-${tag}`}, 'Kept', ${partner.id}) returning id`;
  await sql`insert into customers (identifier, name, parent_id) select ${`d${tag}-`} || g, 'Doomed ' || g, ${partner.id} from generate_series(1, ${CUSTOMERS}) g`;
  await sql`insert into users (email, name) select ${`d${tag}-`} || g || '@bench.test', 'Person ' || g from generate_series(1, ${CUSTOMERS * USERS_PER_CUSTOMER}) g`;
  await sql`
    insert into memberships (user_id, customer_id, "group")
    select u.id, c.id, 'customer_employee'
    from (select id, row_number() over (order by id) - 1 as n from users where email like ${`d${tag}-%`}) u
    join (select id, row_number() over (order by id) - 1 as n from customers where identifier like ${`d${tag}-%`}) c on c.n = u.n % ${CUSTOMERS}`;
  await sql`
    insert into memberships (user_id, customer_id, "group")
    select id, ${keeper.id}, 'customer_employee' from users where email like ${`d${tag}-%`} and abs(hashtext(id::text)) % 10 = 0`;
  await sql`insert into projects (customer_id, identifier, name) select id, 'web', 'Web' from customers where identifier like ${`d${tag}-%`}`;
  // A notice to every one of them (its recipients: one target row per customer), acknowledged by one person in twenty.
  const [notice] = await sql<{ id: string }[]>`
    insert into notices (partner_id, title, body_md, mode, addressed, sender_name)
    values (${partner.id}, 'Maintenance', 'On Sunday.', 'all_must_read', '{}'::jsonb, 'Bench') returning id`;
  await sql`insert into notice_targets (notice_id, customer_id, live_from) select ${notice.id}, id, now() from customers where identifier like ${`d${tag}-%`}`;
  await sql`
    insert into notice_acknowledgements (notice_id, user_id, customer_id, revision, mode)
    select ${notice.id}, m.user_id, m.customer_id, 1, 'all_must_read' from memberships m join customers c on c.id = m.customer_id
    where c.identifier like ${`d${tag}-%`} and abs(hashtext(m.user_id::text)) % 20 = 0`;
  await sql`analyze`;
  return partner;
}

async function rowsOf(sql: Sql, tag: string) {
  const [r] = await sql<{ n: number }[]>`
    select (select count(*) from customers where identifier like ${`d${tag}-%`})
      + (select count(*) from memberships m join customers c on c.id = m.customer_id where c.identifier like ${`d${tag}-%`})
      + (select count(*) from users u where u.email like ${`d${tag}-%`} and not exists (
          select 1 from memberships m join customers c on c.id = m.customer_id where m.user_id = u.id and c.identifier not like ${`d${tag}-%`}))
      + (select count(*) from projects p join customers c on c.id = p.customer_id where c.identifier like ${`d${tag}-%`})
      + (select count(*) from notice_targets t join customers c on c.id = t.customer_id where c.identifier like ${`d${tag}-%`})
      + (select count(*) from notice_acknowledgements a join customers c on c.id = a.customer_id where c.identifier like ${`d${tag}-%`}) as n`;
  return Number(r.n);
}

/**
 * The raw deletion of a seeded set, in one transaction: what the customers hold first, set-based (as ours does: a
 * cascade per row would run the counters' statement triggers once per person), the people left with no membership,
 * then the customers.
 */
function rawDelete(tag: string) {
  const sql = rawSql();
  return sql.begin(async (tx) => {
    await tx`delete from memberships m using customers c where c.id = m.customer_id and c.identifier like ${`d${tag}-%`}`;
    await tx`delete from projects p using customers c where c.id = p.customer_id and c.identifier like ${`d${tag}-%`}`;
    await tx`delete from users u where u.email like ${`d${tag}-%`} and not exists (select 1 from memberships m where m.user_id = u.id)`;
    await tx`delete from customers where identifier like ${`d${tag}-%`}`;
  });
}

const bench: Benchmark = {
  name: "deletions",
  async run() {
    const sql = rawSql();
    const run = randomBytes(3).toString("hex");
    const rows: BenchRow[] = [];

    // Ours: the worker's steps after the mark (the undo window closed at once), one transaction each.
    const ours = await seedPartner(sql, `o${run}`);
    const rowCount = await rowsOf(sql, `o${run}`);
    // The raw mark of the same customers (the same triggers fire), put back untimed; then ours, timed from Confirm.
    const rawBigMarkMs = await timeIt(() => sql`update customers set deleting_at = now() where identifier like ${`do${run}-%`}`.then(() => undefined));
    await sql`update customers set deleting_at = null where identifier like ${`do${run}-%`}`;
    let d!: Awaited<ReturnType<typeof requestCustomerDeletion>>;
    const bigMarkMs = await timeIt(async () => {
      d = await requestCustomerDeletion(SYSTEM, ours.identifier, { filter: { q: "Doomed" } }, { confirmation: String(CUSTOMERS) });
    });
    rows.push({
      name: `mark ${CUSTOMERS.toLocaleString("en")} customers holding ${(CUSTOMERS * USERS_PER_CUSTOMER).toLocaleString("en")} people`,
      unit: "ms",
      ours: bigMarkMs,
      raw: rawBigMarkMs,
      rawLabel: "one raw UPDATE of the same customers",
      higherIsBetter: false,
      note: "ours also counts the impact (people who go, people kept elsewhere, projects, invitations) and, per partner, the people it holds only through these customers, over all their memberships",
    });
    await sql`update customer_deletions set undo_until = now() where id = ${d.id}`;

    // Meanwhile, another partner's Customers page (its own 2,000 customers) over HTTP, several clients in flight.
    const buildNote = ensureBuild(log);
    const [other] = await sql<{ id: string; identifier: string }[]>`
      insert into customers (identifier, name, kind) values (${`busy-${run}`}, 'Busy partner', 'partner') returning id, identifier`;
    await sql`insert into customers (identifier, name, parent_id) select ${`b${run}-`} || g, 'Busy ' || g, ${other.id} from generate_series(1, 2000) g`;
    const [reader] = await sql<{ id: string; email: string }[]>`
      insert into users (email, name, password_hash, email_verified_at)
      values (${`reader-${run}@bench.test`}, 'Reader', ${await hashPassword(READER_PASSWORD)}, now()) returning id, email`;
    await sql`insert into memberships (user_id, customer_id, "group") values (${reader.id}, ${other.id}, 'partner_admin')`;
    const web = await startWeb();
    let oursMs = 0;
    let rawMs = 0;
    let rawCount = 0;
    let steps = 0;
    let idle: Awaited<ReturnType<typeof latencies>>;
    let during: Awaited<ReturnType<typeof latencies>> | null = null;
    let duringRaw: Awaited<ReturnType<typeof latencies>> | null = null;
    try {
      const cookie = await signIn(web.baseUrl, reader.email, READER_PASSWORD);
      const page = () => get(`${web.baseUrl}/${other.identifier}/admin/customers`, cookie);
      const pageOpts = { n: 200, concurrency: 4, warmup: 10, budgetMs: 60_000, minN: 40 };
      idle = await latencies(page, pageOpts);
      // Both deletions run under the same load (the page's clients in flight), measured for as long as each runs.
      const underLoad = async (work: () => Promise<void>) => {
        let done = false;
        const working = timeIt(work);
        const measuring = latencies(page, { ...pageOpts, warmup: 0, minN: 0, n: 100_000, budgetMs: 1_800_000, stop: () => done });
        const ms = await working.finally(() => (done = true));
        return { ms, latencies: await measuring };
      };
      const oursRun = await underLoad(async () => {
        for (;;) {
          const step = await runCustomerDeletionStep(SYSTEM, d.id);
          steps++;
          if (step.state !== "progress") return;
        }
      });
      oursMs = oursRun.ms;
      during = oursRun.latencies;

      // Raw: the same data set deleted in one transaction by hand.
      await seedPartner(sql, `r${run}`);
      rawCount = await rowsOf(sql, `r${run}`);
      const rawRun = await underLoad(() => rawDelete(`r${run}`));
      rawMs = rawRun.ms;
      duringRaw = rawRun.latencies;
    } finally {
      await web.stop();
    }

    // The same two deletions again with nothing else running: the pure rate of each, on fresh copies of the data.
    const idleOurs = await seedPartner(sql, `i${run}`);
    const idleCount = await rowsOf(sql, `i${run}`);
    const idleDeletion = await requestCustomerDeletion(SYSTEM, idleOurs.identifier, { filter: { q: "Doomed" } }, { confirmation: String(CUSTOMERS) });
    await sql`update customer_deletions set undo_until = now() where id = ${idleDeletion.id}`;
    const oursIdleMs = await timeIt(async () => {
      for (;;) if ((await runCustomerDeletionStep(SYSTEM, idleDeletion.id)).state !== "progress") return;
    });
    await seedPartner(sql, `j${run}`);
    const rawIdleCount = await rowsOf(sql, `j${run}`);
    const rawIdleMs = await timeIt(() => rawDelete(`j${run}`));
    rows.push({
      name: "delete customers: rows/s",
      unit: "rows/s",
      ours: idleCount / (oursIdleMs / 1000),
      raw: rawIdleCount / (rawIdleMs / 1000),
      rawLabel: "1 raw transaction",
      higherIsBetter: true,
      note: `the same data set as below, with nothing else running: ours ${(oursIdleMs / 1000).toFixed(1)} s, raw ${(rawIdleMs / 1000).toFixed(1)} s`,
    });
    const note =
      `${CUSTOMERS} customers × ${USERS_PER_CUSTOMER} people (1 in 10 also in a kept customer), a project each, a notice to all (1 in 20 acknowledged): ${rowCount} rows ` +
      `(customers, memberships, users who belong nowhere else, projects, notice recipients and acknowledgements); ours in ${steps} steps of DELETION_CHUNK, each its own transaction, with counters ` +
      `and the partner's overview kept by triggers, identifiers reserved and progress recorded; raw: one transaction of four DELETEs (memberships, projects, the people left with none, the customers; the same triggers; notice recipients and acknowledgements go by the foreign keys' cascades on both sides); both ran while the page below was loaded by its clients`;
    rows.push({
      name: "delete customers under page load: rows/s",
      unit: "rows/s",
      ours: rowCount / (oursMs / 1000),
      raw: rawCount / (rawMs / 1000),
      rawLabel: "1 raw transaction",
      higherIsBetter: true,
      note,
    });
    const busy = during ?? idle;
    rows.push({
      name: "Customers page during a deletion: HTTP p95",
      unit: "ms",
      ours: busy.p95,
      raw: idle.p95,
      rawLabel: "same page, idle",
      higherIsBetter: false,
      note:
        `GET /{partner}/admin/customers of another partner (2,000 customers) from the production build (${buildNote}), 4 clients in flight, ` +
        `${busy.n} requests while the deletion ran, ${idle.n} idle: p50 ${busy.p50.toFixed(1)} ms during, ${idle.p50.toFixed(1)} ms idle` +
        (duringRaw ? `; while the raw transaction ran: p50 ${duringRaw.p50.toFixed(1)} ms, p95 ${duringRaw.p95.toFixed(1)} ms` : ""),
    });

    // The mark at 100,000 customers: from Confirm until they are gone from every list; and its undo.
    const [big] = await sql<{ id: string; identifier: string }[]>`
      insert into customers (identifier, name, kind) values (${`mark-${run}`}, 'Marking partner', 'partner') returning id, identifier`;
    await sql`insert into customers (identifier, name, parent_id) select ${`m${run}-`} || g, 'Marked ' || g, ${big.id} from generate_series(1, ${MARK_CUSTOMERS}) g`;
    await sql`analyze customers`;
    // Raw: the one UPDATE that hides them (the same triggers fire: counters, overview), then put back untimed.
    const rawMarkMs = await timeIt(() => sql`update customers set deleting_at = now() where parent_id = ${big.id}`.then(() => undefined));
    await sql`update customers set deleting_at = null where parent_id = ${big.id}`;
    let deletionId = "";
    const markMs = await timeIt(async () => {
      deletionId = (await requestCustomerDeletion(SYSTEM, big.identifier, { filter: {} }, { confirmation: String(MARK_CUSTOMERS) })).id;
    });
    const undoMs = await timeIt(() => cancelCustomerDeletion(SYSTEM, big.identifier, deletionId));
    rows.push({
      name: "mark 100,000 customers as being deleted",
      unit: "ms",
      ours: markMs,
      raw: rawMarkMs,
      rawLabel: "one raw UPDATE of the same rows",
      higherIsBetter: false,
      note: `ours: authorize, select the subtree, count the impact, record the deletion, mark, outbox, audit, in one transaction; the page is gone from every list once it commits. Undo of the same: ${undoMs.toFixed(0)} ms`,
    });
    return rows;
  },
};

export default bench;
