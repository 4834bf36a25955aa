// Retries that fit the fault, and bookkeeping that never lies: a 429 waits without using up an attempt, 5xx back off,
// a 4xx fails at once with the provider's words, a provider that never answers times out, the retry budget is time,
// not a count; poison outbox rows, failed renders, a missing provider and superseded e-mails end where they should.
// Every count is what the local provider (FakeResend) received. Drain times are printed with console.log.
import { Queue } from "bullmq";
import { and, eq, sql } from "drizzle-orm";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { auditEvents, invitations, outbox, outboundEmails } from "@/db/schema";
import { EMAIL_QUEUE } from "@/jobs/email";
import type { RunningWorker } from "@/jobs/worker";
import { getLogger } from "@/lib/core";
import { idempotencyKeyOf, queueEmail } from "@/lib/email";
import { inviteMember, listInvitations, resendInvitation } from "@/lib/invitations";
import { as, newAccount, unique } from "../support/factories";
import { FakeResend } from "../support/fake-resend";
import { capturedLogs, quietOutbox, startTestWorker, useUniqueQueuePrefix, waitFor } from "../support/worker";

const resend = new FakeResend();
let worker: RunningWorker;
let queue: Queue;
let account: Awaited<ReturnType<typeof newAccount>>;
/** Every invitation token issued in this file: none may appear in a log line. */
const tokens: string[] = [];

const ENV = {
  EMAIL_BACKOFF_MS: "50",
  EMAIL_BACKOFF_MAX_MS: "400",
  EMAIL_SEND_TIMEOUT_MS: "1000",
  EMAIL_RETRY_BUDGET_HOURS: "24",
};
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  useUniqueQueuePrefix("retries");
  await quietOutbox();
  process.env.RESEND_BASE_URL = await resend.start();
  process.env.RESEND_API_KEY = "re_test_key";
  for (const [k, v] of Object.entries({ ...ENV, EMAIL_ATTEMPTS: undefined, DEV_MAILBOX: undefined })) {
    saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  worker = await startTestWorker({ sweepIntervalMs: 1000 });
  queue = new Queue(EMAIL_QUEUE, { connection: new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null }), prefix: process.env.QUEUE_PREFIX });
  account = await newAccount({ fullName: "Rita Retries" });
  await waitFor(async () =>
    (await db.select().from(outboundEmails).where(eq(outboundEmails.customerId, account.customer.id))).every((e) => e.status === "sent"),
  );
});

afterAll(async () => {
  await worker?.close();
  await queue?.close();
  await resend.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  delete process.env.RESEND_API_KEY;
  delete process.env.RESEND_BASE_URL;
  await closeDb();
});

beforeEach(() => resend.reset());

/** Sets environment variables for one test; returns the function that puts them back. */
function withEnv(vars: Record<string, string | undefined>): () => void {
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, val] of Object.entries(v)) {
      if (val === undefined) delete process.env[k];
      else process.env[k] = val;
    }
  };
  apply(vars);
  return () => apply(before);
}

const addressed = (to: string) => (p: Record<string, unknown>) => Array.isArray(p.to) && p.to.includes(to);
const emailRow = async (id: string) => (await db.select().from(outboundEmails).where(eq(outboundEmails.id, id)))[0];
const invitationOf = async (id: string) => (await db.select().from(invitations).where(eq(invitations.id, id)))[0];
const statusOf = async (invitationId: string) => (await invitationOf(invitationId)).deliveryStatus;

async function invite(email = `${unique("retry")}@example.test`) {
  const { invitation, token } = await inviteMember(as(account.user), account.customer.identifier, {
    fullName: "Ivy Invitee",
    email,
    group: "customer_employee",
  });
  tokens.push(token);
  const [mail] = await db.select().from(outboundEmails).where(eq(outboundEmails.invitationId, invitation.id)).orderBy(outboundEmails.createdAt);
  return { invitation, token, mail, email, key: idempotencyKeyOf(mail.id) };
}

const delivered = (invitationId: string, timeoutMs = 30_000) =>
  waitFor(async () => (await statusOf(invitationId)) === "sent", timeoutMs, "the invitation to show sent");

