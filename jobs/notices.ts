// Queue `notices`: what follows a notice once it is written. `publish` waits for the notice's start, announces it to
// live pages, sends the e-mail copies and schedules the automatic reminder; `remind` e-mails those still open; `check`
// tells the sender once everyone has acknowledged. PostgreSQL holds the progress (notice_deliveries, completed_revision),
// so a retried or restarted job resumes where the last one stopped and nobody is mailed twice or missed.
import { DelayedError, UnrecoverableError, type Job, type JobsOptions } from "bullmq";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { renderEmail } from "@/emails";
import { ADMIN_GROUPS } from "@/lib/authz";
import { getEnv } from "@/lib/core";
import { PermanentEmailError, TransientEmailError, queueEmail, sendEmailBatch } from "@/lib/email";
import { NOTICES_QUEUE, renderNoticeMarkdown } from "@/lib/notices";
import { addToOutbox } from "@/lib/outbox";
import type { JobContext } from "./registry";

export { NOTICES_QUEUE };

/** The provider's batch call takes at most 100 e-mails. */
export const BATCH_SIZE = 100;

const id = z.uuid();
export const noticesPayload = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("publish"), noticeId: id, revision: z.number().int().min(1), notBefore: z.iso.datetime().optional() }),
  z.object({
    kind: z.literal("remind"),
    noticeId: id,
    revision: z.number().int().min(1),
    run: z.union([z.number().int().min(1), z.string().regex(/^auto-r\d+-\d+$/)]),
    notBefore: z.iso.datetime().optional(),
  }),
  z.object({ kind: z.literal("check"), noticeId: id, revision: z.number().int().min(1), notBefore: z.iso.datetime().optional() }),
  z.object({ kind: z.literal("expire"), noticeId: id, revision: z.number().int().min(1), notBefore: z.iso.datetime().optional() }),
]);
type Payload = z.infer<typeof noticesPayload>;

