// The machinery for operators: queue counts, failed jobs with their reasons and a retry that really runs the job again,
// undelivered e-mails with a retry through the outbox, readiness, and the worker pausing while PostgreSQL is away.
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeDb, db, rawSql } from "@/db/client";
import { outbox, outboundEmails } from "@/db/schema";
import { QUEUES } from "@/jobs/registry";
import { pauseWhileDatabaseDown, type RunningWorker } from "@/jobs/worker";
import { AppError } from "@/lib/core";
import { queueEmail } from "@/lib/email";
import {
  QUEUE_NAMES,
  QUEUE_UNAVAILABLE,
  checkReadiness,
  getQueueOverview,
  listFailedJobs,
  listUndeliveredEmails,
  retryEmail,
  retryFailedJob,
} from "@/lib/queues";
import { ANONYMOUS, as, newUser, unique } from "../support/factories";
import { FakeResend } from "../support/fake-resend";
import { quietOutbox, startTestWorker, useUniqueQueuePrefix, waitFor, withoutSweeps } from "../support/worker";

const resend = new FakeResend();
let worker: RunningWorker;
let operator: ReturnType<typeof as>;

beforeAll(async () => {
  useUniqueQueuePrefix("queues");
  await quietOutbox();
  process.env.RESEND_BASE_URL = await resend.start();
  process.env.RESEND_API_KEY = "re_test_key";
  worker = await startTestWorker();
  operator = as({ ...(await newUser("Olga Operator")), isOperator: true });
});

afterAll(async () => {
  await worker?.close();
  await resend.stop();
  delete process.env.RESEND_API_KEY;
  await closeDb();
});

beforeEach(() => resend.reset());

async function welcomeEmail(): Promise<string> {
  const to = `${unique("q")}@example.test`;
  return db.transaction((tx) =>
    queueEmail(tx, { template: "welcome", to, props: { name: "Quinn", accountName: "Queues Inc", identifier: "queues-inc", accountUrl: "http://x/y" } }),
  );
}

const emailRow = async (id: string) => (await db.select().from(outboundEmails).where(eq(outboundEmails.id, id)))[0];
const deliveredFor = (id: string) => resend.delivered.filter((d) => d.key === `tenancy-email-${id}`);

async function failedEmail(): Promise<string> {
  // Resend refuses it for good (422): the job fails at once, and the record says failed.
  resend.respondWith({ status: 422 });
  const id = await welcomeEmail();
  await waitFor(async () => (await emailRow(id)).status === "failed", 20_000, "the e-mail to fail");
  return id;
}

const emailCounts = async () => (await getQueueOverview(operator)).find((q) => q.name === "email")!;

async function expectCode(work: Promise<unknown>, code: string): Promise<AppError> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe(code);
  return err as AppError;
}

it("knows every queue the worker serves", () => {
  expect([...QUEUE_NAMES].sort()).toEqual(Object.keys(QUEUES).sort());
});

/**
 * A job failed by hand, as BullMQ fails one whose attempts ran out: added with one attempt, taken as a worker takes
 * it, failed with `reason`. The test worker is closed meanwhile, so nothing else takes it.
 */
async function failJobByHand(jobId: string, data: Record<string, unknown>, reason: string): Promise<void> {
  const { Queue, Worker } = await import("bullmq");
  const { Redis } = await import("ioredis");
  const producer = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  const consumer = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  const queue = new Queue("email", { connection: producer, prefix: process.env.QUEUE_PREFIX });
  const taker = new Worker("email", null, { connection: consumer, prefix: process.env.QUEUE_PREFIX, autorun: false });
  try {
    await queue.add("email.send", data, { jobId, attempts: 1 });
    const token = unique("token");
    const job = await taker.getNextJob(token);
    expect(job?.id).toBe(jobId);
    await job!.moveToFailed(new Error(reason), token, false);
  } finally {
    await taker.close();
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  }
}

