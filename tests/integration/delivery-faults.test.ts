// Invitation e-mail when things go wrong: Redis stopped under the worker, the provider rate-limiting or failing, and
// the relay handing the same outbox row over twice. Real worker, real Redis, the real Resend SDK against FakeResend.
import { Queue } from "bullmq";
import { and, eq } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { auditEvents, invitations, outbox, outboundEmails } from "@/db/schema";
import { EMAIL_QUEUE } from "@/jobs/email";
import type { RunningWorker } from "@/jobs/worker";
import { inviteMember, resendInvitation } from "@/lib/invitations";
import { newAccount, unique, as } from "../support/factories";
import { FakeResend } from "../support/fake-resend";
import { useOwnRedis } from "../support/redis-server";
import { quietOutbox, startTestWorker, useUniqueQueuePrefix, waitFor } from "../support/worker";

const EMAIL_ATTEMPTS = 4;
const resend = new FakeResend();

beforeAll(async () => {
  useUniqueQueuePrefix("faults");
  await quietOutbox();
  process.env.RESEND_BASE_URL = await resend.start();
  process.env.RESEND_API_KEY = "re_test_key";
  // Read when the relay enqueues a job; 3 failures then a success (test c) still fit, a 4th failure is final (test d).
  process.env.EMAIL_ATTEMPTS = String(EMAIL_ATTEMPTS);
});

afterAll(async () => {
  await resend.stop();
  delete process.env.RESEND_API_KEY;
  delete process.env.RESEND_BASE_URL;
  delete process.env.EMAIL_ATTEMPTS;
  await closeDb();
});

beforeEach(() => resend.reset());

const invitationOf = async (id: string) => (await db.select().from(invitations).where(eq(invitations.id, id)))[0];
const emailsOf = (invitationId: string) =>
  db.select().from(outboundEmails).where(eq(outboundEmails.invitationId, invitationId)).orderBy(outboundEmails.createdAt);
const outboxRowOf = async (emailId: string) =>
  (
    await db
      .select()
      .from(outbox)
      .where(eq(outbox.jobId, `email-${emailId}`))
  )[0];
const keysOf = () => resend.requests.map((r) => r.headers["idempotency-key"]);

/** A fresh account whose welcome e-mail has gone out already, so it cannot take a scripted provider answer. */
async function quietAccount() {
  const account = await newAccount({ fullName: "Fay Faults" });
  await waitFor(
    async () => {
      const [welcome] = await db
        .select()
        .from(outboundEmails)
        .where(and(eq(outboundEmails.customerId, account.customer.id), eq(outboundEmails.template, "welcome")));
      return welcome?.status === "sent";
    },
    20_000,
    "the welcome e-mail",
  );
  resend.reset();
  return account;
}

async function invite(account: Awaited<ReturnType<typeof newAccount>>) {
  const email = `${unique("faulty")}@example.test`;
  const { invitation, token } = await inviteMember(as(account.user), account.customer.identifier, {
    fullName: "Ines Invitee",
    email,
    group: "customer_employee",
  });
  const [mail] = await emailsOf(invitation.id);
  return { invitation, token, mail, email };
}

const invitationSent = (id: string) => waitFor(async () => ((await invitationOf(id)).deliveryStatus === "sent" ? true : null), 20_000, "delivery_status sent");

