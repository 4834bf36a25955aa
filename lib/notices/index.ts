// Notices from a partner to the users of its customers, and their acknowledgements. A notice addresses customers; who
// must see it follows from the memberships when it is read, so a send writes one row per customer, people who join a
// customer while the notice is shown receive it, and people who leave drop out of it and of the counts. The database
// keeps "one acknowledgement per person" (All must read) and "one per customer" (Single read only) by unique indexes:
// concurrent acknowledgements insert with ON CONFLICT DO NOTHING, and exactly one of them wins.
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import type { Customer, NoticeAudience, NoticeImportance, NoticeMode } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { ADMIN_GROUPS, authorizeAccount, isManagedBy, requirePerson, type Principal } from "@/lib/authz";
import { ConflictError, NotFoundError, PAGE_SIZE, containsPattern, fieldError, identifierRefSchema, parseInput, visible } from "@/lib/core";
import { addToOutbox } from "@/lib/outbox";
import { noticePlainText, renderNoticeMarkdown } from "./markdown";

export const NOTICES_QUEUE = "notices";
/** The live pages' channel: a payload `{ p: partner, c?: customer, n: notice }` (no customer: all the partner's). */
export const NOTICES_CHANNEL = "notices";
/** A reminder by hand waits this long after the previous one, so nobody is e-mailed twice in a row by a double click. */
export const REMIND_COOLDOWN_MINUTES = 10;
/** Completion checks: one per notice and slot, run this long after the slot ends (acknowledgements commit meanwhile). */
const CHECK_SLOT_MS = 5000;
const CHECK_MARGIN_MS = 3000;

export const MODE_LABELS: Record<NoticeMode, string> = { all_must_read: "All must read", single_read_only: "Single read only" };
export const AUDIENCE_LABELS: Record<NoticeAudience, string> = { all: "All users", admins: "Customer Admins only" };
export const IMPORTANCE_LABELS: Record<NoticeImportance, string> = { information: "Information", action_required: "Action required" };

export type { NoticeAudience, NoticeImportance, NoticeMode };

// ---- input ------------------------------------------------------------------------------------------------------

/** A date and time from a form (`2026-11-24T10:00`, read as UTC) or a Date; empty is none. */
const optionalDate = (what: string) =>
  z.preprocess(
    (v) => {
      if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) return undefined;
      if (typeof v !== "string") return v;
      const s = v.trim();
      if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:\d{2})?$/.test(s)) return new Date(NaN);
      return new Date(/(Z|[+-]\d{2}:\d{2})$/.test(s) ? s : `${s.length === 10 ? `${s}T00:00` : s}Z`);
    },
    z
      .date(`Enter ${what} as a date and time.`)
      .min(new Date("2000-01-01T00:00:00Z"), `Enter ${what} after the year 2000.`)
      .max(new Date("2100-01-01T00:00:00Z"), `Enter ${what} before the year 2100.`)
      .optional(),
  );

const flag = z.preprocess((v) => v === true || v === "on" || v === "true" || v === "1", z.boolean());

export const noticeContentSchema = z.object({
  title: visible(z.string().trim().min(1, "Please enter a title.").max(200, "A title can have at most 200 characters.")),
  // Line breaks and tabs belong in Markdown; other control characters don't.
  body: z
    .string()
    .trim()
    .min(1, "Please write the message.")
    .max(20000, "The message can have at most 20,000 characters.")
    .refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(v), "Remove the invisible control characters."),
});

export const noticeAddressSchema = z.object({
  to: z.enum(["customers", "groups", "all"], "Choose who receives it."),
  customers: z.array(identifierRefSchema).max(1000, "Address at most 1,000 customers by name; use a group or All for more.").optional().default([]),
  groups: z.array(z.uuid("Pick groups from the list.")).max(100).optional().default([]),
  descendants: flag.optional().default(false),
  audience: z.enum(["all", "admins"], "Choose the audience.").optional().default("all"),
});

export const noticeSchema = noticeContentSchema.and(noticeAddressSchema).and(
  z.object({
    mode: z.enum(["all_must_read", "single_read_only"], "Choose All must read or Single read only."),
    importance: z.enum(["information", "action_required"], "Choose the importance.").optional().default("information"),
    dueAt: optionalDate("the due date"),
    startsAt: optionalDate("the start"),
    expiresAt: optionalDate("the expiry"),
    emailCopy: flag.optional().default(false),
    remindAfterDays: z.preprocess(
      (v) => (v === "" || v === undefined || v === null ? undefined : typeof v === "string" ? Number(v.trim()) : v),
      z.number("Enter a number of days.").int("Enter whole days.").min(1, "Remind after 1 to 90 days.").max(90, "Remind after 1 to 90 days.").optional(),
    ),
  }),
);

export type NoticeInput = z.input<typeof noticeSchema>;
type Address = z.output<typeof noticeAddressSchema>;

