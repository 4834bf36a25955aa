// Every queue against the faults an installation meets in production, each in the middle of a job: Redis restarted
// without its data, the worker process SIGKILLed twice during the same job, PostgreSQL stopped for 10 s. Every owed
// effect must happen exactly once (each e-mail delivered once, each copy of a notice once, each customer deleted with
// nothing left behind), and nothing is restarted by hand but the process that was killed. The file runs on a
// PostgreSQL and a Redis of its own, so it can stop them, with real worker processes (`jobs/worker.ts`).
import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { EmbeddedCluster } from "@/db/embedded";
import { noticeWork, outboundEmails } from "@/db/schema";
import { getCustomerDeletion, requestCustomerDeletion } from "@/lib/deletions";
import { inviteMember } from "@/lib/invitations";
import { sendNotice } from "@/lib/notices";
import { createManagedCustomer, setAccountKind } from "@/lib/partners";
import { FakeResend } from "../support/fake-resend";
import { addMember, as, newAccount, newUser, SYSTEM, unique } from "../support/factories";
import { startOwnDatabase } from "../support/database";
import { RedisServer } from "../support/redis-server";
import { WorkerProcess, useUniqueQueuePrefix, waitFor } from "../support/worker";

const resend = new FakeResend();
let own: Awaited<ReturnType<typeof startOwnDatabase>> | undefined;
let cluster: EmbeddedCluster;
let redis: RedisServer;
let env: Record<string, string>;
let running: WorkerProcess[] = [];

beforeAll(async () => {
  own = await startOwnDatabase("tenancy-faults-");
  cluster = own.cluster;
  const { databaseUrl } = own;
  redis = await RedisServer.start();
  // This process's own pool opens on first use, against this file's database.
  process.env.DATABASE_URL = databaseUrl;
  process.env.REDIS_URL = redis.url;
  useUniqueQueuePrefix("faults");
  env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redis.url,
    RESEND_BASE_URL: await resend.start(),
    RESEND_API_KEY: "re_test_key",
    JOB_LOCK_MS: "1500",
    JOB_STALLED_INTERVAL_MS: "500",
    JOB_SWEEP_INTERVAL_MS: "1000",
    // A notice's lease is this plus 10 s: the sweep takes over a dead worker's piece of work that long after its last batch.
    EMAIL_SEND_TIMEOUT_MS: "2000",
    EMAIL_BACKOFF_MS: "200",
    EMAIL_BACKOFF_MAX_MS: "1000",
    DATABASE_PROBE_MS: "500",
    DELETION_UNDO_MINUTES: "0",
    DELETION_CHUNK: "10",
  };
}, 120_000);

afterEach(async () => {
  await Promise.all(running.map((w) => w.kill()));
  running = [];
  resend.reset();
});

afterAll(async () => {
  await resend.stop();
  await closeDb();
  await redis?.kill();
  await own?.remove();
}, 60_000);

async function startWorker(): Promise<WorkerProcess> {
  // A first start compiles the worker's modules: slow on a busy machine.
  const worker = await WorkerProcess.start(env, 90_000);
  running.push(worker);
  return worker;
}

/** Kills the worker outright and drops it from those this file stops at the end. */
async function kill(worker: WorkerProcess): Promise<void> {
  await worker.kill();
  running = running.filter((w) => w !== worker);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops PostgreSQL for `ms` (every connection refused meanwhile, nothing probed from here), then starts it again. */
async function stopPostgresFor(ms: number): Promise<void> {
  await cluster.stop();
  await sleep(ms);
  await cluster.start();
}

async function restartRedisEmpty(): Promise<void> {
  await redis.kill();
  await redis.restart();
}

/** Each worker still running: a fault must delay the work, never take the process down. */
function expectAlive(workers: WorkerProcess[]) {
  for (const w of workers) expect(w.logged("failed to start"), "the worker died").toEqual([]);
  for (const w of workers) expect(w.hasExited, `worker ${w.pid} exited:\n${w.lines.slice(-15).join("\n")}`).toBe(false);
}

/** How many times each address received a message whose subject contains `subject`. */
function deliveriesTo(subject: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const d of resend.delivered) {
    if (!String(d.payload.subject ?? "").includes(subject)) continue;
    const to = ([] as string[]).concat(d.payload.to as string | string[])[0];
    counts.set(to, (counts.get(to) ?? 0) + 1);
  }
  return counts;
}

