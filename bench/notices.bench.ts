// Notices at scale, each figure beside raw SQL (or a bare loop) in the same run: sending to 100,000 and 1,000,000
// recipients (until every recipient would see it) beside a raw INSERT … SELECT of one row per recipient;
// acknowledgement latency with 50 concurrent clients beside a single raw UPDATE; the recipient panel of a customer with
// 10,000 past notices beside the bare indexed query; the tracking page of the biggest notice; e-mail copies per second
// through outbox → relay → BullMQ → worker → batch API beside posting the same batches in a tight loop.
// NOTICES_BENCH_MILLION=0 leaves the 1,000,000-recipient send out (seeding it takes minutes on a small machine).
import { randomBytes } from "node:crypto";
import type { Sql } from "postgres";
import { rawSql } from "@/db/client";
import { renderEmail } from "@/emails";
import { startWorker } from "@/jobs/worker";
import { systemPrincipal, userPrincipal, type UserPrincipal } from "@/lib/authz";
import { LAST_PAGE } from "@/lib/core";
import { acknowledgeNotice, getNoticeTracking, listOpenNotices, sendNotice } from "@/lib/notices";
import { FakeResend } from "../tests/support/fake-resend";
import { medianMs, timeIt, type Benchmark, type BenchRow } from "./harness";
import { seedPartnerWithPeople } from "./seed-people";

const PER_CUSTOMER = 100;
const RUNS = 15;
const ACK_CLIENTS = 50;
const ACK_ROUNDS = 6;
const PAST_NOTICES = 10_000;
const EMAILS = 3000;

/** A partner with `customers` customers of PER_CUSTOMER members each, and its admin as the principal who sends. */
async function seedPartner(sql: Sql, tag: string, customers: number) {
  const seeded = await seedPartnerWithPeople(sql, { key: `np-${tag}`, name: `Notice partner ${tag}`, customers, perCustomer: PER_CUSTOMER });
  return { ...seeded, admin: userPrincipal({ ...seeded.admin, isOperator: false }) };
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function latencies(clients: number, rounds: number, call: (round: number, client: number) => Promise<unknown>) {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) await Promise.all(Array.from({ length: clients }, async (_, c) => times.push(await timeIt(() => call(r, c)))));
  return times.sort((a, b) => a - b);
}

