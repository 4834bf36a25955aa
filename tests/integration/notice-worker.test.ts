// What the worker does after a notice is sent: e-mail copies in batches of 100 through the provider's batch call, resumed
// without duplicates after a worker died mid-batch; reminders to those still open; one note to the sender once everyone
// has acknowledged.
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeDb, db, rawSql } from "@/db/client";
import { noticeWork } from "@/db/schema";
import type { RunningWorker } from "@/jobs/worker";
import { acknowledgeNotice, noticeJob, remindNotice, sendNotice, type NoticeInput } from "@/lib/notices";
import { enqueue } from "@/lib/outbox";
import { createManagedCustomer, setAccountKind } from "@/lib/partners";
import { FakeResend } from "../support/fake-resend";
import { addMember, as, newAccount, newUser, SYSTEM, unique } from "../support/factories";
import { quietOutbox, startTestWorker, useUniqueQueuePrefix, waitFor } from "../support/worker";

const resend = new FakeResend();
let worker: RunningWorker;

beforeAll(async () => {
  useUniqueQueuePrefix("notices");
  await quietOutbox();
  process.env.RESEND_BASE_URL = await resend.start();
  process.env.RESEND_API_KEY = "re_test_key";
  worker = await startTestWorker();
});

afterAll(async () => {
  await worker?.close();
  await resend.stop();
  delete process.env.RESEND_API_KEY;
  await closeDb();
});

beforeEach(() => resend.reset());

async function partnerWithCustomer(people: number) {
  const account = await newAccount({ fullName: "Wanda Worker" });
  const partner = await setAccountKind(SYSTEM, account.customer.identifier, "partner");
  const admin = as(account.user);
  const customer = await createManagedCustomer(admin, partner.identifier, { name: "Many People", identifier: unique("mp") });
  const tag = unique("p");
  // Set-based: the people of a big customer in two statements.
  await db.execute(sql`
    with u as (insert into users (email, name) select ${tag} || '-' || g || '@example.test', 'Person ' || g from generate_series(1, ${people}) g returning id)
    insert into memberships (user_id, customer_id, "group") select id, ${customer.id}, 'customer_employee' from u`);
  return { admin, sender: account.user, partner: partner.identifier, customer };
}

const notice = (customer: string, over: Partial<NoticeInput> = {}): NoticeInput => ({
  title: "Planned downtime",
  body: "The platform is **down** on Sunday.",
  mode: "all_must_read",
  to: "customers",
  customers: [customer],
  ...over,
});

/** Pieces of work a notice owes and has not recorded done: those due by now, or (`kind`) every one of a kind. */
const owedWork = async (noticeId: string, kind?: "check") =>
  (
    (await db.execute(
      sql`select count(*)::int as n from notice_work where notice_id = ${noticeId} and done_at is null
        and ${kind ? sql`kind = ${kind}` : sql`not_before <= now()`}`,
    )) as unknown as { n: number }[]
  )[0].n;
const batchRequests = () => resend.requests.filter((r) => r.path === "/emails/batch");
const recipientsOf = (payloads: Record<string, unknown>[]) => payloads.map((p) => (p.to as string[])[0]);
/** What went out through the batch call (sign-up sends its own single e-mails meanwhile). */
const batched = () => batchRequests().flatMap((r) => r.body as Record<string, unknown>[]);