/** Raw queries take timestamps as text, and give them back as text. */
const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);
const DATE_KEYS = ["due_at", "starts_at", "expires_at", "withdrawn_at", "last_reminded_at", "created_at", "updated_at", "acknowledged_at", "closed_at"];
function withDates<T>(row: T): T {
  const out = { ...row } as Record<string, unknown>;
  for (const k of DATE_KEYS) if (typeof out[k] === "string") out[k] = new Date(out[k] as string);
  return out as T;
}

// ---- shared SQL -----------------------------------------------------------------------------------------------------

/** Shown now: started, not expired, not withdrawn. */
const live = (n: SQL) => sql`(${n}.withdrawn_at is null and ${n}.starts_at <= now() and (${n}.expires_at is null or ${n}.expires_at > now()))`;
/** Whether membership `m` is in the notice's audience. */
const inAudience = (n: SQL, m: SQL) => sql`(${n}.audience = 'all' or ${m}."group"::text = any(${sql.param([...ADMIN_GROUPS])}::text[]))`;
/** The acknowledgement that closes notice `n` for person `userId` in customer `customerId` (current revision). */
const closedFor = (n: SQL, userId: SQL, customerId: SQL) => sql`exists (
  select 1 from notice_acknowledgements a where a.notice_id = ${n}.id and a.revision = ${n}.revision and a.mode = ${n}.mode
    and case when ${n}.mode = 'all_must_read' then a.user_id = ${userId} else a.customer_id = ${customerId} end)`;

async function partnerFor(ex: Executor, principal: Principal, partnerIdentifier: string, permission: "SEND_NOTICES" | "VIEW_NOTICE_TRACKING") {
  const { customer } = await authorizeAccount(ex, principal, partnerIdentifier, permission);
  if (customer.kind !== "partner") throw new NotFoundError("Notices are sent from partner accounts.");
  return customer;
}

const NOTICE_NOT_FOUND = "This notice doesn't exist.";

type NoticeRow = {
  id: string;
  partner_id: string;
  title: string;
  body_md: string;
  mode: NoticeMode;
  audience: NoticeAudience;
  importance: NoticeImportance;
  due_at: Date | null;
  starts_at: Date;
  expires_at: Date | null;
  withdrawn_at: Date | null;
  email_copy: boolean;
  remind_after_days: number | null;
  revision: number;
  addressed: { kind: Address["to"]; names: string[]; descendants: boolean };
  targets_count: number;
  sender_name: string;
  reminders_sent: number;
  last_reminded_at: Date | null;
  completed_revision: number | null;
  created_at: Date;
  updated_at: Date;
};

async function findNotice(ex: Executor, partner: Customer, noticeId: string, lock = false): Promise<NoticeRow> {
  if (!z.uuid().safeParse(noticeId).success) throw new NotFoundError(NOTICE_NOT_FOUND);
  const [row] = (await ex.execute(
    sql`select * from notices where id = ${noticeId} and partner_id = ${partner.id} ${lock ? sql`for update` : sql``}`,
  )) as unknown as NoticeRow[];
  if (!row) throw new NotFoundError(NOTICE_NOT_FOUND);
  return withDates(row);
}

/**
 * The customers an address names, as a query of ids: only the partner's own (and, with `descendants`, the customers
 * below them), never one being deleted. Names the partner doesn't manage are refused, not skipped.
 */
async function resolveTargets(ex: Executor, partner: Customer, address: Address): Promise<{ ids: SQL; names: string[] }> {
  const managed = (alias: SQL) => isManagedBy(alias, partner.id);
  let base: SQL;
  let names: string[];
  if (address.to === "customers") {
    const identifiers = [...new Set(address.customers)];
    if (identifiers.length === 0) throw fieldError("customers", "Name at least one customer.");
    const found = (await ex.execute(
      sql`select c.identifier from customers c where c.identifier = any(${sql.param(identifiers)}::text[]) and ${managed(sql`c`)}`,
    )) as unknown as { identifier: string }[];
    if (found.length !== identifiers.length) {
      const missing = identifiers.filter((i) => !found.some((f) => f.identifier === i));
      throw new NotFoundError(`${missing.slice(0, 3).join(", ")}${missing.length > 3 ? " and others" : ""}: not among your customers.`);
    }
    base = sql`select c.id from customers c where c.identifier = any(${sql.param(identifiers)}::text[]) and ${managed(sql`c`)}`;
    names = identifiers;
  } else if (address.to === "groups") {
    const groups = [...new Set(address.groups)];
    if (groups.length === 0) throw fieldError("groups", "Pick at least one group.");
    const found = (await ex.execute(
      sql`select name from customer_groups where partner_id = ${partner.id} and id = any(${sql.param(groups)}::uuid[]) order by lower(name)`,
    )) as unknown as { name: string }[];
    if (found.length !== groups.length) throw new NotFoundError("One of these groups doesn't exist (any more).");
    base = sql`select distinct gm.customer_id as id from customer_group_members gm join customers c on c.id = gm.customer_id
      where gm.group_id = any(${sql.param(groups)}::uuid[]) and ${managed(sql`c`)}`;
    names = found.map((g) => g.name);
  } else {
    // All: the partner's own customers, and with descendants everything it manages.
    base = address.descendants
      ? sql`select c.id from customers c where ${managed(sql`c`)}`
      : sql`select c.id from customers c where c.parent_id = ${partner.id} and ${managed(sql`c`)}`;
    names = [];
  }
  const ids =
    address.descendants && address.to !== "all"
      ? sql`select b.id from (${base}) b union select d.id from customers d where d.path && array(${base})::uuid[] and ${managed(sql`d`)}`
      : base;
  return { ids, names };
}