const bench: Benchmark = {
  name: "notices",
  async run() {
    const sql = rawSql();
    const tag = randomBytes(3).toString("hex");
    const rows: BenchRow[] = [];
    const add = (row: Omit<BenchRow, "unit" | "higherIsBetter"> & { unit?: string; higherIsBetter?: boolean }) =>
      rows.push({ unit: "ms", higherIsBetter: false, ...row });
    await sql`create unlogged table if not exists bench_notice_receipts (notice_id uuid, user_id uuid, acknowledged_at timestamptz, primary key (notice_id, user_id))`;

    // ---- send fan-out -------------------------------------------------------------------------------------------------
    const scales = process.env.NOTICES_BENCH_MILLION === "0" ? [1000] : [1000, 10_000];
    let biggest: { partner: Awaited<ReturnType<typeof seedPartner>>; noticeId: string; recipients: number } | null = null;
    for (const customers of scales) {
      const t = `${tag}${customers}`;
      let partner!: Awaited<ReturnType<typeof seedPartner>>;
      const seedMs = await timeIt(async () => {
        partner = await seedPartner(sql, t, customers);
      });
      await sql`analyze`;
      const recipients = customers * PER_CUSTOMER;
      let noticeId = "";
      const ours = await timeIt(async () => {
        noticeId = (await sendNotice(partner.admin, partner.identifier, { title: "Maintenance", body: "Tonight.", mode: "all_must_read", to: "all" })).id;
      });
      const raw = await timeIt(
        () => sql`
          insert into bench_notice_receipts (notice_id, user_id)
          select ${noticeId}::uuid, m.user_id from memberships m join customers c on c.id = m.customer_id where c.parent_id = ${partner.id}`,
      );
      add({
        name: `send to ${recipients.toLocaleString("en")} recipients (${customers.toLocaleString("en")} customers)`,
        ours,
        raw,
        rawLabel: "INSERT … SELECT, a row per recipient",
        note: `ours writes ${customers} target rows (one per customer) in the send's transaction: everyone sees it when it commits; seeding took ${(seedMs / 1000).toFixed(1)} s`,
      });
      biggest = { partner, noticeId, recipients };
    }

    // ---- acknowledgement latency ------------------------------------------------------------------------------------
    const p = biggest!.partner;
    const [firstCustomer] = await sql`select id, identifier from customers where parent_id = ${p.id} order by identifier limit 1`;
    const people = (await sql`
      select u.id, u.email, u.name from memberships m join users u on u.id = m.user_id where m.customer_id = ${firstCustomer.id}
      order by u.id limit ${ACK_CLIENTS}`) as unknown as { id: string; email: string; name: string }[];
    const principals: UserPrincipal[] = people.map((u) => userPrincipal({ ...u, isOperator: false }));
    const ackNotices: string[] = [];
    for (let r = 0; r < ACK_ROUNDS; r++)
      ackNotices.push(
        (
          await sendNotice(p.admin, p.identifier, {
            title: `Ack ${r}`,
            body: "Please acknowledge.",
            mode: "all_must_read",
            to: "customers",
            customers: [firstCustomer.identifier],
          })
        ).id,
      );
    await sql`insert into bench_notice_receipts (notice_id, user_id) select n, u from unnest(${ackNotices}::uuid[]) n, unnest(${people.map((x) => x.id)}::uuid[]) u`;
    const ours = await latencies(ACK_CLIENTS, ACK_ROUNDS, (r, c) => acknowledgeNotice(principals[c], firstCustomer.identifier, ackNotices[r]));
    const raw = await latencies(
      ACK_CLIENTS,
      ACK_ROUNDS,
      (r, c) =>
        sql`update bench_notice_receipts set acknowledged_at = now() where notice_id = ${ackNotices[r]} and user_id = ${people[c].id} and acknowledged_at is null`,
    );
    for (const pc of [50, 95])
      add({
        name: `acknowledge, ${ACK_CLIENTS} concurrent clients, p${pc}`,
        ours: percentile(ours, pc),
        raw: percentile(raw, pc),
        rawLabel: "single UPDATE",
        note:
          pc === 95
            ? "ours authorizes the person in the account, checks the notice is shown to them, inserts (on conflict do nothing), writes the outbox intent and the audit row"
            : undefined,
      });

    // ---- the panel of a customer with 10,000 past notices -----------------------------------------------------------
    await sql.begin(async (tx) => {
      const ids = await tx`
        insert into notices (partner_id, title, body_md, mode, addressed, sender_name, starts_at, expires_at, targets_count)
        select ${p.id}, 'Past ' || g, 'Old news.', 'all_must_read', '{"kind":"customers","names":[],"descendants":false}', 'Bench',
          now() - interval '30 days', now() - interval '20 days' + g * interval '1 second', 1
        from generate_series(1, ${PAST_NOTICES}) g returning id`;
      await tx`insert into notice_targets (notice_id, customer_id, live_from, live_until)
        select unnest(${ids.map((r) => r.id)}::uuid[]), ${firstCustomer.id}, now() - interval '30 days', now() - interval '20 days'`;
    });
    await sql`analyze notices`;
    await sql`analyze notice_targets`;
    const reader = principals[0];
    add({
      name: `recipient panel, customer with ${PAST_NOTICES.toLocaleString("en")} past notices`,
      ours: await medianMs(RUNS, () => listOpenNotices(reader, firstCustomer.identifier)),
      raw: await medianMs(
        RUNS,
        () => sql`
          select n.id, n.title, n.body_md from notice_targets t join notices n on n.id = t.notice_id
          where t.customer_id = ${firstCustomer.id} and t.live_until > now() and t.live_from <= now()
            and not exists (select 1 from notice_acknowledgements a where a.notice_id = n.id and a.user_id = ${reader.userId} and a.revision = n.revision)
          order by n.starts_at desc limit 20`,
      ),
      rawLabel: "bare indexed SELECT",
      note: "ours adds the authorization, the audience, Single read only, the sender's name and the Markdown rendering",
    });

    // ---- the tracking page of the biggest notice ---------------------------------------------------------------------
    const sys = systemPrincipal("cli");
    add({
      name: `tracking page, ${biggest!.recipients.toLocaleString("en")}-recipient notice`,
      ours: await medianMs(5, () => getNoticeTracking(sys, p.identifier, biggest!.noticeId)),
      raw: await medianMs(
        5,
        () => sql`
          select count(*) as expected, count(a.user_id) as acknowledged from notice_targets t join memberships m on m.customer_id = t.customer_id
          left join notice_acknowledgements a on a.notice_id = t.notice_id and a.user_id = m.user_id where t.notice_id = ${biggest!.noticeId}`,
      ),
      rawLabel: "bare COUNT of acknowledged/expected",
      note: "ours also reads the first page of customers with their counts and the first page of people still open",
    });
    const last = { before: LAST_PAGE };
    add({
      name: `tracking page, last pages of customers and open people, ${biggest!.recipients.toLocaleString("en")}-recipient notice`,
      ours: await medianMs(5, () => getNoticeTracking(sys, p.identifier, biggest!.noticeId, { customers: last, people: last })),
      raw: await medianMs(5, () => getNoticeTracking(sys, p.identifier, biggest!.noticeId)),
      rawLabel: "the same page's first pages",
      note: "keyset pages: the last page reads no row before it (an OFFSET would count every skipped customer's members)",
    });

    // ---- e-mail copies through the pipeline --------------------------------------------------------------------------
    const resend = new FakeResend();
    process.env.RESEND_BASE_URL = await resend.start();
    process.env.RESEND_API_KEY = "re_bench";
    const mailCustomers = (
      await sql`select identifier from customers where parent_id = ${p.id} order by identifier offset 1 limit ${EMAILS / PER_CUSTOMER}`
    ).map((r) => r.identifier as string);
    await sql`update outbox set relayed_at = now() where relayed_at is null`;
    const mailed = await sendNotice(p.admin, p.identifier, {
      title: "Copies",
      body: "By **e-mail** too.",
      mode: "all_must_read",
      to: "customers",
      customers: mailCustomers,
      emailCopy: true,
    });
    let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
    const pipelineMs = await timeIt(async () => {
      worker = await startWorker({ log: () => {}, pollMs: 100 });
      for (;;) {
        const [{ n }] =
          await sql`select coalesce(sum(cardinality(user_ids)), 0)::int as n from notice_deliveries where notice_id = ${mailed.id} and status = 'sent'`;
        if (n >= EMAILS) break;
        await new Promise((r) => setTimeout(r, 20));
      }
    });
    await worker!.close();
    const content = await renderEmail("notice", {
      recipientName: "Person",
      title: "Copies",
      bodyHtml: "<p>By <strong>e-mail</strong> too.</p>",
      senderName: "Bench Admin",
      partnerName: "Notice partner",
      accountUrl: "http://localhost:3000/x",
      reminder: false,
      dueAt: null,
    });
    const batch = Array.from({ length: 100 }, (_, i) => ({ from: "Tenancy <no-reply@tenancy.localhost>", to: [`p${i}@bench.test`], ...content }));
    const loopMs = await timeIt(async () => {
      for (let i = 0; i < EMAILS / 100; i++)
        await fetch(`${process.env.RESEND_BASE_URL}/emails/batch`, {
          method: "POST",
          headers: { authorization: "Bearer re_bench", "content-type": "application/json", "idempotency-key": `loop-${tag}-${i}` },
          body: JSON.stringify(batch),
        });
    });
    await resend.stop();
    delete process.env.RESEND_API_KEY;
    add({
      name: `e-mail copies, ${EMAILS} recipients`,
      ours: (EMAILS / pipelineMs) * 1000,
      raw: (EMAILS / loopMs) * 1000,
      rawLabel: "tight loop of pre-rendered batches",
      unit: "e-mails/s",
      higherIsBetter: true,
      note: "ours: from the worker's start (outbox relay, BullMQ, rendering once, per-person fill-in, batches of 100 recorded before and after each call)",
    });
    await sql`drop table bench_notice_receipts`;
    return rows;
  },
};

export default bench;