describe("Redis stopped during an invite", () => {
  const redis = useOwnRedis();

  /** Kills Redis, invites, checks the invite is committed and nothing leaves, restarts Redis, expects one delivery. */
  async function inviteWhileRedisIsDown(worker: RunningWorker, account: Awaited<ReturnType<typeof newAccount>>, opts: { relayConnected: boolean }) {
    await redis.kill();
    worker.relay.lastError = null;

    const { invitation, mail } = await invite(account);
    // The invite succeeded for the user: invitation, e-mail record and outbox intent are committed.
    expect(await outboxRowOf(mail.id)).toMatchObject({ relayedAt: null });

    // The relay tries twice more (it polls every 200 ms and was notified by the insert; each try is counted once it
    // has ended), and nothing has left.
    const target = worker.relay.rounds + 2;
    await waitFor(async () => worker.relay.rounds >= target, 30_000, "two more relay rounds");
    expect(await outboxRowOf(mail.id)).toMatchObject({ relayedAt: null });
    expect(resend.requests).toHaveLength(0);
    expect((await invitationOf(invitation.id)).deliveryStatus).toBe("queued");
    // A relay with a live queue connection fails fast and says so; one still connecting waits for Redis instead.
    if (opts.relayConnected) expect(worker.relay.lastError).not.toBeNull();

    await redis.restart();
    await invitationSent(invitation.id);
    expect(resend.delivered).toHaveLength(1);
    expect(resend.delivered[0].key).toBe(`tenancy-email-${mail.id}`);
    expect(resend.delivered[0].payload.to).toEqual([invitation.email]);
    const [after] = await emailsOf(invitation.id);
    expect(after).toMatchObject({ status: "sent", attempts: 1, transport: "resend", providerMessageId: resend.delivered[0].id });
    expect((await outboxRowOf(mail.id)).relayedAt).not.toBeNull();
    return { invitation, mail };
  }

  it("a worker that has been delivering: the invite succeeds, the e-mail waits, and goes out exactly once when Redis is back", async () => {
    const worker = await startTestWorker();
    try {
      // The welcome e-mail goes through first, so the relay's queue and the BullMQ worker hold live connections.
      const account = await quietAccount();
      await inviteWhileRedisIsDown(worker, account, { relayConnected: true });
      // The relay recovered from the outage it noticed.
      expect(worker.relay.lastError).toBeNull();
      // The BullMQ worker reconnected by itself and keeps serving: another invitation goes out at once.
      const next = await invite(account);
      await invitationSent(next.invitation.id);
      expect(resend.delivered).toHaveLength(2);
    } finally {
      // The next test starts from a running Redis.
      if (!redis.running) await redis.restart();
      await worker.close();
    }
  });

  it("a worker whose relay has not connected yet: the same, exactly once after Redis is back", async () => {
    const account = await newAccount({ fullName: "Fay Faults" });
    // No worker ran while this account's welcome e-mail was queued: mark it relayed so only the invitation is in play.
    await quietOutbox();
    const worker = await startTestWorker();
    try {
      await inviteWhileRedisIsDown(worker, account, { relayConnected: false });
      expect(worker.workers.every((w) => w.isRunning())).toBe(true);
    } finally {
      // The next test starts from a running Redis.
      if (!redis.running) await redis.restart();
      await worker.close();
    }
  });
});

describe("shutting the worker down", () => {
  const redis = useOwnRedis();

  it("releases every Redis connection the worker and its relay opened", async () => {
    const worker = await startTestWorker();
    // One delivery, so the relay has opened its queue connection as well.
    await quietAccount();
    expect(await redis.clients()).toBeGreaterThan(0);
    await worker.close();
    await waitFor(async () => (await redis.clients()) === 0, 5_000, "no client to stay connected");
  });

  /** A worker serving, Redis killed for long enough that every connection waits seconds between reconnects. */
  async function workerAfterAnOutage() {
    const worker = await startTestWorker();
    await waitFor(async () => worker.workers.every((w) => w.isRunning()), 10_000, "the workers to run");
    await redis.kill();
    await new Promise((r) => setTimeout(r, 6000));
    return worker;
  }

  // BullMQ's Worker.close() waits for an "end" event that ioredis never emits for a client closed while it waits to
  // reconnect, even after Redis is back (taskforcesh/bullmq#4656): without our own close this hangs for good.
  it("closes at once, cleanly, when Redis has just come back and connections are still waiting to reconnect", async () => {
    const worker = await workerAfterAnOutage();
    await redis.restart();
    const started = Date.now();
    await worker.close();
    // Bounded by the reconnect wait (5 s), not by the test's timeout.
    expect(Date.now() - started).toBeLessThan(15_000);
    await waitFor(async () => (await redis.clients()) === 0, 5_000, "no client of the worker to stay connected");
  });

  it("closes by force when Redis stays away", async () => {
    const worker = await workerAfterAnOutage();
    try {
      const started = Date.now();
      await worker.close();
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await redis.restart();
    }
  });
});