describe("notice worker", () => {
  it("sends e-mail copies in batches of 100 with an idempotency key per batch, each recipient once, personalised", async () => {
    const w = await partnerWithCustomer(250);
    const sent = await sendNotice(w.admin, w.partner, notice(w.customer.identifier, { emailCopy: true }));
    await waitFor(() => Promise.resolve(batched().length >= 250), 30_000, "250 copies");
    // The provider has answered the last batch; the worker records it just after.
    const statuses = async () =>
      ((await db.execute(sql`select status from notice_deliveries where notice_id = ${sent.id} order by batch`)) as unknown as { status: string }[]).map(
        (r) => r.status,
      );
    await waitFor(async () => (await statuses()).filter((s) => s === "sent").length === 3, 10_000, "the batches recorded as sent");
    const requests = batchRequests();
    expect(requests.map((r) => (r.body as unknown[]).length)).toEqual([100, 100, 50]);
    expect(requests.map((r) => r.headers["idempotency-key"])).toEqual([1, 2, 3].map((b) => `tenancy-notice-${sent.id}-copy-r1-${b}`));
    const to = recipientsOf(batched());
    expect(new Set(to).size).toBe(250);
    const first = batched()[0];
    expect(String(first.subject)).toBe("Planned downtime");
    expect(String(first.html)).toMatch(/Hello Person \d+/);
    expect(String(first.html)).toContain(`/${w.customer.identifier}`);
    expect(String(first.html)).toContain("<strong>down</strong>");
    expect(await statuses()).toEqual(["sent", "sent", "sent"]);
  });

  it("resumes after a worker died mid-batch: the interrupted batch again under its key, then the rest; nobody twice, nobody missed", async () => {
    const w = await partnerWithCustomer(230);
    // The copies' job is held back, as if its worker had died right after recording batch 1 and before marking it sent.
    await worker.workers.find((x) => x.name === "notices")!.pause();
    const sent = await sendNotice(w.admin, w.partner, notice(w.customer.identifier, { emailCopy: true }));
    const firstHundred = (await db.execute(sql`
      select m.user_id from memberships m where m.customer_id = ${w.customer.id} order by m.user_id limit 100`)) as unknown as { user_id: string }[];
    const ids = firstHundred.map((r) => r.user_id);
    await db.execute(sql`insert into notice_deliveries (notice_id, run, batch, user_ids, last_user_id, idempotency_key)
      values (${sent.id}, 'copy-r1', 1, ${sql.param(ids)}::uuid[], ${ids[ids.length - 1]}, ${`tenancy-notice-${sent.id}-copy-r1-1`})`);
    worker.workers.find((x) => x.name === "notices")!.resume();
    await waitFor(() => Promise.resolve(batched().length >= 230), 30_000, "230 copies");
    // The notice's work recorded as done: whatever it was going to send has gone out.
    await waitFor(async () => (await owedWork(sent.id)) === 0, 30_000, "the notice's work to be recorded done");
    const to = recipientsOf(batched());
    expect(to).toHaveLength(230);
    expect(new Set(to).size).toBe(230);
    expect(batchRequests().map((r) => r.headers["idempotency-key"])).toEqual([1, 2, 3].map((b) => `tenancy-notice-${sent.id}-copy-r1-${b}`));
  });

  it("reminds only those still open, and tells the sender once when everyone has acknowledged", async () => {
    const account = await newAccount({ fullName: "Sam Sender" });
    const partner = await setAccountKind(SYSTEM, account.customer.identifier, "partner");
    const admin = as(account.user);
    const customer = await createManagedCustomer(admin, partner.identifier, { name: "Two People", identifier: unique("tp") });
    const [a, b] = [await newUser("Alma"), await newUser("Bert")];
    await addMember(a.id, customer.id, "customer_admin");
    await addMember(b.id, customer.id, "customer_employee");
    const sent = await sendNotice(admin, partner.identifier, notice(customer.identifier));
    await acknowledgeNotice(as(a), customer.identifier, sent.id);
    await remindNotice(admin, partner.identifier, sent.id);
    await waitFor(() => Promise.resolve(batched().length >= 1), 20_000, "the reminder");
    expect(recipientsOf(batched())).toEqual([b.email]);
    expect(String(batched()[0].subject)).toBe("Reminder: Planned downtime");

    await acknowledgeNotice(as(b), customer.identifier, sent.id);
    const note = await waitFor(async () => {
      const rows = (await db.execute(
        sql`select "to", status from outbound_emails where template = 'notice-complete' and customer_id = ${partner.id}`,
      )) as unknown as { to: string; status: string }[];
      return rows.length > 0 && rows[0].status === "sent" && rows;
    });
    expect(note).toEqual([{ to: account.user.email, status: "sent" }]);
    // Both acknowledgements' checks ran (recorded done); the note went out once.
    await waitFor(async () => (await owedWork(sent.id, "check")) === 0, 30_000, "the completion checks to be recorded done");
    const count = (await db.execute(
      sql`select count(*)::int as n from outbound_emails where template = 'notice-complete' and customer_id = ${partner.id}`,
    )) as unknown as { n: number }[];
    expect(count[0].n).toBe(1);
  });

  it("schedules the automatic reminder N days after the start, and the next one N days later while someone is open", async () => {
    const w = await partnerWithCustomer(3);
    const sent = await sendNotice(w.admin, w.partner, notice(w.customer.identifier, { remindAfterDays: 2 }));
    const reminder = (k: number) =>
      db
        .select()
        .from(noticeWork)
        .where(and(eq(noticeWork.noticeId, sent.id), eq(noticeWork.run, `auto-r1-${k}`)))
        .then((rows) => rows[0]);
    const first = await waitFor(() => reminder(1));
    const [{ starts_at }] = (await db.execute(sql`select starts_at::text from notices where id = ${sent.id}`)) as unknown as { starts_at: string }[];
    expect(first.notBefore.getTime() - Date.parse(starts_at)).toBe(2 * 86_400_000);
    expect(batched()).toEqual([]);
    // Two days later (the reminder's time made now, and enqueued again: its job waits in the delayed set for two days):
    // those open are reminded, and the next reminder is recorded.
    await db.transaction(async (tx) => {
      await tx.update(noticeWork).set({ notBefore: new Date(), jobGeneration: 1 }).where(eq(noticeWork.id, first.id));
      await enqueue(tx, noticeJob, { workId: first.id, generation: 1, kind: "remind" });
    });
    await waitFor(() => Promise.resolve(batched().length >= 3), 20_000, "the automatic reminder");
    expect(String(batched()[0].subject)).toBe("Reminder: Planned downtime");
    const second = await waitFor(() => reminder(2));
    expect(second.notBefore.getTime() - Date.parse(starts_at)).toBe(4 * 86_400_000);
    expect(await waitFor(async () => (await reminder(1)).doneAt)).toBeInstanceOf(Date);
  });

  it("announces a notice's expiry to live pages when it comes", async () => {
    const w = await partnerWithCustomer(1);
    const sent = await sendNotice(w.admin, w.partner, notice(w.customer.identifier, { expiresAt: new Date(Date.now() + 2500) }));
    const events: string[] = [];
    const listener = await rawSql().listen("notices", (payload) => events.push(payload));
    try {
      await waitFor(
        async () =>
          (
            await db
              .select()
              .from(noticeWork)
              .where(and(eq(noticeWork.noticeId, sent.id), eq(noticeWork.kind, "expire")))
          ).length > 0,
      );
      events.length = 0;
      await waitFor(() => Promise.resolve(events.some((e) => JSON.parse(e).n === sent.id)), 15_000, "the expiry's announcement");
      const [{ expired }] = (await db.execute(sql`select expires_at <= now() as expired from notices where id = ${sent.id}`)) as unknown as {
        expired: boolean;
      }[];
      expect(expired).toBe(true);
    } finally {
      await listener.unlisten();
    }
  });
});