/** Whether a batch call (a notice's copies) is waiting for its answer right now. */
const batchWaiting = () => resend.waiting > 0;

/** The n-th batch call from now on matches (a counter, since the rule sees payloads only). */
function nthBatch(n: number) {
  let seen = 0;
  return (payload: Record<string, unknown>) => Array.isArray(payload.batch) && ++seen === n;
}

// ---- notices: the copies of a notice to 700 people, 7 batch calls ----------------------------------------------------

async function noticeWithCopies(people: number) {
  const account = await newAccount({ fullName: "Nora Notices" });
  const partner = await setAccountKind(SYSTEM, account.customer.identifier, "partner");
  const customer = await createManagedCustomer(as(account.user), partner.identifier, { name: "Big Customer", identifier: unique("nc") });
  const tag = unique("np");
  await db.execute(sql`
    with u as (insert into users (email, name) select ${tag} || '-' || g || '@example.test', 'Person ' || g from generate_series(1, ${people}) g returning id)
    insert into memberships (user_id, customer_id, "group") select id, ${customer.id}, 'customer_employee' from u`);
  const title = `Maintenance ${unique("t")}`;
  const sent = await sendNotice(as(account.user), partner.identifier, {
    title,
    body: "Once each, whatever happens.",
    mode: "all_must_read",
    to: "customers",
    customers: [customer.identifier],
    emailCopy: true,
  });
  return { id: sent.id, title, people };
}

/** Every recipient got exactly one copy, and the notice owes nothing more. */
async function expectCopiesOnce(notice: { id: string; title: string; people: number }) {
  const work = await waitFor(
    async () => {
      const rows = await db.select().from(noticeWork).where(eq(noticeWork.noticeId, notice.id));
      const publish = rows.find((r) => r.kind === "publish");
      return publish?.doneAt ? rows : null;
    },
    90_000,
    "the notice's publish to finish",
  );
  expect(work.find((r) => r.kind === "publish")!.outcome).toBe("published");
  const counts = deliveriesTo(notice.title);
  expect(counts.size).toBe(notice.people);
  expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
  const [{ sending }] = (await db.execute(
    sql`select count(*)::int as sending from notice_deliveries where notice_id = ${notice.id} and status <> 'sent'`,
  )) as unknown as { sending: number }[];
  expect(sending).toBe(0);
}

describe("notices", () => {
  it("Redis restarted empty during the fan-out: every copy once, the job's lost keys stop nothing", async () => {
    resend.respondTo(nthBatch(3), { status: 200, hang: true });
    const worker = await startWorker();
    const notice = await noticeWithCopies(700);
    await waitFor(() => Promise.resolve(batchWaiting()), 30_000, "the third batch in flight");
    await restartRedisEmpty();
    resend.release();
    await expectCopiesOnce(notice);
    expectAlive([worker]);
  }, 180_000);

  it("a scheduled publish whose delayed job Redis lost: the sweep enqueues it again and it goes out at its start", async () => {
    const worker = await startWorker();
    const account = await newAccount({ fullName: "Sam Scheduled" });
    const partner = await setAccountKind(SYSTEM, account.customer.identifier, "partner");
    const customer = await createManagedCustomer(as(account.user), partner.identifier, { name: "Later Customer", identifier: unique("lc") });
    const reader = await newUser("Rita Reader");
    await addMember(reader.id, customer.id, "customer_employee");
    const title = `Scheduled ${unique("t")}`;
    const sent = await sendNotice(as(account.user), partner.identifier, {
      title,
      body: "Later.",
      mode: "all_must_read",
      to: "customers",
      customers: [customer.identifier],
      emailCopy: true,
      startsAt: new Date(Date.now() + 6000),
    });
    const [publish] = await db.select().from(noticeWork).where(eq(noticeWork.noticeId, sent.id));
    // The job waits in the delayed set; then Redis loses it.
    await waitFor(async () => (await db.execute(sql`select 1 from outbox where relayed_at is not null and payload->>'workId' = ${publish.id}`)).length > 0);
    await restartRedisEmpty();
    const done = await waitFor(async () => (await db.select().from(noticeWork).where(eq(noticeWork.id, publish.id)))[0].doneAt, 60_000, "the publish to run");
    expect(done.getTime()).toBeGreaterThanOrEqual(publish.notBefore.getTime());
    const [after] = await db.select().from(noticeWork).where(eq(noticeWork.id, publish.id));
    expect(after.jobGeneration).toBeGreaterThanOrEqual(1);
    expect(deliveriesTo(title)).toEqual(new Map([[reader.email, 1]]));
    expectAlive([worker]);
  }, 120_000);

  it("the worker SIGKILLed twice during the same publish job: every copy once, nothing left sending", async () => {
    // The provider takes batches 2 and 4 and never answers their first call: each time the worker dies waiting.
    resend.respondTo(nthBatch(2), { status: 200, hang: true, accept: true });
    const first = await startWorker();
    const notice = await noticeWithCopies(700);
    await waitFor(() => Promise.resolve(batchWaiting()), 30_000, "batch 2 in flight");
    await kill(first);
    resend.clearScript();
    resend.respondTo(nthBatch(3), { status: 200, hang: true, accept: true });
    const second = await startWorker();
    await waitFor(() => Promise.resolve(batchWaiting()), 30_000, "batch 4 in flight");
    await kill(second);
    resend.clearScript();
    const third = await startWorker();
    await expectCopiesOnce(notice);
    // The job failed as stalled after its second death; the sweep enqueued the work again under its next generation.
    const [publish] = await db.select().from(noticeWork).where(eq(noticeWork.noticeId, notice.id));
    expect(publish.jobGeneration).toBe(1);
    expectAlive([third]);
  }, 180_000);

  it("PostgreSQL stopped for 10 s during the fan-out: every copy once, the worker rides it out", async () => {
    resend.respondTo(nthBatch(3), { status: 200, hang: true });
    const worker = await startWorker();
    const notice = await noticeWithCopies(700);
    await waitFor(() => Promise.resolve(batchWaiting()), 30_000, "the third batch in flight");
    const outage = stopPostgresFor(10_000);
    await sleep(500);
    // The provider takes the batch while the database is down: the worker can't record it, and sends it again (same key).
    resend.release();
    await outage;
    await expectCopiesOnce(notice);
    expectAlive([worker]);
  }, 180_000);
});

