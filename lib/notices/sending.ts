// Sending a notice, and what follows from the sender: a preview, corrections and re-issues, withdrawal, reminders.
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import type { Customer, NoticeAudience } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { ADMIN_GROUPS, isManagedBy, type Principal } from "@/lib/authz";
import { ConflictError, NotFoundError, fieldError, parseInput, parseRow, parseRows } from "@/lib/core";
import { renderNoticeMarkdown } from "./markdown";
import { iso, live } from "./rules";
import { scheduleNoticeWork } from "./work";
import { findNotice, noticeRow, partnerFor } from "./access";
import { noticeSchema, noticeEditSchema, type Address, type NoticeInput, REMIND_COOLDOWN_MINUTES } from "./input";

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
    const found = parseRows(
      z.object({ identifier: z.string() }),
      await ex.execute(sql`select c.identifier from customers c where c.identifier = any(${sql.param(identifiers)}::text[]) and ${managed(sql`c`)}`),
    );
    if (found.length !== identifiers.length) {
      const missing = identifiers.filter((i) => !found.some((f) => f.identifier === i));
      throw new NotFoundError(`${missing.slice(0, 3).join(", ")}${missing.length > 3 ? " and others" : ""}: not among your customers.`);
    }
    base = sql`select c.id from customers c where c.identifier = any(${sql.param(identifiers)}::text[]) and ${managed(sql`c`)}`;
    names = identifiers;
  } else if (address.to === "groups") {
    const groups = [...new Set(address.groups)];
    if (groups.length === 0) throw fieldError("groups", "Pick at least one group.");
    const found = parseRows(
      z.object({ name: z.string() }),
      await ex.execute(sql`select name from customer_groups where partner_id = ${partner.id} and id = any(${sql.param(groups)}::uuid[]) order by lower(name)`),
    );
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
  return parseRow(
    z.object({ customers: z.number().int(), people: z.number().int() }),
    await ex.execute(sql`
      with t as (${ids})
      select (select count(*) from t)::int as customers,
        (select count(distinct m.user_id) from memberships m join t on t.id = m.customer_id
          where ${audience === "all" ? sql`true` : sql`m."group"::text = any(${sql.param([...ADMIN_GROUPS])}::text[])`})::int as people`),
  )!;
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
    const notice = parseRow(
      z.object({ id: z.uuid(), title: z.string(), revision: z.number().int() }),
      await tx.execute(sql`
      insert into notices (partner_id, title, body_md, mode, audience, importance, due_at, starts_at, expires_at, email_copy,
        remind_after_days, addressed, created_by, sender_name)
      values (${partner.id}, ${parsed.title}, ${parsed.body}, ${parsed.mode}, ${parsed.audience}, ${parsed.importance}, ${iso(parsed.dueAt)}::timestamptz,
        ${iso(startsAt)}::timestamptz, ${iso(parsed.expiresAt)}::timestamptz, ${parsed.emailCopy}, ${parsed.remindAfterDays ?? null},
        ${JSON.stringify({ kind: parsed.to, names: names.slice(0, 50), descendants: parsed.descendants })}::jsonb,
        ${sender?.userId ?? null}, ${sender?.name ?? partner.name})
      returning id, title, revision`),
    )!;
    const targets = await tx.execute(sql`
      insert into notice_targets (notice_id, customer_id, live_from, live_until)
      select ${notice.id}::uuid, t.id, ${iso(startsAt)}::timestamptz, coalesce(${iso(parsed.expiresAt)}::timestamptz, 'infinity') from (${ids}) t`);
    const count = targets.count ?? 0;
    if (count === 0) throw fieldError(parsed.to === "groups" ? "groups" : "to", "These addressees have no customers to send to.");
    await tx.execute(sql`update notices set targets_count = ${count} where id = ${notice.id}`);
    await scheduleNoticeWork(tx, { noticeId: notice.id, kind: "publish", revision: notice.revision, notBefore: startsAt });
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
    const after = parseRow(
      noticeRow,
      await tx.execute(sql`
        update notices set title = ${parsed.title}, body_md = ${parsed.body}, updated_at = now(),
          revision = revision + ${parsed.reissue ? 1 : 0}
        where id = ${before.id} returning *`),
    )!;
    if (parsed.reissue) await scheduleNoticeWork(tx, { noticeId: after.id, kind: "publish", revision: after.revision, notBefore: new Date() });
    await recordAudit(tx, principal, {
      customerId: partner.id,
      action: parsed.reissue ? "notice.reissued" : "notice.corrected",
      targetType: "notice",
      targetId: after.id,
      targetLabel: after.title,
      details: { revision: after.revision, ...(before.title !== after.title ? { title: { from: before.title, to: after.title } } : {}) },
    });
    return { ...after, reissued: parsed.reissue };
  });
}

/** Takes a notice away from everyone at once; its tracking stays. */
export async function withdrawNotice(principal: Principal, partnerIdentifier: string, noticeId: string) {
  return db.transaction(async (tx) => {
    const partner = await partnerFor(tx, principal, partnerIdentifier, "SEND_NOTICES");
    const notice = await findNotice(tx, partner, noticeId, true);
    if (notice.withdrawn_at) return notice;
    const after = parseRow(noticeRow, await tx.execute(sql`update notices set withdrawn_at = now(), updated_at = now() where id = ${notice.id} returning *`))!;
    await tx.execute(sql`update notice_targets set live_until = least(live_until, now()) where notice_id = ${notice.id}`);
    await recordAudit(tx, principal, {
      customerId: partner.id,
      action: "notice.withdrawn",
      targetType: "notice",
      targetId: notice.id,
      targetLabel: notice.title,
    });
    return after;
  });
}

/** E-mails everyone still open on a shown notice, now (the worker does it, once per request). */
export async function remindNotice(principal: Principal, partnerIdentifier: string, noticeId: string) {
  return db.transaction(async (tx) => {
    const partner = await partnerFor(tx, principal, partnerIdentifier, "SEND_NOTICES");
    const notice = await findNotice(tx, partner, noticeId, true);
    const shown = parseRow(z.object({ live: z.boolean() }), await tx.execute(sql`select ${live(sql`n`)} as live from notices n where n.id = ${notice.id}`))!;
    if (!shown.live) throw new ConflictError("This notice isn't shown to anyone now, so there is nobody to remind.");
    if (notice.last_reminded_at && Date.now() - new Date(notice.last_reminded_at).getTime() < REMIND_COOLDOWN_MINUTES * 60_000)
      throw new ConflictError(`A reminder went out less than ${REMIND_COOLDOWN_MINUTES} minutes ago.`);
    const after = parseRow(
      z.object({ reminders_sent: z.number().int() }),
      await tx.execute(sql`update notices set reminders_sent = reminders_sent + 1, last_reminded_at = now() where id = ${notice.id} returning reminders_sent`),
    )!;
    await scheduleNoticeWork(tx, {
      noticeId: notice.id,
      kind: "remind",
      revision: notice.revision,
      run: `remind-${after.reminders_sent}`,
      notBefore: new Date(),
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