export function noticesJobOptions(): JobsOptions {
  return {
    attempts: 20,
    backoff: { type: "notices", delay: 2000 },
    removeOnComplete: { age: 24 * 3600, count: 10000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

export function noticesBackoff(attemptsMade: number, err: Error | undefined): number {
  if (err instanceof TransientEmailError && err.retryAfterMs !== null) return err.retryAfterMs;
  return Math.min(300_000, 2000 * 2 ** Math.min(20, Math.max(0, attemptsMade - 1)));
}

type NoticeRow = {
  id: string;
  partner_id: string;
  partner_identifier: string;
  partner_name: string;
  title: string;
  body_md: string;
  mode: "all_must_read" | "single_read_only";
  audience: "all" | "admins";
  due_at: Date | null;
  starts_at: Date;
  expires_at: Date | null;
  email_copy: boolean;
  remind_after_days: number | null;
  revision: number;
  completed_revision: number | null;
  sender_name: string;
  created_by: string | null;
  live: boolean;
};

async function loadNotice(noticeId: string): Promise<NoticeRow | null> {
  const [row] = (await db.execute(sql`
    select n.*, p.identifier as partner_identifier, p.name as partner_name,
      (n.withdrawn_at is null and n.starts_at <= now() and (n.expires_at is null or n.expires_at > now())) as live
    from notices n join customers p on p.id = n.partner_id where n.id = ${noticeId}`)) as unknown as NoticeRow[];
  // Raw queries give timestamps back as text.
  return row ? { ...row, starts_at: new Date(row.starts_at), due_at: row.due_at ? new Date(row.due_at) : null } : null;
}

/** Until `notBefore`, the job waits in the delayed set (a send scheduled for later, a reminder after N days). */
async function waitUntil(job: Job, notBefore: string | undefined): Promise<void> {
  const at = notBefore ? Date.parse(notBefore) : 0;
  if (at > Date.now() + 500) {
    await job.moveToDelayed(at, job.token);
    throw new DelayedError();
  }
}

/**
 * The people a notice is open for, each once (in the first addressed customer they're in, for the link), in user id
 * order after `after`: All must read, those who haven't acknowledged; Single read only, those in customers nobody closed.
 */
async function openRecipients(n: NoticeRow, after: string | null, limit: number) {
  return (await db.execute(sql`
    select distinct on (u.id) u.id, u.email, u.name, c.identifier as customer
    from notice_targets t join customers c on c.id = t.customer_id and c.deleting_at is null
    join memberships m on m.customer_id = t.customer_id
      and (${n.audience} = 'all' or m."group"::text = any(${sql.param([...ADMIN_GROUPS])}::text[]))
    join users u on u.id = m.user_id
    where t.notice_id = ${n.id} ${after ? sql`and u.id > ${after}::uuid` : sql``}
      and not exists (select 1 from notice_acknowledgements a where a.notice_id = ${n.id} and a.revision = ${n.revision} and a.mode = ${n.mode}
        and case when ${n.mode} = 'all_must_read' then a.user_id = u.id else a.customer_id = t.customer_id end)
    order by u.id, c.identifier
    limit ${limit}`)) as unknown as { id: string; email: string; name: string; customer: string }[];
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
const NAME = "NOTICE-RECIPIENT-NAME";
const ACCOUNT = "notice-recipient-account";

/**
 * E-mails everyone open on the notice, in batches of up to 100, as run `run`. The copy is rendered once; each person's
 * name and account link are filled in by string replacement. Each batch is recorded before the call and marked after
 * it; a batch found "sending" (its worker died mid-call) is sent again under the same idempotency key.
 */
async function deliver(job: Job, n: NoticeRow, run: string, reminder: boolean, ctx: JobContext): Promise<{ batches: number; emails: number }> {
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
  const personal = (r: { name: string; email: string; customer: string }) => ({
    to: r.email,
    subject: content.subject,
    html: content.html.split(NAME).join(escapeHtml(r.name)).split(ACCOUNT).join(r.customer),
    text: content.text.split(NAME).join(r.name).split(ACCOUNT).join(r.customer),
  });
  const minGapMs = env.EMAIL_RATE_PER_SECOND ? 1000 / env.EMAIL_RATE_PER_SECOND : 0;
  let lastCall = 0;
  let batches = 0;
  let emails = 0;
  const send = async (batchRecipients: { name: string; email: string; customer: string }[], key: string) => {
    const wait = lastCall + minGapMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    lastCall = Date.now();
    try {
      return await sendEmailBatch(batchRecipients.map(personal), key);
    } catch (err) {
      if (err instanceof TransientEmailError && err.status === 429) await ctx.rateLimit(err.retryAfterMs ?? 1000);
      if (err instanceof PermanentEmailError) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
  for (;;) {
    const [last] = (await db.execute(sql`
      select batch, user_ids, last_user_id, idempotency_key, status from notice_deliveries
      where notice_id = ${n.id} and run = ${run} order by batch desc limit 1`)) as unknown as {
      batch: number;
      user_ids: string[];
      last_user_id: string;
      idempotency_key: string;
      status: string;
    }[];
    if (last?.status === "sending") {
      // Interrupted mid-call: the same people under the same key (the provider drops what it already accepted).
      const people = (await db.execute(
        sql`select u.id, u.email, u.name, coalesce((select c.identifier from notice_targets t join memberships m on m.customer_id = t.customer_id
              join customers c on c.id = t.customer_id where t.notice_id = ${n.id} and m.user_id = u.id order by c.identifier limit 1), '') as customer
            from users u where u.id = any(${sql.param(last.user_ids)}::uuid[]) order by u.id`,
      )) as unknown as { id: string; email: string; name: string; customer: string }[];
      const result = people.length ? await send(people, last.idempotency_key) : { providerMessageIds: [] };
      await db.execute(sql`update notice_deliveries set status = 'sent', sent_at = now(), provider_message_ids = ${JSON.stringify(result.providerMessageIds)}::jsonb
        where notice_id = ${n.id} and run = ${run} and batch = ${last.batch}`);
      batches++;
      emails += people.length;
      continue;
    }
    const next = await openRecipients(n, last?.last_user_id ?? null, BATCH_SIZE);
    if (next.length === 0) break;
    const batch = (last?.batch ?? 0) + 1;
    const key = `tenancy-notice-${n.id}-${run}-${batch}`;
    await db.execute(sql`
      insert into notice_deliveries (notice_id, run, batch, user_ids, last_user_id, idempotency_key)
      values (${n.id}, ${run}, ${batch}, ${sql.param(next.map((r) => r.id))}::uuid[], ${next[next.length - 1].id}, ${key})`);
    const result = await send(next, key);
    await db.execute(sql`update notice_deliveries set status = 'sent', sent_at = now(), provider_message_ids = ${JSON.stringify(result.providerMessageIds)}::jsonb
      where notice_id = ${n.id} and run = ${run} and batch = ${batch}`);
    batches++;
    emails += next.length;
    await job.updateProgress({ batches, emails });
  }
  return { batches, emails };
}

/** Tells the sender once that every recipient has acknowledged (per revision), through the e-mail queue. */
async function checkCompletion(n: NoticeRow): Promise<{ status: string }> {
  if (n.completed_revision === n.revision) return { status: "already-noted" };
  // Anyone still open at all: stops at the first one found, so it is quick while many are open.
  const [open] = (await db.execute(sql`
    select 1 as open from notice_targets t join customers c on c.id = t.customer_id and c.deleting_at is null
    join memberships m on m.customer_id = t.customer_id
      and (${n.audience} = 'all' or m."group"::text = any(${sql.param([...ADMIN_GROUPS])}::text[]))
    where t.notice_id = ${n.id}
      and not exists (select 1 from notice_acknowledgements a where a.notice_id = ${n.id} and a.revision = ${n.revision} and a.mode = ${n.mode}
        and case when ${n.mode} = 'all_must_read' then a.user_id = m.user_id else a.customer_id = t.customer_id end)
    limit 1`)) as unknown as { open: number }[];
  if (open) return { status: "open" };
  return db.transaction(async (tx) => {
    const [marked] = (await tx.execute(sql`
      update notices set completed_revision = revision where id = ${n.id} and revision = ${n.revision}
        and completed_revision is distinct from revision returning id`)) as unknown as { id: string }[];
    if (!marked) return { status: "already-noted" };
    const [sender] = (await tx.execute(sql`select email, name from users where id = ${n.created_by}`)) as unknown as { email: string; name: string }[];
    if (!sender) return { status: "no-sender" };
    const [{ count }] = (await tx.execute(
      n.mode === "all_must_read"
        ? sql`select count(*)::int as count from notice_acknowledgements where notice_id = ${n.id} and revision = ${n.revision}`
        : sql`select count(*)::int as count from notice_targets t join customers c on c.id = t.customer_id and c.deleting_at is null where t.notice_id = ${n.id}`,
    )) as unknown as { count: number }[];
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
    return { status: "noted" };
  });
}

/**
 * The `k`-th automatic reminder of the notice's revision, N days after the previous one (the first N days after the
 * start). Its job id is fixed by (notice, revision, k), so a publish or reminder job that runs twice schedules it once.
 */
async function scheduleAutomaticReminder(n: NoticeRow, k: number) {
  await addToOutbox(db, {
    queue: NOTICES_QUEUE,
    jobName: "notices.remind",
    jobId: `notice-autoremind-${n.id}-r${n.revision}-${k}`,
    payload: {
      kind: "remind",
      noticeId: n.id,
      revision: n.revision,
      run: `auto-r${n.revision}-${k}`,
      notBefore: new Date(n.starts_at.getTime() + k * n.remind_after_days! * 86_400_000).toISOString(),
    },
  });
}

export async function processNoticesJob(job: Job, ctx: JobContext): Promise<unknown> {
  const parsed = noticesPayload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError("invalid notices payload");
  const p: Payload = parsed.data;
  const log = ctx.log.child({ noticeId: p.noticeId, kind: p.kind, jobId: job.id });
  await waitUntil(job, p.notBefore);
  const n = await loadNotice(p.noticeId);
  // Deleted, or re-issued since: a newer job carries the newer revision.
  if (!n || n.revision !== p.revision) return { status: "superseded" };
  if (p.kind === "check") return checkCompletion(n);
  if (p.kind === "expire") {
    // Pages still showing it take it away by themselves.
    await db.execute(sql`select pg_notify('notices', ${JSON.stringify({ p: n.partner_id, n: n.id })})`);
    return { status: "expired" };
  }
  if (!n.live) return { status: "not-shown" };
  if (p.kind === "publish") {
    // Pages open since before the start learn of it now (the send itself was announced when it was written).
    await db.execute(sql`select pg_notify('notices', ${JSON.stringify({ p: n.partner_id, n: n.id })})`);
    if (n.remind_after_days) await scheduleAutomaticReminder(n, 1);
    if (n.expires_at)
      await addToOutbox(db, {
        queue: NOTICES_QUEUE,
        jobName: "notices.expire",
        jobId: `notice-expire-${n.id}-r${n.revision}`,
        payload: { kind: "expire", noticeId: n.id, revision: n.revision, notBefore: new Date(n.expires_at).toISOString() },
      });
    if (!n.email_copy) return { status: "published" };
    const sent = await deliver(job, n, `copy-r${n.revision}`, false, ctx);
    log.info(sent, "notice copies sent");
    return { status: "published", ...sent };
  }
  const sent = await deliver(job, n, typeof p.run === "number" ? `remind-${p.run}` : p.run, true, ctx);
  log.info(sent, "notice reminders sent");
  // The automatic reminder repeats every N days while the notice is shown and someone is still open.
  if (typeof p.run === "string" && n.remind_after_days && sent.emails > 0) await scheduleAutomaticReminder(n, Number(p.run.split("-").pop()) + 1);
  return { status: "reminded", ...sent };
}