// ---- e-mail: 30 invitations, one of them held mid-send -------------------------------------------------------------

async function invitations(count: number) {
  const account = await newAccount({ fullName: "Ines Inviter" });
  const prefix = unique("inv");
  const emails: string[] = [];
  for (let i = 0; i < count; i++) {
    const email = `${prefix}-${i}@example.test`;
    emails.push(email);
    await inviteMember(as(account.user), account.customer.identifier, { fullName: `Invitee ${i}`, email, group: "customer_employee" });
  }
  return emails;
}

async function expectInvitationsOnce(emails: string[]) {
  await waitFor(
    async () => {
      const rows = await db
        .select({ status: outboundEmails.status })
        .from(outboundEmails)
        .where(sql`${outboundEmails.to} = any(${sql.param(emails)}::text[])`);
      return rows.length === emails.length && rows.every((r) => r.status === "sent");
    },
    90_000,
    "every invitation's e-mail to be sent",
  );
  const counts = deliveriesTo("invit");
  for (const e of emails) expect(counts.get(e), e).toBe(1);
}

const to = (address: string) => (payload: Record<string, unknown>) => ([] as unknown[]).concat(payload.to)[0] === address;

describe("e-mail", () => {
  it("Redis restarted empty while one e-mail is mid-send and the others wait: each delivered once", async () => {
    const emails = await invitations(30);
    resend.respondTo(to(emails[3]), { status: 200, hang: true });
    const worker = await startWorker();
    await waitFor(() => Promise.resolve(resend.waiting > 0), 30_000, "an e-mail mid-send");
    await restartRedisEmpty();
    resend.release();
    await expectInvitationsOnce(emails);
    expectAlive([worker]);
  }, 180_000);

  it("the worker SIGKILLed twice during the same e-mail's job: delivered once", async () => {
    const emails = await invitations(10);
    resend.respondTo(to(emails[4]), { status: 200, hang: true, accept: true }, { status: 200, hang: true, accept: true });
    const first = await startWorker();
    await waitFor(() => Promise.resolve(resend.waiting > 0), 30_000, "the e-mail mid-send");
    await kill(first);
    const second = await startWorker();
    await waitFor(() => Promise.resolve(resend.waiting > 0), 30_000, "the same e-mail mid-send again");
    await kill(second);
    const third = await startWorker();
    await expectInvitationsOnce(emails);
    expect(resend.requests.filter((r) => to(emails[4])(r.body as Record<string, unknown>)).length).toBe(3);
    expectAlive([third]);
  }, 180_000);

  it("PostgreSQL stopped for 10 s while an e-mail is mid-send: delivered once, the worker rides it out", async () => {
    const emails = await invitations(10);
    resend.respondTo(to(emails[2]), { status: 200, hang: true });
    const worker = await startWorker();
    await waitFor(() => Promise.resolve(resend.waiting > 0), 30_000, "an e-mail mid-send");
    const outage = stopPostgresFor(10_000);
    await sleep(500);
    resend.release();
    await outage;
    await expectInvitationsOnce(emails);
    expectAlive([worker]);
  }, 180_000);
});

