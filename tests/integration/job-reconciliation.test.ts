// Nothing lost, nothing stuck: PostgreSQL holds the state of every e-mail, and the sweep enqueues again what the queue
// lost. Redis restarted empty, worker processes killed mid-send, an outbox row lost, several workers and relays on one
// database and queue. Every count is what the local provider (FakeResend) received; drain times are printed.
import { eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeDb, db, rawSql } from "@/db/client";
import { invitations, outbox, outboundEmails } from "@/db/schema";
import { ProducerQueues } from "@/jobs/connection";
import { SWEEP_LOCK_KEY, Sweeper } from "@/jobs/sweep";
import { idempotencyKeyOf, queueEmail } from "@/lib/email";
import { inviteMember } from "@/lib/invitations";
import { as, newAccount, unique } from "../support/factories";
import { FakeResend } from "../support/fake-resend";
import { useOwnRedis } from "../support/redis-server";
import { WorkerProcess, capturedLogs, quietOutbox, startTestWorker, useUniqueQueuePrefix, waitFor } from "../support/worker";

const resend = new FakeResend();
let account: Awaited<ReturnType<typeof newAccount>>;
const tokens: string[] = [];
const children: WorkerProcess[] = [];

beforeAll(async () => {
  useUniqueQueuePrefix("reconcile");
  process.env.RESEND_BASE_URL = await resend.start();
  process.env.RESEND_API_KEY = "re_test_key";
  account = await newAccount({ fullName: "Rex Reconcile" });
});

afterAll(async () => {
  await Promise.all(children.map((c) => c.kill()));
  await resend.stop();
  delete process.env.RESEND_API_KEY;
  delete process.env.RESEND_BASE_URL;
  await closeDb();
});

// Each test starts from a quiet outbox, with no worker process left from the one before: nothing else is in play.
beforeEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill()));
  await quietOutbox();
  resend.reset();
});

async function invite() {
  const { invitation, token } = await inviteMember(as(account.user), account.customer.identifier, {
    fullName: "Otto Outage",
    email: `${unique("lost")}@example.test`,
    group: "customer_employee",
  });
  tokens.push(token);
  const [mail] = await db.select().from(outboundEmails).where(eq(outboundEmails.invitationId, invitation.id));
  return { invitation, mail, key: idempotencyKeyOf(mail.id) };
}

async function inviteMany(n: number) {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await invite());
  return out;
}

const allSent = (invitationIds: string[], timeoutMs = 60_000) =>
  waitFor(
    async () => {
      const rows = await db.select({ s: invitations.deliveryStatus }).from(invitations).where(inArray(invitations.id, invitationIds));
      return rows.length === invitationIds.length && rows.every((r) => r.s === "sent");
    },
    timeoutMs,
    "every invitation to show sent",
  );

/** Exactly one message per e-mail at the provider, and exactly one accepted request for it. */
function expectDeliveredOnce(keys: string[]) {
  for (const key of keys) {
    expect(resend.deliveredFor(key), `${key} delivered`).toHaveLength(1);
    expect(
      resend.requestsFor(key).filter((r) => r.status === 200),
      `${key} accepted once`,
    ).toHaveLength(1);
  }
}

describe("Redis restarted without its data while jobs wait", () => {
  const redis = useOwnRedis();

  it("the sweep finds every pending e-mail again: each delivered exactly once", async () => {
    const sharedBackoff = process.env.EMAIL_BACKOFF_MS;
    // After the provider's first 503 every job waits 1.5–3 s in BullMQ's delayed set.
    process.env.EMAIL_BACKOFF_MS = "3000";
    const worker = await startTestWorker({ sweepIntervalMs: 1000 });
    try {
      resend.respondWith({ status: 503, forMs: 600_000 });
      const sent = await inviteMany(20);
      await waitFor(async () => sent.every((s) => resend.requestsFor(s.key).length >= 1), 20_000, "a first (failed) attempt of each");
      await redis.kill();
      await redis.restart();
      resend.clearScript();
      const restarted = Date.now();
      await allSent(sent.map((s) => s.invitation.id));
      console.log(`drain: 20 e-mails waiting in a Redis that restarted empty delivered ${Date.now() - restarted} ms after the restart (sweep every 1 s)`);

      expectDeliveredOnce(sent.map((s) => s.key));
      const rows = await db
        .select()
        .from(outboundEmails)
        .where(
          inArray(
            outboundEmails.id,
            sent.map((s) => s.mail.id),
          ),
        );
      for (const row of rows) {
        expect(row).toMatchObject({ status: "sent", lastError: null, leaseUntil: null });
        // Carried by a new job: `email-<id>-1`, enqueued by the sweep; the idempotency key stayed the same.
        expect(row.jobGeneration).toBeGreaterThanOrEqual(1);
      }
      expect(capturedLogs.some((l) => l.includes("pending work re-enqueued"))).toBe(true);
    } finally {
      if (!redis.running) await redis.restart();
      await worker.close();
      process.env.EMAIL_BACKOFF_MS = sharedBackoff;
    }
  });
});