/** How many customers and people an address reaches now (members counted once per customer they're in). */
async function reachOf(ex: Executor, ids: SQL, audience: NoticeAudience) {
  const [row] = (await ex.execute(sql`
    with t as (${ids})
    select (select count(*) from t)::int as customers,
      (select count(distinct m.user_id) from memberships m join t on t.id = m.customer_id
        where ${audience === "all" ? sql`true` : sql`m."group"::text = any(${sql.param([...ADMIN_GROUPS])}::text[])`})::int as people`)) as unknown as {
    customers: number;
    people: number;
  }[];
  return row;
}

// ---- sending ------------------------------------------------------------------------------------------------------

/** What a notice will look like and whom it reaches now, before it is sent. */
export async function previewNotice(principal: Principal, partnerIdentifier: string, input: NoticeInput) {
  const parsed = parseInput(noticeSchema, input);
  return db.transaction(async (tx) => {
    const partner = await partnerFor(tx, principal, partnerIdentifier, "SEND_NOTICES");
    const { ids, names } = await resolveTargets(tx, partner, parsed);
    const reach = await reachOf(tx, ids, parsed.audience);
    return { ...reach, names, title: parsed.title, bodyHtml: renderNoticeMarkdown(parsed.body) };
  });
}

function sentIntent(noticeId: string, revision: number, notBefore: Date) {
  return {
    queue: NOTICES_QUEUE,
    jobName: "notices.publish",
    jobId: `notice-publish-${noticeId}-r${revision}`,
    payload: { kind: "publish", noticeId, revision, notBefore: notBefore.toISOString() },
  };
}

/**
 * Sends a notice: the notice, one target row per addressed customer (one set-based insert) and the worker's intent,
 * in one transaction. Recipients see it from its start on; the worker announces it to live pages, sends the e-mail
 * copies and schedules the reminder.
 */
export async function sendNotice(principal: Principal, partnerIdentifier: string, input: NoticeInput) {
  const parsed = parseInput(noticeSchema, input);
  return db.transaction(async (tx) => {
    const partner = await partnerFor(tx, principal, partnerIdentifier, "SEND_NOTICES");
    const now = new Date();
    const startsAt = parsed.startsAt && parsed.startsAt > now ? parsed.startsAt : now;
    if (parsed.expiresAt && parsed.expiresAt <= startsAt) throw fieldError("expiresAt", "The expiry must come after the start.");
    if (parsed.dueAt && parsed.importance !== "action_required") throw fieldError("dueAt", "A due date belongs to notices that require action.");
    const { ids, names } = await resolveTargets(tx, partner, parsed);
    const sender = principal.kind === "user" ? principal : null;
    const [notice] = (await tx.execute(sql`
      insert into notices (partner_id, title, body_md, mode, audience, importance, due_at, starts_at, expires_at, email_copy,
        remind_after_days, addressed, created_by, sender_name)
      values (${partner.id}, ${parsed.title}, ${parsed.body}, ${parsed.mode}, ${parsed.audience}, ${parsed.importance}, ${iso(parsed.dueAt)}::timestamptz,
        ${iso(startsAt)}::timestamptz, ${iso(parsed.expiresAt)}::timestamptz, ${parsed.emailCopy}, ${parsed.remindAfterDays ?? null},
        ${JSON.stringify({ kind: parsed.to, names: names.slice(0, 50), descendants: parsed.descendants })}::jsonb,
        ${sender?.userId ?? null}, ${sender?.name ?? partner.name})
      returning id, title, revision`)) as unknown as { id: string; title: string; revision: number }[];
    const targets = await tx.execute(sql`
      insert into notice_targets (notice_id, customer_id, live_from, live_until)
      select ${notice.id}::uuid, t.id, ${iso(startsAt)}::timestamptz, coalesce(${iso(parsed.expiresAt)}::timestamptz, 'infinity') from (${ids}) t`);
    const count = targets.count ?? 0;
    if (count === 0) throw fieldError(parsed.to === "groups" ? "groups" : "to", "These addressees have no customers to send to.");
    await tx.execute(sql`update notices set targets_count = ${count} where id = ${notice.id}`);
    await addToOutbox(tx, sentIntent(notice.id, notice.revision, startsAt));
    await recordAudit(tx, principal, {
      customerId: partner.id,
      action: "notice.sent",
      targetType: "notice",
      targetId: notice.id,
      targetLabel: notice.title,
      details: { mode: parsed.mode, customers: count, to: parsed.to, startsAt: startsAt.toISOString() },
    });
    return { id: notice.id, title: notice.title, customers: count };
  });
}