// ---- deletion: 100 customers with 30 people each, 10 memberships a step ------------------------------------------------

async function bigDeletion() {
  const account = await newAccount({ fullName: "Dora Deleter" });
  const partner = await setAccountKind(SYSTEM, account.customer.identifier, "partner");
  const tag = unique("dk");
  await db.execute(sql`
    with c as (insert into customers (identifier, name, parent_id) select ${tag} || '-' || g, 'Doomed ' || g, ${partner.id}::uuid
      from generate_series(1, 100) g returning id),
    u as (insert into users (email, name) select ${tag} || '-' || g || '@example.test', 'Person ' || g from generate_series(1, 3000) g returning id),
    nu as (select id, row_number() over () - 1 as n from u), nc as (select id, row_number() over () - 1 as n from c)
    insert into memberships (user_id, customer_id, "group") select nu.id, nc.id, 'customer_employee' from nu join nc on nc.n = nu.n % 100`);
  const admin = as(account.user);
  const d = await requestCustomerDeletion(admin, partner.identifier, { filter: {} }, { confirmation: "100" });
  // No undo window: the worker starts at once.
  await db.execute(sql`update customer_deletions set undo_until = now() where id = ${d.id}`);
  const progress = () => getCustomerDeletion(admin, partner.identifier, d.id);
  return { id: d.id, partnerId: partner.id, progress };
}

async function expectDeletedOnce(d: Awaited<ReturnType<typeof bigDeletion>>) {
  await waitFor(async () => (await d.progress()).status === "done", 120_000, "the deletion to finish");
  expect(await d.progress()).toMatchObject({ customers_done: 100, users_done: 3000 });
  const [left] = (await db.execute(sql`
    select (select count(*)::int from customers where deletion_id = ${d.id}) as customers,
      (select count(*)::int from customers c where c.parent_id = ${d.partnerId}) as children,
      (select count(*)::int from memberships m where not exists (select 1 from users u where u.id = m.user_id)) as orphan_memberships,
      (select count(*)::int from outbound_emails where template = 'deletion-report' and customer_id = ${d.partnerId}) as reports`)) as unknown as Record<
    string,
    number
  >[];
  expect(left).toEqual({ customers: 0, children: 0, orphan_memberships: 0, reports: 1 });
}

describe("deletion", () => {
  it("Redis restarted empty mid-deletion: it finishes, every customer and person deleted once", async () => {
    const d = await bigDeletion();
    const worker = await startWorker();
    await waitFor(async () => (await d.progress()).users_done >= 300, 60_000, "the deletion under way");
    await restartRedisEmpty();
    await expectDeletedOnce(d);
    expectAlive([worker]);
  }, 240_000);

  it("the worker SIGKILLed twice during the same deletion job: it finishes", async () => {
    const d = await bigDeletion();
    const first = await startWorker();
    await waitFor(async () => (await d.progress()).users_done >= 300, 60_000, "the deletion under way");
    await kill(first);
    const second = await startWorker();
    const before = (await d.progress()).users_done;
    await waitFor(async () => (await d.progress()).users_done >= before + 300, 60_000, "the second worker under way");
    await kill(second);
    expect((await d.progress()).status).toBe("running");
    const third = await startWorker();
    await expectDeletedOnce(d);
    expectAlive([third]);
  }, 240_000);

  it("PostgreSQL stopped for 10 s mid-deletion: the worker rides it out and finishes", async () => {
    const d = await bigDeletion();
    const worker = await startWorker();
    await waitFor(async () => (await d.progress()).users_done >= 300, 60_000, "the deletion under way");
    await stopPostgresFor(10_000);
    await expectDeletedOnce(d);
    expectAlive([worker]);
  }, 240_000);
});
