// What a notice owes once it is written, carried out by the worker: `publish` waits for the notice's start, announces
// it to live pages, sends the e-mail copies and schedules the automatic reminder and the expiry; `remind` e-mails those
// still open; `expire` tells live pages it is gone; `check` tells the sender once everyone has acknowledged.
// PostgreSQL records each piece (notice_work) and its progress (notice_deliveries, completed_revision): a job only
// carries a piece, so a job lost with Redis, failed as stalled or run twice ends the same as one clean run, and the
// reconciliation sweep enqueues again whatever is still owed.
import type { JobsOptions } from "bullmq";
import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import { noticeWork } from "@/db/schema";
import { renderEmail } from "@/emails";
import { authorizeInstallation, type Principal } from "@/lib/authz";
import { getEnv, parseRow, parseRows, timestampColumn } from "@/lib/core";
import { PermanentEmailError, queueEmail, type BatchEmail } from "@/lib/email";
import { defineJob, enqueue, type PendingWork } from "@/lib/outbox";
import { renderNoticeMarkdown } from "./markdown";
import { announce, live, openMemberships } from "./rules";

export const NOTICES_QUEUE = "notices";
/** The provider's batch call takes at most 100 e-mails. */
export const NOTICE_BATCH_SIZE = 100;

const KINDS = ["publish", "remind", "expire", "check"] as const;
export type NoticeWorkKind = (typeof KINDS)[number];