export const noticeEditSchema = noticeContentSchema.and(z.object({ reissue: flag.optional().default(false) }));

/**
 * Changes a notice's title and body. A correction keeps every acknowledgement; `reissue` (a material change) starts a
 * new revision, so everyone must acknowledge again and the e-mail copies go out again.
 */
export async function editNotice(principal: Principal, partnerIdentifier: string, noticeId: string, input: z.input<typeof noticeEditSchema>) {
  const parsed = parseInput(noticeEditSchema, input);
  return db.transaction(async (tx) => {
    const partner = await partnerFor(tx, principal, partnerIdentifier, "SEND_NOTICES");
    const before = await findNotice(tx, partner, noticeId, true);
    if (before.withdrawn_at) throw new ConflictError("This notice was withdrawn; send a new one instead.");
    if (!parsed.reissue && before.title === parsed.title && before.body_md === parsed.body) return { ...before, reissued: false };
    const [after] = (await tx.execute(sql`
      update notices set title = ${parsed.title}, body_md = ${parsed.body}, updated_at = now(),
        revision = revision + ${parsed.reissue ? 1 : 0}
      where id = ${before.id} returning *`)) as unknown as NoticeRow[];
    if (parsed.reissue) await addToOutbox(tx, sentIntent(after.id, after.revision, new Date()));
    await recordAudit(tx, principal, {
      customerId: partner.id,
      action: parsed.reissue ? "notice.reissued" : "notice.corrected",
      targetType: "notice",
      targetId: after.id,
      targetLabel: after.title,
      details: { revision: after.revision, ...(before.title !== after.title ? { title: { from: before.title, to: after.title } } : {}) },
    });
    return { ...withDates(after), reissued: parsed.reissue };
  });
}

/** Takes a notice away from everyone at once; its tracking stays. */
export async function withdrawNotice(principal: Principal, partnerIdentifier: string, noticeId: string) {
  return db.transaction(async (tx) => {
    const partner = await partnerFor(tx, principal, partnerIdentifier, "SEND_NOTICES");
    const notice = await findNotice(tx, partner, noticeId, true);
    if (notice.withdrawn_at) return notice;
    const [after] = (await tx.execute(
      sql`update notices set withdrawn_at = now(), updated_at = now() where id = ${notice.id} returning *`,
    )) as unknown as NoticeRow[];
    await tx.execute(sql`update notice_targets set live_until = least(live_until, now()) where notice_id = ${notice.id}`);
    await recordAudit(tx, principal, {
      customerId: partner.id,
      action: "notice.withdrawn",
      targetType: "notice",
      targetId: notice.id,
      targetLabel: notice.title,
    });
    return withDates(after);
  });
}

/** E-mails everyone still open on a shown notice, now (the worker does it, once per request). */
export async function remindNotice(principal: Principal, partnerIdentifier: string, noticeId: string) {
  return db.transaction(async (tx) => {
    const partner = await partnerFor(tx, principal, partnerIdentifier, "SEND_NOTICES");
    const notice = await findNotice(tx, partner, noticeId, true);
    const [shown] = (await tx.execute(sql`select ${live(sql`n`)} as live from notices n where n.id = ${notice.id}`)) as unknown as { live: boolean }[];
    if (!shown.live) throw new ConflictError("This notice isn't shown to anyone now, so there is nobody to remind.");
    if (notice.last_reminded_at && Date.now() - new Date(notice.last_reminded_at).getTime() < REMIND_COOLDOWN_MINUTES * 60_000)
      throw new ConflictError(`A reminder went out less than ${REMIND_COOLDOWN_MINUTES} minutes ago.`);
    const [after] = (await tx.execute(
      sql`update notices set reminders_sent = reminders_sent + 1, last_reminded_at = now() where id = ${notice.id} returning reminders_sent`,
    )) as unknown as { reminders_sent: number }[];
    await addToOutbox(tx, {
      queue: NOTICES_QUEUE,
      jobName: "notices.remind",
      jobId: `notice-remind-${notice.id}-${after.reminders_sent}`,
      payload: { kind: "remind", noticeId: notice.id, revision: notice.revision, run: after.reminders_sent },
    });
    await recordAudit(tx, principal, {
      customerId: partner.id,
      action: "notice.reminded",
      targetType: "notice",
      targetId: notice.id,
      targetLabel: notice.title,
      details: { reminder: after.reminders_sent },
    });
    return { reminder: after.reminders_sent };
  });
}

// ---- tracking -------------------------------------------------------------------------------------------------------