describe("an outbox row lost before it was relayed", () => {
  it("the sweep enqueues the e-mail anyway, once", async () => {
    const worker = await startTestWorker({ sweepIntervalMs: 500 });
    try {
      const started = Date.now();
      const id = await db.transaction(async (tx) => {
        const emailId = await queueEmail(tx, {
          template: "welcome",
          to: `${unique("orphan")}@example.test`,
          props: { name: "Orphan", accountName: "A", identifier: "a", accountUrl: "http://x.test/a" },
        });
        await tx.delete(outbox).where(eq(outbox.jobId, `email-${emailId}`));
        return emailId;
      });
      const row = await waitFor(
        async () => {
          const [r] = await db.select().from(outboundEmails).where(eq(outboundEmails.id, id));
          return r.status === "sent" ? r : null;
        },
        15_000,
        "the e-mail to be sent",
      );
      console.log(`drain: an e-mail whose outbox row was lost delivered ${Date.now() - started} ms after it was queued (sweep every 0.5 s)`);
      expect(row.jobGeneration).toBe(1);
      expectDeliveredOnce([idempotencyKeyOf(id)]);
    } finally {
      await worker.close();
    }
  });
});

describe("worker processes killed mid-send", () => {
  it("killed twice during the same jobs: each e-mail delivered once, none left sending", async () => {
    // A queue prefix of their own: the stall check of an earlier worker on this file's prefix (every 30 s) would delay theirs.
    const env = {
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-kill`,
      JOB_LOCK_MS: "1500",
      JOB_STALLED_INTERVAL_MS: "500",
      JOB_SWEEP_INTERVAL_MS: "1000",
      EMAIL_SEND_TIMEOUT_MS: "30000",
    };
    // The provider takes every message and never answers: each worker dies with its sends in flight.
    resend.respondWith({ status: 0, hang: true, accept: true, forMs: 600_000 });
    const sent = await inviteMany(5);

    const first = await WorkerProcess.start(env);
    children.push(first);
    await waitFor(async () => resend.waiting === 5, 20_000, "5 sends in flight");
    const rows = await db
      .select({ status: outboundEmails.status })
      .from(outboundEmails)
      .where(
        inArray(
          outboundEmails.id,
          sent.map((s) => s.mail.id),
        ),
      );
    expect(rows.map((r) => r.status)).toEqual(Array(5).fill("sending"));
    await first.kill();

    const second = await WorkerProcess.start(env);
    children.push(second);
    // BullMQ's stall check hands the jobs of the dead worker to this one, which sends them again (same key).
    await waitFor(async () => resend.requests.length === 10 && resend.waiting === 5, 20_000, "the same 5 sends in flight again");
    await second.kill();

    resend.clearScript();
    const third = await WorkerProcess.start(env);
    children.push(third);
    const restarted = Date.now();
    await allSent(sent.map((s) => s.invitation.id));
    console.log(`drain: 5 e-mails whose workers were killed twice mid-send delivered ${Date.now() - restarted} ms after the third worker started`);
    await third.stop();

    expectDeliveredOnce(sent.map((s) => s.key));
    for (const s of sent) expect(resend.requestsFor(s.key).map((r) => r.status)).toEqual([0, 0, 200]);
    const after = await db
      .select()
      .from(outboundEmails)
      .where(
        inArray(
          outboundEmails.id,
          sent.map((s) => s.mail.id),
        ),
      );
    for (const row of after) expect(row).toMatchObject({ status: "sent", attempts: 3, lastError: null, leaseUntil: null, jobGeneration: 1 });
    // The second stall failed each job for good; the worker recorded it and enqueued the e-mail again.
    expect(third.logged("email job stalled: its worker stopped mid-send")).toHaveLength(5);
    const [{ n }] = (await db.execute(sql`select count(*)::int as n from outbound_emails where status = 'sending'`)) as unknown as { n: number }[];
    expect(n).toBe(0);
  });
});

describe("several workers and relays on one database and queue", () => {
  it("two worker processes (each with its relay and sweep): 500 e-mails, 500 deliveries, no row relayed twice, no sweep at once", async () => {
    const env = { QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-scale`, JOB_SWEEP_INTERVAL_MS: "200" };
    const workers = await Promise.all([WorkerProcess.start(env), WorkerProcess.start(env)]);
    children.push(...workers);
    const started = Date.now();
    const ids: string[] = [];
    for (let batch = 0; batch < 10; batch++)
      ids.push(
        ...(await db.transaction(async (tx) => {
          const out = [];
          for (let i = 0; i < 50; i++)
            out.push(
              await queueEmail(tx, {
                template: "welcome",
                to: `${unique("scale")}@example.test`,
                props: { name: `Scale ${batch * 50 + i}`, accountName: "Scale", identifier: "scale", accountUrl: "http://scale.test/scale" },
              }),
            );
          return out;
        })),
      );
    await waitFor(
      async () => {
        const [{ n }] = (await db.execute(sql`select count(*)::int as n from outbound_emails where id in ${ids} and status = 'sent'`)) as unknown as {
          n: number;
        }[];
        return n === ids.length;
      },
      120_000,
      "500 e-mails to be sent",
    );
    console.log(`drain: 500 e-mails through 2 worker processes (2 relays, 2 sweepers) in ${Date.now() - started} ms`);
    await new Promise((r) => setTimeout(r, 500)); // a few more sweeps, which must find nothing to do
    await Promise.all(workers.map((w) => w.stop()));

    expect(ids).toHaveLength(500);
    expectDeliveredOnce(ids.map(idempotencyKeyOf));
    // No e-mail was even requested twice.
    for (const id of ids) expect(resend.requestsFor(idempotencyKeyOf(id))).toHaveLength(1);
    // The two relays together handed over exactly the 500 rows: none twice.
    const relayed = workers.flatMap((w) => w.logged("outbox rows relayed")).reduce((sum, r) => sum + (r.relayed as number), 0);
    expect(relayed).toBe(500);
    // Both workers sent some.
    for (const w of workers) expect(w.logged("email sent").length).toBeGreaterThan(0);
    // The sweeps never overlapped, and in normal operation found nothing to re-enqueue.
    const sweeps = workers
      .flatMap((w) => w.logged("sweep done"))
      .map((r) => ({ start: r.startedAt as number, end: r.finishedAt as number }))
      .sort((a, b) => a.start - b.start);
    expect(sweeps.length).toBeGreaterThan(4);
    for (let i = 1; i < sweeps.length; i++) expect(sweeps[i].start).toBeGreaterThanOrEqual(sweeps[i - 1].end);
    for (const w of workers) expect(w.logged("pending work re-enqueued")).toHaveLength(0);
  });

  it("a sweep does not run while another process's sweep holds the lock", async () => {
    const queues = new ProducerQueues();
    const sweeper = new Sweeper({ queues, intervalMs: 3600_000 });
    const other = await rawSql().reserve();
    try {
      await other`select pg_advisory_lock(${SWEEP_LOCK_KEY}::bigint)`;
      expect(await sweeper.sweepOnce()).toBeNull();
      await other`select pg_advisory_unlock(${SWEEP_LOCK_KEY}::bigint)`;
      expect(await sweeper.sweepOnce()).toMatchObject({ requeued: 0, givenUp: 0 });
    } finally {
      other.release();
      await queues.close();
    }
  });
});

describe("logs", () => {
  it("of every worker, in this process and the child processes, hold no token and no accept link", () => {
    const logs = capturedLogs.join("\n");
    expect(logs).toContain('"msg":"email sent"');
    expect(logs).toContain('"msg":"pending work re-enqueued"');
    expect(tokens.length).toBeGreaterThan(20);
    for (const token of tokens) expect(logs).not.toContain(token);
    expect(logs).not.toMatch(/\/(invitations|verify-email|reset-password)\/[A-Za-z0-9_-]{20,}/);
    expect(logs).not.toContain("Failed query");
    expect(logs).not.toContain("re_test_key");
  });
});