/** Every page of the undelivered list: other files' failed e-mails share this database. */
async function allUndelivered() {
  const rows = [];
  let after: string | null = null;
  for (let pages = 0; pages < 200; pages++) {
    const list: Awaited<ReturnType<typeof listUndeliveredEmails>> = await listUndeliveredEmails(operator, { after });
    rows.push(...list.rows);
    after = list.next;
    if (!after) break;
  }
  return rows;
}

describe("failed jobs", () => {
  it("counts them, shows the reason, and a retry runs the job again until it succeeds", async () => {
    // No sweep may run meanwhile: one would find the e-mail still queued with its job failed and send it itself.
    await withoutSweeps(async () => {
      // An e-mail whose job failed (the provider was down for all its attempts, say); the record still says queued.
      const [email] = await db
        .insert(outboundEmails)
        .values({
          template: "welcome",
          to: `${unique("job")}@example.test`,
          props: { name: "Jo", accountName: "Jobs Ltd", identifier: "jobs-ltd", accountUrl: "http://x/y" },
        })
        .returning();
      const jobId = `email-${email.id}`;
      const before = await emailCounts();
      await worker.close();
      try {
        await failJobByHand(jobId, { emailId: email.id, generation: 0 }, "Resend answered 503: provider down");
      } finally {
        worker = await startTestWorker();
      }
      const after = await emailCounts();
      expect(after).toMatchObject({ name: "email", paused: false, failed: before.failed + 1 });

      const list = await listFailedJobs(operator, "email");
      const failed = list.rows.find((j) => j.id === jobId);
      expect(failed, "the failed job is listed").toBeDefined();
      expect(failed).toMatchObject({ name: "email.send", reason: "Resend answered 503: provider down", attemptsMade: 1, attempts: 1 });
      expect(failed!.data).toContain(email.id);
      expect(list.total).toBe(after.failed);
      expect(deliveredFor(email.id)).toHaveLength(0);

      await retryFailedJob(operator, "email", jobId);
      const sent = await waitFor(async () => {
        const e = await emailRow(email.id);
        return e.status === "sent" ? e : null;
      });
      expect(sent.transport).toBe("resend");
      expect(deliveredFor(email.id)).toHaveLength(1);
      await waitFor(async () => (await emailCounts()).failed === before.failed, 5000, "the failed count to drop");
      expect((await listFailedJobs(operator, "email")).rows.map((j) => j.id)).not.toContain(jobId);
      // Only a failed job can be retried; one that is gone or unknown is not found.
      await expectCode(retryFailedJob(operator, "email", jobId), "conflict");
      await expectCode(retryFailedJob(operator, "email", "no-such-job"), "not_found");
      await expectCode(listFailedJobs(operator, "no-such-queue"), "not_found");
    });
  });
});