/** Carries one piece of a notice's work (a notice_work row) under the generation that row says is current. */
export const noticeJob = defineJob({
  queue: NOTICES_QUEUE,
  name: ({ kind }) => `notices.${kind}`,
  payload: z.object({ workId: z.uuid(), generation: z.number().int().min(0), kind: z.enum(KINDS) }),
  jobId: ({ workId, generation }) => `notice-${workId}-${generation}`,
  options: (): JobsOptions => ({
    attempts: 20,
    backoff: { type: "notices", delay: 2000 },
    removeOnComplete: { age: 24 * 3600, count: 10000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  }),
});

/** The run of a publish is the revision's e-mail copies; an expiry has one run. Other kinds name theirs. */
function defaultRun(kind: NoticeWorkKind, revision: number): string {
  return kind === "publish" ? `copy-r${revision}` : kind;
}

/**
 * Records a piece of work a notice owes and enqueues it, in the caller's transaction. The same (kind, revision, run)
 * twice adds nothing: a send, a reminder, an automatic reminder and a check slot each happen once.
 */
export async function scheduleNoticeWork(
  ex: Executor,
  work: { noticeId: string; kind: NoticeWorkKind; revision: number; run?: string; notBefore: Date },
): Promise<void> {
  const [row] = await ex
    .insert(noticeWork)
    .values({
      noticeId: work.noticeId,
      kind: work.kind,
      revision: work.revision,
      run: work.run ?? defaultRun(work.kind, work.revision),
      notBefore: work.notBefore,
    })
    .onConflictDoNothing()
    .returning({ id: noticeWork.id });
  if (row) await enqueue(ex, noticeJob, { workId: row.id, generation: 0, kind: work.kind });
}

// ---- the worker's side ------------------------------------------------------------------------------------------------

/** What the worker provides: the provider's batch call (paced, its errors mapped) and a progress report. */
export type NoticeWorkIo = {
  sendBatch(emails: BatchEmail[], idempotencyKey: string): Promise<{ providerMessageIds: string[] }>;
  progress(done: { batches: number; emails: number }): Promise<void>;
};

export type NoticeWorkResult =
  /** Not due yet: run the job again at `until`. */
  | { state: "waiting"; until: Date }
  | { state: "done"; outcome: string; batches?: number; emails?: number }
  /** This job doesn't carry the work (any more): it is finished, gone, carried by a newer job, or held by a live one. */
  | { state: "skipped"; reason: "gone" | "finished" | "stale-job" | "busy" };

/** How long a claim holds without renewal: one batch call (bounded by its timeout) plus its bookkeeping. */
const leaseMs = () => getEnv().EMAIL_SEND_TIMEOUT_MS + 10_000;
const leaseUntil = () => sql`now() + ${`${leaseMs()} milliseconds`}::interval`;
const unheld = or(isNull(noticeWork.leaseUntil), lt(noticeWork.leaseUntil, sql`now()`));

class LostLeaseError extends Error {
  constructor() {
    super("Another job took this notice's work over (this one held it too long); it stops here.");
  }
}

/**
 * Runs one piece of a notice's work as job `jobId`. The row is claimed under a lease first: only the generation the row
 * names may claim it, and only while nobody else holds it, so two jobs never work on it at once.
 */
export async function runNoticeWork(
  principal: Principal,
  job: { workId: string; generation: number; jobId: string },
  io: NoticeWorkIo,
): Promise<NoticeWorkResult> {
  authorizeInstallation(principal, "RUN_NOTICE_WORK");
  const [work] = await db
    .update(noticeWork)
    .set({
      leaseJob: job.jobId,
      leaseUntil: leaseUntil(),
      // A run that only finds it is early doesn't count as an attempt.
      attempts: sql`${noticeWork.attempts} + (${noticeWork.notBefore} <= now())::int`,
      firstAttemptAt: sql`case when ${noticeWork.notBefore} <= now() then coalesce(${noticeWork.firstAttemptAt}, now()) else ${noticeWork.firstAttemptAt} end`,
    })
    .where(
      and(
        eq(noticeWork.id, job.workId),
        isNull(noticeWork.doneAt),
        eq(noticeWork.jobGeneration, job.generation),
        or(unheld, eq(noticeWork.leaseJob, job.jobId)),
      ),
    )
    .returning();
  if (!work) {
    const [row] = await db.select({ doneAt: noticeWork.doneAt, generation: noticeWork.jobGeneration }).from(noticeWork).where(eq(noticeWork.id, job.workId));
    return { state: "skipped", reason: !row ? "gone" : row.doneAt ? "finished" : row.generation !== job.generation ? "stale-job" : "busy" };
  }
  const held = and(eq(noticeWork.id, work.id), eq(noticeWork.leaseJob, job.jobId));
  if (work.notBefore.getTime() > Date.now() + 500) {
    await db.update(noticeWork).set({ leaseJob: null, leaseUntil: null }).where(held);
    return { state: "waiting", until: work.notBefore };
  }
  const renew = async () => {
    const renewed = await db.update(noticeWork).set({ leaseUntil: leaseUntil() }).where(held).returning({ id: noticeWork.id });
    if (renewed.length === 0) throw new LostLeaseError();
  };
  try {
    const result = await perform(work, { ...io, renew });
    await db
      .update(noticeWork)
      .set({ doneAt: sql`now()`, outcome: result.outcome, leaseJob: null, leaseUntil: null, lastError: null })
      .where(held);
    return { state: "done", ...result };
  } catch (err) {
    const message = err instanceof Error ? err.message.slice(0, 500) : "failed";
    // A provider's refusal is final; anything else is retried (this job's next attempt, or a later job the sweep enqueues).
    if (err instanceof PermanentEmailError)
      await db
        .update(noticeWork)
        .set({ doneAt: sql`now()`, outcome: "failed", lastError: message, leaseJob: null, leaseUntil: null })
        .where(held);
    else if (!(err instanceof LostLeaseError)) await db.update(noticeWork).set({ lastError: message, leaseJob: null, leaseUntil: null }).where(held);
    throw err;
  }
}

type Work = typeof noticeWork.$inferSelect;
type Io = NoticeWorkIo & { renew(): Promise<void> };

const noticeColumns = z.object({
  id: z.uuid(),
  partner_id: z.uuid(),
  partner_identifier: z.string(),
  partner_name: z.string(),
  title: z.string(),
  body_md: z.string(),
  mode: z.enum(["all_must_read", "single_read_only"]),
  due_at: timestampColumn.nullable(),
  starts_at: timestampColumn,
  expires_at: timestampColumn.nullable(),
  email_copy: z.boolean(),
  remind_after_days: z.number().int().nullable(),
  revision: z.number().int(),
  completed_revision: z.number().int().nullable(),
  sender_name: z.string(),
  created_by: z.uuid().nullable(),
  live: z.boolean(),
});
type NoticeForWork = z.output<typeof noticeColumns>;

async function loadNotice(noticeId: string): Promise<NoticeForWork | null> {
  return parseRow(
    noticeColumns,
    await db.execute(sql`
      select n.id, n.partner_id, p.identifier as partner_identifier, p.name as partner_name, n.title, n.body_md, n.mode, n.due_at,
        n.starts_at, n.expires_at, n.email_copy, n.remind_after_days, n.revision, n.completed_revision, n.sender_name, n.created_by,
        ${live(sql`n`)} as live
      from notices n join customers p on p.id = n.partner_id where n.id = ${noticeId}`),
  );
}

async function perform(work: Work, io: Io): Promise<{ outcome: string; batches?: number; emails?: number }> {
  const n = await loadNotice(work.noticeId);
  // Re-issued since: the newer revision has work of its own.
  if (!n || n.revision !== work.revision) return { outcome: "superseded" };
  if (work.kind === "check") return { outcome: await checkCompletion(n) };
  if (work.kind === "expire") {
    // Pages still showing it take it away by themselves.
    await db.execute(announce(n.partner_id, n.id));
    return { outcome: "expired" };
  }
  if (!n.live) return { outcome: "not-shown" };
  if (work.kind === "publish") {
    // Pages open since before the start learn of it now (the send itself was announced when it was written).
    await db.execute(announce(n.partner_id, n.id));
    await db.transaction(async (tx) => {
      if (n.remind_after_days) await scheduleAutomaticReminder(tx, n, 1);
      if (n.expires_at) await scheduleNoticeWork(tx, { noticeId: n.id, kind: "expire", revision: n.revision, notBefore: n.expires_at });
    });
    if (!n.email_copy) return { outcome: "published" };
    return { outcome: "published", ...(await deliver(n, work.run, false, io)) };
  }
  const sent = await deliver(n, work.run, true, io);
  // The automatic reminder repeats every N days while the notice is shown and someone is still open.
  const auto = /^auto-r\d+-(\d+)$/.exec(work.run);
  if (auto && n.remind_after_days && sent.emails > 0) await scheduleAutomaticReminder(db, n, Number(auto[1]) + 1);
  return { outcome: "reminded", ...sent };
}

/** The `k`-th automatic reminder of the notice's revision, N days after the previous one (the first N days after the start). */
async function scheduleAutomaticReminder(ex: Executor, n: NoticeForWork, k: number) {
  await scheduleNoticeWork(ex, {
    noticeId: n.id,
    kind: "remind",
    revision: n.revision,
    run: `auto-r${n.revision}-${k}`,
    notBefore: new Date(n.starts_at.getTime() + k * n.remind_after_days! * 86_400_000),
  });
}

const recipientColumns = z.object({ id: z.uuid(), email: z.string(), name: z.string(), customer: z.string() });
type Recipient = z.output<typeof recipientColumns>;

/**
 * The people a notice is open for, each once (in the first addressed customer they're in, for the link), in user id
 * order after `after`: All must read, those who haven't acknowledged; Single read only, those in customers nobody closed.
 */
async function openRecipients(noticeId: string, after: string | null, limit: number): Promise<Recipient[]> {
  const open = openMemberships(sql`n`);
  return parseRows(
    recipientColumns,
    await db.execute(sql`
      select distinct on (u.id) u.id, u.email, u.name, c.identifier as customer
      from notices n ${open.join} join users u on u.id = m.user_id
      where n.id = ${noticeId} and ${open.where} ${after ? sql`and u.id > ${after}::uuid` : sql``}
      order by u.id, c.identifier
      limit ${limit}`),
  );
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
const NAME = "NOTICE-RECIPIENT-NAME";
const ACCOUNT = "notice-recipient-account";

const batchColumns = z.object({
  batch: z.number().int(),
  user_ids: z.array(z.uuid()),
  last_user_id: z.uuid(),
  idempotency_key: z.string(),
  status: z.string(),
});

/**
 * E-mails everyone open on the notice, in batches of up to 100, as run `run`. The copy is rendered once; each person's
 * name and account link are filled in by string replacement. Each batch is recorded before the call and marked after
 * it; a batch found "sending" (its worker died mid-call) is sent again under the same idempotency key.
 */
async function deliver(n: NoticeForWork, run: string, reminder: boolean, io: Io): Promise<{ batches: number; emails: number }> {
  const env = getEnv();
  const content = await renderEmail("notice", {
    recipientName: NAME,
    title: n.title,
    bodyHtml: renderNoticeMarkdown(n.body_md),
    senderName: n.sender_name,
    partnerName: n.partner_name,
    accountUrl: `${env.APP_URL}/${ACCOUNT}`,
    reminder,
    dueAt: n.due_at ? `${n.due_at.toISOString().slice(0, 16).replace("T", " ")} UTC` : null,
  });
  const personal = (r: Recipient): BatchEmail => ({
    to: r.email,
    subject: content.subject,
    html: content.html.split(NAME).join(escapeHtml(r.name)).split(ACCOUNT).join(r.customer),
    text: content.text.split(NAME).join(r.name).split(ACCOUNT).join(r.customer),
  });
  const markSent = (batch: number, providerMessageIds: string[]) =>
    db.execute(sql`update notice_deliveries set status = 'sent', sent_at = now(), provider_message_ids = ${JSON.stringify(providerMessageIds)}::jsonb
      where notice_id = ${n.id} and run = ${run} and batch = ${batch}`);
  let batches = 0;
  let emails = 0;
  for (;;) {
    await io.renew();
    const last = parseRow(
      batchColumns,
      await db.execute(sql`
        select batch, user_ids, last_user_id, idempotency_key, status from notice_deliveries
        where notice_id = ${n.id} and run = ${run} order by batch desc limit 1`),
    );
    let batch: number;
    let people: Recipient[];
    let key: string;
    if (last?.status === "sending") {
      // Interrupted mid-call: the same people under the same key (the provider drops what it already accepted).
      batch = last.batch;
      key = last.idempotency_key;
      people = parseRows(
        recipientColumns,
        await db.execute(
          sql`select u.id, u.email, u.name, coalesce((select c.identifier from notice_targets t join memberships m on m.customer_id = t.customer_id
                join customers c on c.id = t.customer_id where t.notice_id = ${n.id} and m.user_id = u.id order by c.identifier limit 1), '') as customer
              from users u where u.id = any(${sql.param(last.user_ids)}::uuid[]) order by u.id`,
        ),
      );
    } else {
      people = await openRecipients(n.id, last?.last_user_id ?? null, NOTICE_BATCH_SIZE);
      if (people.length === 0) break;
      batch = (last?.batch ?? 0) + 1;
      key = `tenancy-notice-${n.id}-${run}-${batch}`;
      await db.execute(sql`
        insert into notice_deliveries (notice_id, run, batch, user_ids, last_user_id, idempotency_key)
        values (${n.id}, ${run}, ${batch}, ${sql.param(people.map((r) => r.id))}::uuid[], ${people[people.length - 1].id}, ${key})`);
    }
    const result = people.length ? await io.sendBatch(people.map(personal), key) : { providerMessageIds: [] };
    await markSent(batch, result.providerMessageIds);
    batches++;
    emails += people.length;
    await io.progress({ batches, emails });
  }
  return { batches, emails };
}

const openColumns = z.object({ open: z.number() });
const senderColumns = z.object({ email: z.string(), name: z.string() });
const countColumns = z.object({ count: z.number() });

/** Tells the sender once that every recipient has acknowledged (per revision), through the e-mail queue. */
async function checkCompletion(n: NoticeForWork): Promise<string> {
  if (n.completed_revision === n.revision) return "already-noted";
  // Anyone still open at all: stops at the first one found, so it is quick while many are open.
  const open = openMemberships(sql`n`);
  if (parseRow(openColumns, await db.execute(sql`select 1 as open from notices n ${open.join} where n.id = ${n.id} and ${open.where} limit 1`))) return "open";
  return db.transaction(async (tx) => {
    const marked = parseRow(
      z.object({ id: z.uuid() }),
      await tx.execute(sql`
        update notices set completed_revision = revision where id = ${n.id} and revision = ${n.revision}
          and completed_revision is distinct from revision returning id`),
    );
    if (!marked) return "already-noted";
    const sender = n.created_by ? parseRow(senderColumns, await tx.execute(sql`select email, name from users where id = ${n.created_by}`)) : null;
    if (!sender) return "no-sender";
    const { count } = parseRow(
      countColumns,
      await tx.execute(
        n.mode === "all_must_read"
          ? sql`select count(*)::int as count from notice_acknowledgements where notice_id = ${n.id} and revision = ${n.revision}`
          : sql`select count(*)::int as count from notice_targets t join customers c on c.id = t.customer_id and c.deleting_at is null where t.notice_id = ${n.id}`,
      ),
    )!;
    await queueEmail(tx, {
      template: "notice-complete",
      to: sender.email,
      customerId: n.partner_id,
      props: {
        name: sender.name,
        title: n.title,
        single: n.mode === "single_read_only",
        count,
        trackingUrl: `${getEnv().APP_URL}/${n.partner_identifier}/admin/notices/${n.id}`,
      },
    });
    return "noted";
  });
}

// ---- reconciliation ---------------------------------------------------------------------------------------------------

const pendingColumns = z.object({ id: z.uuid(), job_generation: z.number().int(), kind: z.enum(KINDS), created: z.string(), budget_spent: z.boolean() });

/**
 * Work still owed that nobody holds and whose intent isn't waiting in the outbox, oldest first after `after`: the
 * sweep asks the queue whether each one's job still exists.
 */
export async function listPendingNoticeWork(principal: Principal, after: string | null, limit: number): Promise<PendingWork[]> {
  authorizeInstallation(principal, "RUN_NOTICE_WORK");
  const [afterTime, afterId] = after ? after.split("|") : [null, null];
  const rows = parseRows(
    pendingColumns,
    await db.execute(sql`
      select w.id, w.job_generation, w.kind, w.created_at::text as created,
             (w.first_attempt_at is not null and w.first_attempt_at < now() - ${`${getEnv().EMAIL_RETRY_BUDGET_HOURS} hours`}::interval) as budget_spent
        from notice_work w
       where w.done_at is null and coalesce(w.lease_until, '-infinity') < now()
         and (${afterTime}::timestamptz is null or (w.created_at, w.id) > (${afterTime}::timestamptz, ${afterId}::uuid))
         and not exists (
           select 1 from outbox o
            where o.relayed_at is null and o.set_aside_at is null and o.queue = ${NOTICES_QUEUE} and o.payload->>'workId' = w.id::text)
       order by w.created_at, w.id
       limit ${limit}`),
  );
  return rows.map((r) => ({
    id: r.id,
    generation: r.job_generation,
    jobId: noticeJob.jobId({ workId: r.id, generation: r.job_generation, kind: r.kind }),
    cursor: `${r.created}|${r.id}`,
    budgetSpent: r.budget_spent,
  }));
}

/** Enqueues the work again under its next generation, if it is still owed, unheld, and carried by `work.generation`. */
export async function requeueNoticeWork(principal: Principal, work: PendingWork, reason: string): Promise<boolean> {
  authorizeInstallation(principal, "RUN_NOTICE_WORK");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(noticeWork)
      .set({ jobGeneration: sql`${noticeWork.jobGeneration} + 1`, lastError: reason, leaseJob: null, leaseUntil: null })
      .where(and(eq(noticeWork.id, work.id), isNull(noticeWork.doneAt), eq(noticeWork.jobGeneration, work.generation), unheld))
      .returning({ generation: noticeWork.jobGeneration, kind: noticeWork.kind });
    if (!row) return false;
    await enqueue(tx, noticeJob, { workId: work.id, generation: row.generation, kind: row.kind });
    return true;
  });
}

/** Records the work as failed for good (its retry budget is spent), if it is still owed, unheld, and carried by `work.generation`. */
export async function giveUpNoticeWork(principal: Principal, work: PendingWork, reason: string): Promise<boolean> {
  authorizeInstallation(principal, "RUN_NOTICE_WORK");
  const rows = await db
    .update(noticeWork)
    .set({ doneAt: sql`now()`, outcome: "failed", lastError: reason })
    .where(and(eq(noticeWork.id, work.id), isNull(noticeWork.doneAt), eq(noticeWork.jobGeneration, work.generation), unheld))
    .returning({ id: noticeWork.id });
  return rows.length > 0;
}
