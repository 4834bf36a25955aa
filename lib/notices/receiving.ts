// The recipients' side: the notices open for a person in an account, their notice centre, acknowledging.
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import type { NoticeImportance, NoticeMode } from "@/db/schema";
import { recordAudit } from "@/lib/audit";
import { ADMIN_GROUPS, authorizeAccount, requirePerson, type Principal } from "@/lib/authz";
import {
  NotFoundError,
  PAGE_SIZE,
  keysetClauses,
  keysetOf,
  keysetPage,
  parseRow,
  parseRows,
  timestampColumn,
  type KeysetPage,
  type PageRequest,
} from "@/lib/core";
import { renderNoticeMarkdown } from "./markdown";
import { live } from "./rules";
import { scheduleNoticeWork } from "./work";
import { NOTICE_NOT_FOUND } from "./access";

/** Completion checks: one per notice and slot, run this long after the slot ends (acknowledgements commit meanwhile). */
const CHECK_SLOT_MS = 5000;
const CHECK_MARGIN_MS = 3000;

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
function receivedQuery(customerId: string, userId: string, group: string, where: SQL, order: SQL, limit: number, sortValue: SQL = sql`''`) {
  const n = sql`n`;
  return sql`
    select n.id, n.title, n.body_md, n.mode, n.importance, n.due_at, n.starts_at, n.sender_name, p.name as partner_name,
      a.acknowledged_at, w.name as acknowledged_by_name, coalesce(a.user_id = ${userId}, false) as acknowledged_by_me,
      ${sortValue} as sort_value
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

const receivedRow = z.object({
  id: z.uuid(),
  title: z.string(),
  body_md: z.string(),
  mode: z.enum(["all_must_read", "single_read_only"]),
  importance: z.enum(["information", "action_required"]),
  due_at: timestampColumn.nullable(),
  starts_at: timestampColumn,
  sender_name: z.string(),
  partner_name: z.string(),
  acknowledged_at: timestampColumn.nullable(),
  acknowledged_by_name: z.string().nullable(),
  acknowledged_by_me: z.boolean(),
  sort_value: z.string(),
});

const toReceived = ({ body_md, sort_value: _, ...r }: z.output<typeof receivedRow>): ReceivedNotice => ({ ...r, bodyHtml: renderNoticeMarkdown(body_md) });

/** The open notices of the signed-in person in this account: the panel they can't miss. */
export async function listOpenNotices(principal: Principal, accountIdentifier: string) {
  return db.transaction(async (tx) => {
    const { customer, membership, person } = await recipient(tx, principal, accountIdentifier);
    const rows = await tx.execute(
      receivedQuery(
        customer.id,
        person.userId,
        membership.group,
        sql`a.user_id is null`,
        sql`n.importance desc, n.due_at nulls last, n.starts_at desc, n.id`,
        20,
      ),
    );
    return parseRows(receivedRow, rows).map(toReceived);
  });
}

/**
 * The person's notices in this account, open ones first, then those acknowledged (by them, or for the team), newest
 * first within each; keyset-paged on that order, written as one sortable text (open flag, then the start in UTC).
 */
export async function listMyNotices(principal: Principal, accountIdentifier: string, opts: PageRequest = {}): Promise<KeysetPage<ReceivedNotice>> {
  return db.transaction(async (tx) => {
    const { customer, membership, person } = await recipient(tx, principal, accountIdentifier);
    const k = keysetOf(opts, { default: PAGE_SIZE, max: 100 });
    const key = sql`((case when a.user_id is null then '1' else '0' end) || to_char(n.starts_at at time zone 'UTC', 'YYYYMMDDHH24MISSUS')) collate "C"`;
    const page = keysetClauses(k, key, sql`n.id`, "desc");
    const rows = await tx.execute(receivedQuery(customer.id, person.userId, membership.group, page.where, page.orderBy, k.limit + 1, key));
    return keysetPage(parseRows(receivedRow, rows), k, toReceived);
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
    const notice = parseRow(
      z.object({
        id: z.uuid(),
        title: z.string(),
        mode: z.enum(["all_must_read", "single_read_only"]),
        revision: z.number().int(),
        acknowledged_at: timestampColumn.nullable(),
      }),
      await tx.execute(sql`
      with n as (
        select n.id, n.title, n.mode, n.revision from notices n join notice_targets t on t.notice_id = n.id and t.customer_id = ${customer.id}
        where n.id = ${noticeId} and ${live(sql`n`)} and (n.audience = 'all' or ${membership.group}::text = any(${sql.param([...ADMIN_GROUPS])}::text[]))),
      ins as (
        insert into notice_acknowledgements (notice_id, user_id, customer_id, revision, mode)
        select n.id, ${person.userId}, ${customer.id}, n.revision, n.mode from n
        on conflict do nothing returning acknowledged_at)
      select n.id, n.title, n.mode, n.revision, (select acknowledged_at from ins) as acknowledged_at from n`),
    );
    if (!notice) throw new NotFoundError("This notice isn't addressed to you, or it isn't shown any more.");
    const inserted = notice.acknowledged_at ? [{ acknowledged_at: notice.acknowledged_at }] : [];
    if (inserted.length === 0) {
      // Already closed for this person: by them before, or (Single read only) by someone else in the customer.
      const winner = parseRow(
        z.object({ user_id: z.uuid(), name: z.string(), acknowledged_at: timestampColumn }),
        await tx.execute(sql`
          select a.user_id, u.name, a.acknowledged_at from notice_acknowledgements a join users u on u.id = a.user_id
          where a.notice_id = ${notice.id} and a.revision = ${notice.revision} and a.mode = ${notice.mode}
            and ${notice.mode === "all_must_read" ? sql`a.user_id = ${person.userId}` : sql`a.customer_id = ${customer.id}`}`),
      );
      return { acknowledged: false, by: winner ? { userId: winner.user_id, name: winner.name } : null, at: winner?.acknowledged_at ?? null };
    }
    // Whether everyone has acknowledged is checked once per time slot, after the slot's acknowledgements committed: one
    // piece of work per slot (the first acknowledgement of the slot records it), so a million acknowledgements don't
    // make a million checks.
    const slot = Math.floor(Date.now() / CHECK_SLOT_MS);
    // Two independent writes: postgres.js pipelines them on the transaction's connection.
    await Promise.all([
      scheduleNoticeWork(tx, {
        noticeId: notice.id,
        kind: "check",
        revision: notice.revision,
        run: `slot-${slot}`,
        notBefore: new Date((slot + 1) * CHECK_SLOT_MS + CHECK_MARGIN_MS),
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