describe("undelivered e-mails", () => {
  it("lists a failed e-mail; a retry re-queues it through the outbox and the worker sends it", async () => {
    const id = await failedEmail();
    const listed = (await listUndeliveredEmails(operator)).rows.find((e) => e.id === id);
    expect(listed).toMatchObject({ problem: "failed", status: "failed", template: "welcome" });
    expect(listed!.lastError).toContain("422");

    const { jobId } = await retryEmail(operator, id);
    // The e-mail's next job generation (email-<id>-<n>), never the original job id, which BullMQ still holds as failed.
    expect(jobId).toMatch(new RegExp(`^email-${id}-\\d+$`));
    const [intent] = await db.select().from(outbox).where(eq(outbox.jobId, jobId));
    expect(intent).toMatchObject({ queue: "email", payload: { emailId: id, generation: expect.any(Number) } });

    const sent = await waitFor(async () => {
      const e = await emailRow(id);
      return e.status === "sent" ? e : null;
    });
    expect(deliveredFor(id)).toHaveLength(1);
    expect(sent.providerMessageId).toBe(deliveredFor(id)[0].id);
    expect((await allUndelivered()).map((e) => e.id)).not.toContain(id);
    await expectCode(retryEmail(operator, id), "conflict");
  });

  it("lists an e-mail whose job was lost as stuck once it has waited; retrying sends it, a fresh one is refused", async () => {
    // The worker stays away meanwhile: its reconciliation sweep would find the lost e-mail first (as it should).
    await worker.close();
    let lost: { id: string };
    try {
      // Recorded without its outbox intent, as if the queue had lost the job, an hour ago.
      [lost] = await db
        .insert(outboundEmails)
        .values({
          template: "welcome",
          to: `${unique("stuck")}@example.test`,
          props: { name: "Stu", accountName: "Stuck Ltd", identifier: "stuck-ltd", accountUrl: "http://x/y" },
          createdAt: new Date(Date.now() - 3600_000),
          queuedAt: new Date(Date.now() - 3600_000),
        })
        .returning();
      const [fresh] = await db
        .insert(outboundEmails)
        .values({ template: "welcome", to: `${unique("fresh")}@example.test`, props: { name: "F", accountName: "F", identifier: "f", accountUrl: "http://x" } })
        .returning();

      const rows = await allUndelivered();
      expect(rows.find((e) => e.id === lost.id)).toMatchObject({ problem: "stuck", status: "queued" });
      expect(rows.map((e) => e.id)).not.toContain(fresh.id);
      // A retry already on its way is not queued twice: a just-queued e-mail is refused.
      await expectCode(retryEmail(operator, fresh.id), "conflict");
      await db.delete(outboundEmails).where(eq(outboundEmails.id, fresh.id));

      await retryEmail(operator, lost.id);
      await expectCode(retryEmail(operator, lost.id), "conflict");
      expect((await allUndelivered()).map((e) => e.id)).not.toContain(lost.id);
    } finally {
      worker = await startTestWorker();
    }
    await waitFor(async () => (await emailRow(lost.id)).status === "sent", 20_000, "the stuck e-mail to be sent");
    expect(deliveredFor(lost.id)).toHaveLength(1);
    await expectCode(retryEmail(operator, "00000000-0000-4000-8000-000000000000"), "not_found");
    await expectCode(retryEmail(operator, "not-a-uuid"), "not_found");
  });

  it("pages the list", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const [row] = await db
        .insert(outboundEmails)
        .values({
          template: "welcome",
          to: `page-${i}@example.test`,
          props: {},
          status: "failed",
          lastError: "test",
          createdAt: new Date(Date.now() - i * 1000),
          queuedAt: new Date(Date.now() - i * 1000),
        })
        .returning();
      ids.push(row.id);
    }
    const all = await allUndelivered();
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    for (const id of ids) expect(all.map((e) => e.id)).toContain(id);
    for (const id of ids) await db.delete(outboundEmails).where(eq(outboundEmails.id, id));
  });
});