describe("provider faults", () => {
  let worker: RunningWorker;
  let queue: Queue;
  let account: Awaited<ReturnType<typeof newAccount>>;

  beforeAll(async () => {
    worker = await startTestWorker();
    queue = new Queue(EMAIL_QUEUE, { connection: new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null }), prefix: process.env.QUEUE_PREFIX });
    account = await quietAccount();
  });

  afterAll(async () => {
    await worker?.close();
    await queue?.close();
  });

  it("(b) a 429 with Retry-After, then 200: delivered once, after the wait the provider asked for", async () => {
    resend.respondWith({ status: 429, headers: { "retry-after": "1" } });
    const { invitation, mail } = await invite(account);
    await invitationSent(invitation.id);
    expect(resend.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(resend.requests[1].at - resend.requests[0].at).toBeGreaterThanOrEqual(900);
    expect(resend.delivered).toHaveLength(1);
    expect(new Set(keysOf())).toEqual(new Set([`tenancy-email-${mail.id}`]));
    const [sent] = await emailsOf(invitation.id);
    expect(sent).toMatchObject({ status: "sent", attempts: 2, lastError: null });
  });

  it("(c) 500 three times, then 200: one e-mail, 4 attempts, the same Idempotency-Key on all 4 requests", async () => {
    resend.respondWith({ status: 500 }, { status: 500 }, { status: 500 });
    const { invitation, mail } = await invite(account);
    await invitationSent(invitation.id);
    expect(resend.requests.map((r) => r.status)).toEqual([500, 500, 500, 200]);
    expect(keysOf()).toEqual(Array(4).fill(`tenancy-email-${mail.id}`));
    expect(resend.delivered).toHaveLength(1);
    const [sent] = await emailsOf(invitation.id);
    expect(sent).toMatchObject({ status: "sent", attempts: 4, providerMessageId: resend.delivered[0].id });
  });

  it("(d) failing past EMAIL_ATTEMPTS marks it failed and audited; a resend then goes out and shows sent", async () => {
    resend.respondWith(...Array.from({ length: EMAIL_ATTEMPTS }, () => ({ status: 500 })));
    const { invitation, mail } = await invite(account);
    await waitFor(async () => ((await invitationOf(invitation.id)).deliveryStatus === "failed" ? true : null), 20_000, "delivery_status failed");

    const [failed] = await emailsOf(invitation.id);
    expect(failed).toMatchObject({ status: "failed", attempts: EMAIL_ATTEMPTS });
    expect(failed.lastError).toMatch(/500/);
    expect(resend.requests.map((r) => r.status)).toEqual(Array(EMAIL_ATTEMPTS).fill(500));
    expect(resend.delivered).toHaveLength(0);
    // BullMQ gave up too: no further attempt is pending.
    expect(await (await queue.getJob(`email-${mail.id}`))?.getState()).toBe("failed");
    const events = await db
      .select()
      .from(auditEvents)
      .where(
        and(eq(auditEvents.customerId, account.customer.id), eq(auditEvents.action, "invitation.delivery_failed"), eq(auditEvents.targetId, invitation.id)),
      );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorKind: "system", actorId: null, actorLabel: "Tenancy", targetType: "invitation", targetLabel: invitation.email });
    expect((events[0].details as { error: string }).error).toMatch(/500/);

    const { token } = await resendInvitation(as(account.user), account.customer.identifier, invitation.id);
    await invitationSent(invitation.id);
    const [first, second] = await emailsOf(invitation.id);
    expect(first).toMatchObject({ id: mail.id, status: "failed" });
    expect(second).toMatchObject({ status: "sent", attempts: 1 });
    expect(resend.delivered).toHaveLength(1);
    expect(resend.delivered[0].key).toBe(`tenancy-email-${second.id}`);
    expect(String(resend.delivered[0].payload.html)).toContain(`/invitations/${token}`);
  });

  describe("(e) the same outbox row relayed again", () => {
    /** An invitation e-mail delivered normally; returns its record and its BullMQ job id. */
    async function delivered() {
      const sent = await invite(account);
      await invitationSent(sent.invitation.id);
      expect(resend.delivered).toHaveLength(1);
      return { ...sent, jobId: `email-${sent.mail.id}` };
    }

    async function relayAgain(emailId: string) {
      await db
        .update(outbox)
        .set({ relayedAt: null })
        .where(eq(outbox.jobId, `email-${emailId}`));
      await waitFor(async () => (await outboxRowOf(emailId)).relayedAt !== null, 20_000, "the relay to take the row again");
    }

    const jobsFor = async (emailId: string) =>
      (await queue.getJobs(["completed", "failed", "active", "waiting", "delayed", "prioritized"])).filter(
        (j) => (j.data as { emailId?: string }).emailId === emailId,
      );

    it("is deduplicated by its deterministic job id: still one job, not run again, no second request", async () => {
      const { mail, jobId } = await delivered();
      const before = await queue.getJob(jobId);
      expect(before?.returnvalue).toEqual({ status: "sent" });

      await relayAgain(mail.id);
      const jobs = await jobsFor(mail.id);
      expect(jobs.map((j) => j.id)).toEqual([jobId]);
      expect(jobs[0]).toMatchObject({ returnvalue: { status: "sent" }, finishedOn: before!.finishedOn, timestamp: before!.timestamp });
      expect(resend.requests).toHaveLength(1);
      expect(resend.delivered).toHaveLength(1);
    });

    it("when the queue has forgotten the job, the worker sees the record is sent and does not send again", async () => {
      const { mail, jobId } = await delivered();
      await queue.remove(jobId);

      await relayAgain(mail.id);
      const rerun = await waitFor(
        async () => {
          const job = await queue.getJob(jobId);
          return job?.finishedOn ? job : null;
        },
        20_000,
        "the re-added job to finish",
      );
      expect(rerun.returnvalue).toEqual({ status: "already-sent" });
      expect(resend.requests).toHaveLength(1);
      expect(resend.delivered).toHaveLength(1);
      const [row] = await db.select().from(outboundEmails).where(eq(outboundEmails.id, mail.id));
      expect(row).toMatchObject({ status: "sent", attempts: 1 });
    });

    it("when the provider accepted it but the record was not marked sent (crash), the idempotency key stops a second e-mail", async () => {
      const { mail, jobId } = await delivered();
      const providerId = resend.delivered[0].id;
      await db.update(outboundEmails).set({ status: "queued", sentAt: null }).where(eq(outboundEmails.id, mail.id));
      await queue.remove(jobId);

      await relayAgain(mail.id);
      const sent = await waitFor(
        async () => {
          const [row] = await db.select().from(outboundEmails).where(eq(outboundEmails.id, mail.id));
          return row.status === "sent" ? row : null;
        },
        20_000,
        "the record to be sent again",
      );
      expect(resend.requests.map((r) => r.status)).toEqual([200, 200]);
      expect(keysOf()).toEqual([`tenancy-email-${mail.id}`, `tenancy-email-${mail.id}`]);
      expect(resend.delivered).toHaveLength(1);
      expect(sent).toMatchObject({ providerMessageId: providerId, attempts: 2 });
    });
  });
});