describe("retries that fit the fault", () => {
  it("10 s of 429 (Retry-After: 1), then 500 ×20, then 200: every e-mail delivered once; 429s pause the queue and use up no attempt", async () => {
    resend.respondWith({ status: 429, headers: { "retry-after": "1" }, forMs: 10_000 }, ...Array.from({ length: 20 }, () => ({ status: 500 })));
    const started = Date.now();
    const sent = [];
    for (let i = 0; i < 10; i++) sent.push(await invite());
    await Promise.all(sent.map((s) => delivered(s.invitation.id, 45_000)));
    console.log(`drain: 10 e-mails through 10 s of 429 + 20 × 500 delivered ${Date.now() - started} ms after the first invite`);

    for (const s of sent) {
      expect(resend.deliveredFor(s.key), "delivered once").toHaveLength(1);
      expect(
        resend.requestsFor(s.key).filter((r) => r.status === 200),
        "one accepted request",
      ).toHaveLength(1);
    }
    const statuses = resend.requests.map((r) => r.status);
    expect(statuses.filter((s) => s === 500)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    // Each 429 paused the whole queue for the second the provider asked for: the 429s come in bursts a second apart.
    const bursts = resend.requests
      .filter((r) => r.status === 429)
      .map((r) => r.at)
      .reduce<number[]>((starts, at) => (starts.length && at - starts[starts.length - 1] < 500 ? starts : [...starts, at]), []);
    for (let i = 1; i < bursts.length; i++) expect(bursts[i] - bursts[i - 1]).toBeGreaterThanOrEqual(900);
    expect(bursts.length).toBeLessThanOrEqual(12);
    // A 429 uses up no attempt: BullMQ counted only the 500s (and the final success) of each job.
    for (const s of sent) {
      const job = await queue.getJob(`email-${s.mail.id}`);
      const fiveHundreds = resend.requestsFor(s.key).filter((r) => r.status === 500).length;
      expect(job?.attemptsMade).toBe(fiveHundreds + 1);
      const row = await emailRow(s.mail.id);
      expect(row).toMatchObject({ status: "sent", lastError: null, attempts: resend.requestsFor(s.key).length });
    }
  });

  it("a provider that never answers: the send is abandoned after EMAIL_SEND_TIMEOUT_MS and retried, while the others keep flowing", async () => {
    const slowAddress = `${unique("slow")}@example.test`;
    resend.respondTo(addressed(slowAddress), { status: 0, hang: true }, { status: 0, hang: true });
    const started = Date.now();
    const slow = await invite(slowAddress);
    await waitFor(async () => resend.waiting === 1, 10_000, "the slow request to hang");
    const others = [];
    for (let i = 0; i < 5; i++) others.push(await invite());
    await Promise.all(others.map((o) => delivered(o.invitation.id)));
    const othersDone = Date.now();
    await delivered(slow.invitation.id);
    console.log(`drain: an e-mail whose provider hung twice delivered ${Date.now() - started} ms after its invite (timeout 1000 ms); 5 others meanwhile`);

    const slowRequests = resend.requestsFor(slow.key);
    expect(slowRequests.map((r) => r.status)).toEqual([0, 0, 200]);
    for (const r of slowRequests.slice(0, 2)) {
      // Abandoned by the worker (its connection closed), about EMAIL_SEND_TIMEOUT_MS after it was sent.
      expect(r.abandonedAt).toBeDefined();
      expect(r.abandonedAt! - r.at).toBeGreaterThanOrEqual(900);
      expect(r.abandonedAt! - r.at).toBeLessThan(3000);
    }
    // The others went out while the slow one was still hanging.
    expect(othersDone).toBeLessThan(slowRequests[1].abandonedAt!);
    for (const o of others) expect(resend.deliveredFor(o.key)).toHaveLength(1);
    expect(resend.deliveredFor(slow.key)).toHaveLength(1);
    expect(await emailRow(slow.mail.id)).toMatchObject({ status: "sent", attempts: 3, lastError: null });
  });

  it("a 4xx other than 429 fails at once, and the admin sees the provider's message on the invitation", async () => {
    const address = `${unique("bad")}@example.test`;
    const providerMessage = "Invalid `to` field. The email address needs to follow the `email@example.com` format.";
    resend.respondTo(addressed(address), { status: 422, body: { statusCode: 422, name: "validation_error", message: providerMessage } });
    const { invitation, mail, key } = await invite(address);
    await waitFor(async () => (await statusOf(invitation.id)) === "failed", 10_000, "the invitation to show failed");

    expect(resend.requestsFor(key)).toHaveLength(1);
    const row = await emailRow(mail.id);
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row.lastError).toContain(providerMessage);
    expect(await (await queue.getJob(`email-${mail.id}`))?.getState()).toBe("failed");
    const { rows } = await listInvitations(as(account.user), account.customer.identifier, { q: address, limit: 10 });
    expect(rows).toHaveLength(1);
    expect(rows[0].deliveryStatus).toBe("failed");
    expect(rows[0].deliveryError).toContain(providerMessage);
    // A queued or sent invitation shows no error.
    const ok = await invite();
    await delivered(ok.invitation.id);
    const listed = await listInvitations(as(account.user), account.customer.identifier, { q: ok.email, limit: 10 });
    expect(listed.rows[0]).toMatchObject({ deliveryStatus: "sent", deliveryError: null });
  });

  it("retries end when the retry budget (time, not a count) is spent: failed, with the last error", async () => {
    const restore = withEnv({ EMAIL_RETRY_BUDGET_HOURS: String(2 / 3600) });
    try {
      const address = `${unique("budget")}@example.test`;
      resend.respondTo(addressed(address), ...Array.from({ length: 500 }, () => ({ status: 503 })));
      const { invitation, mail, key } = await invite(address);
      await waitFor(async () => (await statusOf(invitation.id)) === "failed", 15_000, "the invitation to show failed");
      const requests = resend.requestsFor(key);
      // Many attempts (the backoff is capped at 400 ms), for as long as the 2 s budget lasted, then no more.
      expect(requests.length).toBeGreaterThan(4);
      expect(requests[requests.length - 1].at - requests[0].at).toBeGreaterThanOrEqual(1500);
      const row = await emailRow(mail.id);
      expect(row).toMatchObject({ status: "failed", attempts: requests.length });
      expect(row.lastError).toMatch(/503/);
      // The job's own end is recorded (failed, no retry scheduled): nothing can send again, and nothing did.
      await waitFor(async () => (await (await queue.getJob(`email-${mail.id}`))?.getState()) === "failed", 15_000, "the job to have failed for good");
      expect(resend.requestsFor(key)).toHaveLength(requests.length);
    } finally {
      restore();
    }
  });
});