export type NoticeProgress = { expected: number; acknowledged: number };

/**
 * Acknowledged / expected for one notice, from the memberships now: All must read counts people per customer they
 * are in; Single read only counts customers (those with a recipient, or already closed).
 */
function progressOf(n: SQL): SQL {
  // The expected side reads the customers' member counters (kept by triggers) for "all users", and the (customer, group)
  // index for "admins"; the acknowledged side walks the acknowledgements, not the members. So the cost follows the
  // number of customers and of acknowledgements, never the number of recipients.
  const admins = sql`(select count(*) from memberships m where m.customer_id = c.id and m."group"::text = any(${sql.param([...ADMIN_GROUPS])}::text[]))`;
  const recipients = sql`(case when ${n}.audience = 'all' then c.members_count else ${admins} end)`;
  return sql`(
    case when ${n}.mode = 'all_must_read' then json_build_object(
      'expected', (select coalesce(sum(${recipients}), 0) from notice_targets t join customers c on c.id = t.customer_id and c.deleting_at is null
        where t.notice_id = ${n}.id),
      'acknowledged', (select count(*) from notice_acknowledgements a
        join memberships m on m.user_id = a.user_id and ${inAudience(n, sql`m`)}
        join notice_targets t on t.notice_id = a.notice_id and t.customer_id = m.customer_id
        join customers c on c.id = t.customer_id and c.deleting_at is null
        where a.notice_id = ${n}.id and a.revision = ${n}.revision and a.mode = 'all_must_read'))
    else (
      select json_build_object('expected', count(*) filter (where x.closed or x.reachable), 'acknowledged', count(*) filter (where x.closed))
      from (select a.customer_id is not null as closed, ${recipients} > 0 as reachable
            from notice_targets t join customers c on c.id = t.customer_id and c.deleting_at is null
            left join notice_acknowledgements a on a.notice_id = t.notice_id and a.customer_id = t.customer_id and a.revision = ${n}.revision
              and a.mode = 'single_read_only'
            where t.notice_id = ${n}.id) x)
    end)`;
}

function stateOf(n: SQL): SQL {
  return sql`case when ${n}.withdrawn_at is not null then 'withdrawn' when ${n}.starts_at > now() then 'scheduled'
    when ${n}.expires_at is not null and ${n}.expires_at <= now() then 'expired' else 'shown' end`;
}

export type NoticeState = "withdrawn" | "scheduled" | "expired" | "shown";

/** The partner's notices, newest first, with each one's progress. */
export async function listNotices(principal: Principal, partnerIdentifier: string, opts: { page?: number; q?: string } = {}) {
  const page = Math.max(1, Math.min(10_000, Math.floor(opts.page ?? 1)));
  return db.transaction(async (tx) => {
    const partner = await partnerFor(tx, principal, partnerIdentifier, "VIEW_NOTICE_TRACKING");
    const q = (opts.q ?? "").replace(/\0/g, "").trim().slice(0, 100);
    const rows = (await tx.execute(sql`
      select n.id, n.title, n.mode, n.audience, n.importance, n.starts_at, n.expires_at, n.due_at, n.created_at, n.sender_name,
        n.targets_count, n.revision, n.addressed, ${stateOf(sql`n`)} as state, ${progressOf(sql`n`)} as progress
      from notices n where n.partner_id = ${partner.id} ${q ? sql`and n.title ilike ${containsPattern(q)}` : sql``}
      order by n.created_at desc, n.id desc limit ${PAGE_SIZE + 1} offset ${(page - 1) * PAGE_SIZE}`)) as unknown as {
      id: string;
      title: string;
      mode: NoticeMode;
      audience: NoticeAudience;
      importance: NoticeImportance;
      starts_at: Date;
      expires_at: Date | null;
      due_at: Date | null;
      created_at: Date;
      sender_name: string;
      targets_count: number;
      revision: number;
      addressed: NoticeRow["addressed"];
      state: NoticeState;
      progress: NoticeProgress;
    }[];
    return { rows: rows.slice(0, PAGE_SIZE).map(withDates), hasMore: rows.length > PAGE_SIZE, page };
  });
}

export type TrackingCustomer = {
  id: string;
  name: string;
  identifier: string;
  expected: number;
  acknowledged: number;
  closed_by_name: string | null;
  closed_by_email: string | null;
  closed_at: Date | null;
};
export type OpenPerson = { user_id: string; name: string; email: string; customer_name: string; customer_identifier: string };

/**
 * One notice for its sender: the notice, its progress, a page of its customers (for Single read only: closed or
 * open, by whom and when) and a page of the people still open.
 */