describe("undelivered e-mails at scale", () => {
  it("orders them by when they were last queued, kept on the e-mail, and lists them without reading the outbox", async () => {
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
    // A retry moves the time an e-mail was last queued.
    const [c] = await db
      .insert(outboundEmails)
      .values({
        template: "welcome",
        to: `scale-c-${unique("s")}@example.test`,
        props: {},
        status: "failed",
        lastError: "test",
        createdAt: minutesAgo(60),
        queuedAt: minutesAgo(60),
      })
      .returning();
    await retryEmail(operator, c.id);
    const [retried] = await db.select().from(outboundEmails).where(eq(outboundEmails.id, c.id));
    expect(retried.queuedAt.getTime()).toBeGreaterThan(minutesAgo(1).getTime());

    // Made an hour ago but retried a minute ago, it comes before one made and queued half an hour ago.
    const [a, b] = await db
      .insert(outboundEmails)
      .values([
        {
          template: "welcome",
          to: `scale-a-${unique("s")}@example.test`,
          props: {},
          status: "failed",
          lastError: "test",
          createdAt: minutesAgo(60),
          queuedAt: minutesAgo(1),
        },
        {
          template: "welcome",
          to: `scale-b-${unique("s")}@example.test`,
          props: {},
          status: "failed",
          lastError: "test",
          createdAt: minutesAgo(30),
          queuedAt: minutesAgo(30),
        },
      ])
      .returning();
    // The list used to look up each e-mail's newest outbox row, a scan of the outbox per e-mail: with thousands of
    // both, minutes. Now it never touches the outbox, so it answers while another transaction holds the outbox locked.
    const holder = await rawSql().reserve();
    try {
      await holder`begin`;
      await holder`lock table outbox in access exclusive mode`;
      // Either the list answers, or its statement queues behind the lock, which PostgreSQL records (the worker's own
      // statements may queue there too: only the list's counts).
      let answered = false;
      const listing = listUndeliveredEmails(operator).then(() => void (answered = true));
      let blocked = false;
      while (!answered && !blocked) {
        const [{ n }] = await rawSql()`select count(*)::int as n from pg_stat_activity
          where wait_event_type = 'Lock' and query like '%e.queued_at::text as sort_value%' and pid <> pg_backend_pid()`;
        blocked = n > 0;
        if (!blocked) await Promise.race([listing, new Promise((r) => setImmediate(r))]);
      }
      expect(blocked).toBe(false);
      await listing;
    } finally {
      await holder`rollback`;
      holder.release();
    }
    // Other test files leave failed e-mails of their own, queued more recently: the two may be on later pages.
    const ids = (await allUndelivered()).map((e) => e.id);
    expect(ids).toContain(b.id);
    expect(ids.indexOf(a.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id));
    await db.delete(outboundEmails).where(inArray(outboundEmails.id, [a.id, b.id]));
  });
});

describe("readiness and an unreachable queue", () => {
  it("says both answer, and that the queue doesn't when Redis is away, within the timeout", async () => {
    expect(await checkReadiness(ANONYMOUS)).toEqual({ database: "ok", queue: "ok" });
    const redisUrl = process.env.REDIS_URL;
    // Nothing listens on port 1.
    process.env.REDIS_URL = "redis://127.0.0.1:1";
    try {
      const started = Date.now();
      expect(await checkReadiness(ANONYMOUS)).toEqual({ database: "ok", queue: "unreachable" });
      expect(Date.now() - started).toBeLessThan(2000);
      const err = await expectCode(getQueueOverview(operator), "unavailable");
      expect(err.message).toBe(QUEUE_UNAVAILABLE);
      expect(Date.now() - started).toBeLessThan(6000);
    } finally {
      process.env.REDIS_URL = redisUrl;
    }
  });
});

describe("the worker while PostgreSQL is away", () => {
  it("pauses every worker when the probe fails and resumes them when it answers again", async () => {
    const calls: string[] = [];
    const fake = (name: string) => ({
      name,
      pause: async () => void calls.push(`pause ${name}`),
      resume: async () => void calls.push(`resume ${name}`),
    });
    let reachable = true;
    let probes = 0;
    const logs: string[] = [];
    const probe = async () => (probes++, reachable);
    // "Nothing happened" is checked after probes that are recorded, never after a fixed wait.
    const probesAfter = async (n: number) => {
      const target = probes + n;
      await waitFor(async () => probes >= target, 2000, `${n} more probes`);
    };
    const watch = pauseWhileDatabaseDown([fake("a"), fake("b")], { log: (m) => logs.push(m), intervalMs: 20, probe });
    try {
      await probesAfter(3);
      expect(calls).toEqual([]);
      reachable = false;
      await waitFor(async () => watch.paused, 2000, "pause");
      await probesAfter(3);
      expect(calls).toEqual(["pause a", "pause b"]);
      reachable = true;
      await waitFor(async () => !watch.paused, 2000, "resume");
      await waitFor(async () => calls.length === 4, 2000, "both resumed");
      expect(calls.slice(2).sort()).toEqual(["resume a", "resume b"]);
      expect(logs).toEqual([expect.stringContaining("PostgreSQL unreachable: paused queues a, b"), expect.stringContaining("PostgreSQL reachable again")]);
    } finally {
      watch.stop();
    }
  });
});