describe("bookkeeping that never lies", () => {
  it("with no provider and no dev mailbox, an e-mail is recorded as not sent, with the reason", async () => {
    const restore = withEnv({ RESEND_API_KEY: undefined, DEV_MAILBOX: "off" });
    try {
      const { invitation, mail, token } = await invite();
      await waitFor(async () => (await statusOf(invitation.id)) === "failed", 10_000, "the invitation to show failed");
      const row = await emailRow(mail.id);
      expect(row).toMatchObject({ status: "failed", transport: null, sentAt: null, providerMessageId: null });
      expect(row.lastError).toMatch(/no e-mail provider is configured/);
      // No mailbox holds it either: its record keeps no live link.
      expect(row.html).not.toContain(token);
      expect(resend.requests).toHaveLength(0);
    } finally {
      restore();
    }
  });

  it("an e-mail whose render fails on its last attempt ends failed, not queued", async () => {
    const restore = withEnv({ EMAIL_ATTEMPTS: "2" });
    try {
      // A prop React can't render (an object as text): every render throws.
      const id = await db.transaction((tx) =>
        queueEmail(tx, { template: "welcome", to: `${unique("render")}@example.test`, props: { name: { not: "text" } } as never }),
      );
      const row = await waitFor(
        async () => {
          const r = await emailRow(id);
          return r.status === "failed" ? r : null;
        },
        10_000,
        "the e-mail to fail",
      );
      expect(row).toMatchObject({ status: "failed", attempts: 2, lastError: "The e-mail could not be rendered (Error)." });
      expect(resend.requestsFor(idempotencyKeyOf(id))).toHaveLength(0);
    } finally {
      restore();
    }
  });

  it("a poison outbox row is set aside with its error; the e-mail behind it goes out", async () => {
    const [unknownQueue, badPayload] = await db
      .insert(outbox)
      .values([
        { queue: "no-such-queue", jobName: "nothing", jobId: "nothing-1", payload: {} },
        { queue: EMAIL_QUEUE, jobName: "email.send", jobId: "email-not-an-id", payload: { emailId: "not-a-uuid", generation: 0 } },
      ])
      .returning();
    const { invitation, key } = await invite();
    await delivered(invitation.id);
    expect(resend.deliveredFor(key)).toHaveLength(1);
    const rows = await db
      .select()
      .from(outbox)
      .where(sql`${outbox.id} in (${unknownQueue.id}, ${badPayload.id})`)
      .orderBy(outbox.id);
    expect(rows[0]).toMatchObject({ relayedAt: null, error: 'unknown queue "no-such-queue"' });
    expect(rows[1]).toMatchObject({ relayedAt: null, error: "payload refused by queue email" });
    for (const r of rows) expect(r.setAsideAt).not.toBeNull();
    expect(capturedLogs.some((l) => l.includes("outbox row set aside") && l.includes(`"outboxId":${unknownQueue.id}`))).toBe(true);
  });

  it("after a resend, the earlier e-mail's late failure no longer changes the invitation", async () => {
    const restore = withEnv({ EMAIL_SEND_TIMEOUT_MS: "10000" });
    try {
      const address = `${unique("late")}@example.test`;
      resend.respondTo(addressed(address), { status: 0, hang: true });
      const first = await invite(address);
      await waitFor(async () => resend.waiting === 1, 10_000, "the first e-mail's request to hang");
      expect((await emailRow(first.mail.id)).status).toBe("sending");

      const { token } = await resendInvitation(as(account.user), account.customer.identifier, first.invitation.id);
      tokens.push(token);
      await delivered(first.invitation.id);
      expect((await emailRow(first.mail.id)).status).toBe("superseded");

      // Now the provider answers the first request, late, with a refusal.
      resend.release({ status: 422, body: { statusCode: 422, name: "validation_error", message: "late refusal" } });
      const old = await waitFor(
        async () => {
          const r = await emailRow(first.mail.id);
          return r.lastError ? r : null;
        },
        10_000,
        "the late outcome to be recorded",
      );
      expect(old).toMatchObject({ status: "superseded" });
      expect(old.lastError).toContain("late refusal");
      expect(await statusOf(first.invitation.id)).toBe("sent");
      const failures = await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.targetId, first.invitation.id), eq(auditEvents.action, "invitation.delivery_failed")));
      expect(failures).toHaveLength(0);
    } finally {
      restore();
    }
  });

  it("after a resend, the earlier e-mail's pending retries are dropped", async () => {
    const restore = withEnv({ EMAIL_BACKOFF_MS: "1500", EMAIL_BACKOFF_MAX_MS: "3000" });
    try {
      const address = `${unique("retrying")}@example.test`;
      resend.respondTo(addressed(address), { status: 500 });
      const first = await invite(address);
      await waitFor(async () => (await emailRow(first.mail.id)).lastError !== null, 10_000, "the first attempt to fail");
      expect((await emailRow(first.mail.id)).status).toBe("queued");

      const { token } = await resendInvitation(as(account.user), account.customer.identifier, first.invitation.id);
      tokens.push(token);
      await delivered(first.invitation.id);
      // The retry still ran in BullMQ, found the e-mail superseded, and sent nothing.
      const job = await waitFor(
        async () => {
          const j = await queue.getJob(`email-${first.mail.id}`);
          return j?.finishedOn ? j : null;
        },
        10_000,
        "the first e-mail's retry to run",
      );
      expect(job.returnvalue).toEqual({ status: "superseded" });
      expect(resend.requestsFor(first.key)).toHaveLength(1);
      expect(await emailRow(first.mail.id)).toMatchObject({ status: "superseded", sentAt: null });
      expect(await statusOf(first.invitation.id)).toBe("sent");
    } finally {
      restore();
    }
  });
});

describe("logs", () => {
  it("hold no token, no link and no query parameter, however an error arises", async () => {
    // A query error whose parameter is a secret, logged the way the worker logs an unexpected error.
    const secret = "tok_" + "s3cr3t".repeat(8);
    const err = await db.execute(sql`select ${secret}::uuid`).catch((e: unknown) => e);
    getLogger("test").error({ err, emailId: "00000000-0000-0000-0000-000000000000" }, "unexpected error");

    const logs = capturedLogs.join("\n");
    // The capture holds the worker's lines, and the query error by its code.
    expect(logs).toContain('"msg":"email sent"');
    expect(logs).toContain('"code":"22P02"');
    expect(tokens.length).toBeGreaterThan(5);
    for (const token of [...tokens, secret]) expect(logs).not.toContain(token);
    expect(logs).not.toMatch(/\/(invitations|verify-email|reset-password)\/[A-Za-z0-9_-]{20,}/);
    expect(logs).not.toContain("Failed query");
    expect(logs).not.toMatch(/<html|<!DOCTYPE/i);
    expect(logs).not.toContain("re_test_key");
    for (const line of capturedLogs) expect(() => JSON.parse(line), line).not.toThrow();
  });
});