export async function getNoticeTracking(
  principal: Principal,
  partnerIdentifier: string,
  noticeId: string,
  opts: { customersPage?: number; peopleAfter?: string; q?: string } = {},
) {
  const customersPage = Math.max(1, Math.min(100_000, Math.floor(opts.customersPage ?? 1)));
  return db.transaction(async (tx) => {
    const partner = await partnerFor(tx, principal, partnerIdentifier, "VIEW_NOTICE_TRACKING");
    await findNotice(tx, partner, noticeId);
    const [notice] = (await tx.execute(
      sql`select n.*, ${stateOf(sql`n`)} as state, ${progressOf(sql`n`)} as progress from notices n where n.id = ${noticeId}`,
    )) as unknown as (NoticeRow & { state: NoticeState; progress: NoticeProgress })[];
    const n = sql`n`;
    const q = (opts.q ?? "").replace(/\0/g, "").trim().slice(0, 100);
    const customers = (await tx.execute(sql`
      select c.id, c.name, c.identifier,
        (select count(*) from memberships m where m.customer_id = c.id and ${inAudience(n, sql`m`)})::int as expected,
        (select count(*) from memberships m where m.customer_id = c.id and ${inAudience(n, sql`m`)} and ${closedFor(n, sql`m.user_id`, sql`m.customer_id`)})::int as acknowledged,
        w.name as closed_by_name, w.email as closed_by_email, a.acknowledged_at as closed_at
      from notices n join notice_targets t on t.notice_id = n.id join customers c on c.id = t.customer_id and c.deleting_at is null
      left join notice_acknowledgements a on n.mode = 'single_read_only' and a.notice_id = n.id and a.revision = n.revision
        and a.mode = 'single_read_only' and a.customer_id = c.id
      left join users w on w.id = a.user_id
      where n.id = ${noticeId} ${q ? sql`and (c.name ilike ${containsPattern(q)} or c.identifier ilike ${containsPattern(q)})` : sql``}
      order by lower(c.name), c.id
      limit ${PAGE_SIZE + 1} offset ${(customersPage - 1) * PAGE_SIZE}`)) as unknown as TrackingCustomer[];
    const people = await openPeople(tx, noticeId, opts.peopleAfter ?? null, 50);
    return {
      notice: { ...withDates(notice), bodyHtml: renderNoticeMarkdown(notice.body_md) },
      customers: customers.slice(0, PAGE_SIZE).map(withDates),
      customersHasMore: customers.length > PAGE_SIZE,
      customersPage,
      openPeople: people.rows,
      openPeopleNext: people.next,
    };
  });
}

/**
 * People still open on a notice, in (customer, person) id order after `after` ("customerId|userId"): the order of the
 * targets' key and the memberships' index, so the first page reads a few customers, not every recipient.
 */
async function openPeople(ex: Executor, noticeId: string, after: string | null, limit: number) {
  const [afterCustomer, afterUser] = after && after.includes("|") ? after.split("|", 2) : [null, null];
  const valid = afterCustomer && afterUser && z.uuid().safeParse(afterCustomer).success && z.uuid().safeParse(afterUser).success;
  const n = sql`n`;
  const rows = (await ex.execute(sql`
    select u.id as user_id, u.name, u.email, c.name as customer_name, c.identifier as customer_identifier, c.id as customer_id
    from notices n join notice_targets t on t.notice_id = n.id join customers c on c.id = t.customer_id and c.deleting_at is null
    join memberships m on m.customer_id = t.customer_id and ${inAudience(n, sql`m`)}
    join users u on u.id = m.user_id
    where n.id = ${noticeId} and not ${closedFor(n, sql`m.user_id`, sql`m.customer_id`)}
      ${valid ? sql`and (t.customer_id, m.user_id) > (${afterCustomer}::uuid, ${afterUser}::uuid)` : sql``}
    order by t.customer_id, m.user_id limit ${limit + 1}`)) as unknown as (OpenPerson & { customer_id: string })[];
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last ? `${last.customer_id}|${last.user_id}` : null };
}

export type TrackingExportRow = {
  customer_identifier: string;
  customer_name: string;
  name: string;
  email: string;
  status: "acknowledged" | "open" | "closed by another";
  acknowledged_at: Date | null;
  key: string;
};

/** Everyone a notice addresses now, with their status, for the CSV export: pages in (customer, person) order. */
export async function exportNoticeTracking(principal: Principal, partnerIdentifier: string, noticeId: string, opts: { after?: string; limit?: number } = {}) {
  const limit = Math.min(5000, Math.max(1, opts.limit ?? 5000));
  return db.transaction(async (tx) => {
    const partner = await partnerFor(tx, principal, partnerIdentifier, "VIEW_NOTICE_TRACKING");
    const notice = await findNotice(tx, partner, noticeId);
    const [ac, au] = opts.after && opts.after.includes("|") ? opts.after.split("|", 2) : [null, null];
    const after = ac && au && z.uuid().safeParse(ac).success && z.uuid().safeParse(au).success ? { c: ac, u: au } : null;
    const rows = (await tx.execute(sql`
      select c.identifier as customer_identifier, c.name as customer_name, u.name, u.email,
        case when mine.user_id is not null then 'acknowledged' when cust.user_id is not null then 'closed by another' else 'open' end as status,
        coalesce(mine.acknowledged_at, cust.acknowledged_at) as acknowledged_at, c.id || '|' || u.id as key
      from notices n join notice_targets t on t.notice_id = n.id join customers c on c.id = t.customer_id and c.deleting_at is null
      join memberships m on m.customer_id = t.customer_id and ${inAudience(sql`n`, sql`m`)}
      join users u on u.id = m.user_id
      left join notice_acknowledgements mine on mine.notice_id = n.id and mine.revision = n.revision and mine.mode = n.mode and mine.user_id = u.id
        and (n.mode = 'all_must_read' or mine.customer_id = c.id)
      left join notice_acknowledgements cust on n.mode = 'single_read_only' and cust.notice_id = n.id and cust.revision = n.revision
        and cust.mode = 'single_read_only' and cust.customer_id = c.id
      where n.id = ${notice.id} ${after ? sql`and (c.id, u.id) > (${after.c}::uuid, ${after.u}::uuid)` : sql``}
      order by c.id, u.id limit ${limit}`)) as unknown as TrackingExportRow[];
    return { notice: { id: notice.id, title: notice.title }, rows: rows.map(withDates), next: rows.length === limit ? rows[rows.length - 1].key : null };
  });
}

// ---- recipients -----------------------------------------------------------------------------------------------------

export type ReceivedNotice = {
  id: string;
  title: string;
  bodyHtml: string;
  mode: NoticeMode;
  importance: NoticeImportance;
  due_at: Date | null;
  starts_at: Date;
  sender_name: string;
  partner_name: string;
  acknowledged_at: Date | null;
  acknowledged_by_name: string | null;
  acknowledged_by_me: boolean;
};

async function recipient(ex: Executor, principal: Principal, accountIdentifier: string) {
  const access = await authorizeAccount(ex, principal, accountIdentifier, "RECEIVE_NOTICES");
  const person = requirePerson(principal);
  if (!access.membership) throw new NotFoundError(NOTICE_NOT_FOUND);
  return { customer: access.customer, membership: access.membership, person };
}

/** Notices of one person in one account: shown now, addressed to its customer and to them (the audience). */
function receivedQuery(customerId: string, userId: string, group: string, where: SQL, order: SQL, limit: number) {
  const n = sql`n`;
  return sql`
    select n.id, n.title, n.body_md, n.mode, n.importance, n.due_at, n.starts_at, n.sender_name, p.name as partner_name,
      a.acknowledged_at, w.name as acknowledged_by_name, coalesce(a.user_id = ${userId}, false) as acknowledged_by_me
    from notice_targets t join notices n on n.id = t.notice_id join customers p on p.id = n.partner_id
    left join lateral (select a.user_id, a.acknowledged_at from notice_acknowledgements a
      where a.notice_id = n.id and a.revision = n.revision and a.mode = n.mode
        and case when n.mode = 'all_must_read' then a.user_id = ${userId} else a.customer_id = ${customerId} end limit 1) a on true
    left join users w on w.id = a.user_id
    where t.customer_id = ${customerId} and t.live_until > now() and t.live_from <= now() and ${live(n)}
      and (n.audience = 'all' or ${group}::text = any(${sql.param([...ADMIN_GROUPS])}::text[]))
      and ${where}
    order by ${order} limit ${limit}`;
}

const toReceived = (rows: (Omit<ReceivedNotice, "bodyHtml"> & { body_md: string })[]): ReceivedNotice[] =>
  rows.map(({ body_md, ...r }) => ({ ...withDates(r), bodyHtml: renderNoticeMarkdown(body_md) }));

/** The open notices of the signed-in person in this account: the panel they can't miss. */
export async function listOpenNotices(principal: Principal, accountIdentifier: string) {
  return db.transaction(async (tx) => {
    const { customer, membership, person } = await recipient(tx, principal, accountIdentifier);
    const rows = (await tx.execute(
      receivedQuery(
        customer.id,
        person.userId,
        membership.group,
        sql`a.user_id is null`,
        sql`n.importance desc, n.due_at nulls last, n.starts_at desc, n.id`,
        20,
      ),
    )) as unknown as Parameters<typeof toReceived>[0];
    return toReceived(rows);
  });
}

/** The person's notices in this account, open ones first, then those acknowledged (by them, or for the team). */
export async function listMyNotices(principal: Principal, accountIdentifier: string, opts: { page?: number } = {}) {
  const page = Math.max(1, Math.min(10_000, Math.floor(opts.page ?? 1)));
  return db.transaction(async (tx) => {
    const { customer, membership, person } = await recipient(tx, principal, accountIdentifier);
    const rows = (await tx.execute(
      sql`${receivedQuery(
        customer.id,
        person.userId,
        membership.group,
        sql`true`,
        sql`(a.user_id is null) desc, n.starts_at desc, n.id`,
        PAGE_SIZE + 1,
      )} offset ${(page - 1) * PAGE_SIZE}`,
    )) as unknown as Parameters<typeof toReceived>[0];
    return { rows: toReceived(rows.slice(0, PAGE_SIZE)), hasMore: rows.length > PAGE_SIZE, page };
  });
}

/**
 * Acknowledges a notice for the signed-in person in this account. Only a notice shown to them can be acknowledged.
 * A repeat, or a Single read only notice someone in the customer already closed, changes nothing and is no error:
 * the answer says who closed it.
 */
export async function acknowledgeNotice(principal: Principal, accountIdentifier: string, noticeId: string) {
  return db.transaction(async (tx) => {
    const { customer, membership, person } = await recipient(tx, principal, accountIdentifier);
    if (!z.uuid().safeParse(noticeId).success) throw new NotFoundError(NOTICE_NOT_FOUND);
    // The check that the notice is shown to this person and the insert, in one statement.
    const [notice] = (await tx.execute(sql`
      with n as (
        select n.id, n.title, n.mode, n.revision from notices n join notice_targets t on t.notice_id = n.id and t.customer_id = ${customer.id}
        where n.id = ${noticeId} and ${live(sql`n`)} and (n.audience = 'all' or ${membership.group}::text = any(${sql.param([...ADMIN_GROUPS])}::text[]))),
      ins as (
        insert into notice_acknowledgements (notice_id, user_id, customer_id, revision, mode)
        select n.id, ${person.userId}, ${customer.id}, n.revision, n.mode from n
        on conflict do nothing returning acknowledged_at)
      select n.id, n.title, n.mode, n.revision, (select acknowledged_at from ins) as acknowledged_at from n`)) as unknown as {
      id: string;
      title: string;
      mode: NoticeMode;
      revision: number;
      acknowledged_at: string | Date | null;
    }[];
    if (!notice) throw new NotFoundError("This notice isn't addressed to you, or it isn't shown any more.");
    const inserted = notice.acknowledged_at ? [{ acknowledged_at: notice.acknowledged_at }] : [];
    if (inserted.length === 0) {
      // Already closed for this person: by them before, or (Single read only) by someone else in the customer.
      const [winner] = (await tx.execute(sql`
        select a.user_id, u.name, a.acknowledged_at from notice_acknowledgements a join users u on u.id = a.user_id
        where a.notice_id = ${notice.id} and a.revision = ${notice.revision} and a.mode = ${notice.mode}
          and ${notice.mode === "all_must_read" ? sql`a.user_id = ${person.userId}` : sql`a.customer_id = ${customer.id}`}`)) as unknown as {
        user_id: string;
        name: string;
        acknowledged_at: Date;
      }[];
      return { acknowledged: false, by: winner ? { userId: winner.user_id, name: winner.name } : null, at: winner ? new Date(winner.acknowledged_at) : null };
    }
    // Whether everyone has acknowledged is checked once per time slot, after the slot's acknowledgements committed: one
    // job id per slot (BullMQ drops the repeats), so a million acknowledgements don't make a million checks.
    const slot = Math.floor(Date.now() / CHECK_SLOT_MS);
    // Two independent inserts: postgres.js pipelines them on the transaction's connection.
    await Promise.all([
      addToOutbox(tx, {
        queue: NOTICES_QUEUE,
        jobName: "notices.check",
        jobId: `notice-check-${notice.id}-r${notice.revision}-${slot}`,
        payload: {
          kind: "check",
          noticeId: notice.id,
          revision: notice.revision,
          notBefore: new Date((slot + 1) * CHECK_SLOT_MS + CHECK_MARGIN_MS).toISOString(),
        },
      }),
      recordAudit(tx, principal, {
        customerId: customer.id,
        action: "notice.acknowledged",
        targetType: "notice",
        targetId: notice.id,
        targetLabel: notice.title,
        details: notice.mode === "single_read_only" ? { closedForCustomer: true } : undefined,
      }),
    ]);
    return { acknowledged: true, by: { userId: person.userId, name: person.name }, at: new Date(inserted[0].acknowledged_at) };
  });
}

/**
 * Which live events a page of this account follows: notices of its managing partner that reach it (as a recipient),
 * and, in a partner account whose tracking the principal may see, its own notices.
 */
export async function getNoticeEventScope(principal: Principal, accountIdentifier: string) {
  return db.transaction(async (tx) => {
    const access = await authorizeAccount(tx, principal, accountIdentifier, "VIEW_ACCOUNT");
    const receives = access.can("RECEIVE_NOTICES") && access.membership !== null && access.customer.partnerId !== null;
    return {
      customerId: access.customer.id,
      recipientOf: receives ? access.customer.partnerId : null,
      tracking: access.customer.kind === "partner" && access.can("VIEW_NOTICE_TRACKING") ? access.customer.id : null,
    };
  });
}

export { noticePlainText, renderNoticeMarkdown };
