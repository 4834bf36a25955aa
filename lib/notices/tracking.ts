// Following a notice: its progress per customer, who is still open, the sender's list, the CSV export.
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import { ADMIN_GROUPS, type Principal } from "@/lib/authz";
import {
  PAGE_SIZE,
  containsPattern,
  countColumn,
  csvStream,
  decodeCursor,
  encodeCursor,
  keysetClauses,
  keysetOf,
  keysetPage,
  parseRow,
  parseRows,
  searchTerm,
  timestampColumn,
  type Keyset,
  type KeysetPage,
  type PageRequest,
} from "@/lib/core";
import { renderNoticeMarkdown } from "./markdown";
import { closedFor, inAudience } from "./rules";
import { findNotice, noticeRow, partnerFor } from "./access";

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

const progressColumn = z.object({ expected: countColumn, acknowledged: countColumn });

/** A row of the sender's list of notices. */
const noticeListRow = noticeRow
  .pick({
    id: true,
    title: true,
    mode: true,
    audience: true,
    importance: true,
    starts_at: true,
    expires_at: true,
    due_at: true,
    created_at: true,
    sender_name: true,
    targets_count: true,
    revision: true,
    addressed: true,
  })
  .extend({ state: z.enum(["withdrawn", "scheduled", "expired", "shown"]), progress: progressColumn, sort_value: z.string() });
export type NoticeListItem = Omit<z.output<typeof noticeListRow>, "sort_value">;

/** The partner's notices, newest first, with each one's progress; keyset-paged on (created, id). */
export async function listNotices(
  principal: Principal,
  partnerIdentifier: string,
  opts: { q?: string } & PageRequest = {},
): Promise<KeysetPage<NoticeListItem>> {
  return db.transaction(async (tx) => {
    const partner = await partnerFor(tx, principal, partnerIdentifier, "VIEW_NOTICE_TRACKING");
    const q = searchTerm(opts.q);
    const k = keysetOf(opts, { default: PAGE_SIZE, max: 100 }, "timestamptz");
    const page = keysetClauses(k, sql`n.created_at`, sql`n.id`, "desc");
    const rows = parseRows(
      noticeListRow,
      await tx.execute(sql`
        select n.id, n.title, n.mode, n.audience, n.importance, n.starts_at, n.expires_at, n.due_at, n.created_at, n.sender_name,
          n.targets_count, n.revision, n.addressed, ${stateOf(sql`n`)} as state, ${progressOf(sql`n`)} as progress, n.created_at::text as sort_value
        from notices n where n.partner_id = ${partner.id} ${q ? sql`and n.title ilike ${containsPattern(q)}` : sql``} and ${page.where}
        order by ${page.orderBy} limit ${k.limit + 1}`),
    );
    return keysetPage(rows, k, ({ sort_value: _, ...r }) => r);
  });
}

const trackingCustomerRow = z.object({
  id: z.uuid(),
  name: z.string(),
  identifier: z.string(),
  expected: countColumn,
  acknowledged: countColumn,
  closed_by_name: z.string().nullable(),
  closed_by_email: z.string().nullable(),
  closed_at: timestampColumn.nullable(),
  sort_value: z.string(),
});
export type TrackingCustomer = Omit<z.output<typeof trackingCustomerRow>, "sort_value">;

const openPersonRow = z.object({
  user_id: z.uuid(),
  name: z.string(),
  email: z.string(),
  customer_name: z.string(),
  customer_identifier: z.string(),
  // The keyset: the customer's id, then the person's.
  sort_value: z.string(),
  id: z.uuid(),
});
export type OpenPerson = Omit<z.output<typeof openPersonRow>, "sort_value" | "id">;

/** A notice as its sender follows it. */
const trackedNoticeRow = noticeRow.extend({ state: z.enum(["withdrawn", "scheduled", "expired", "shown"]), progress: progressColumn });

/**
 * One notice for its sender: the notice, its progress, a page of its customers by name (for Single read only: closed
 * or open, by whom and when) and a page of the people still open, each list keyset-paged on its own.
 */
export async function getNoticeTracking(
  principal: Principal,
  partnerIdentifier: string,
  noticeId: string,
  opts: { customers?: PageRequest; people?: PageRequest; q?: string } = {},
) {
  return db.transaction(async (tx) => {
    const partner = await partnerFor(tx, principal, partnerIdentifier, "VIEW_NOTICE_TRACKING");
    await findNotice(tx, partner, noticeId);
    const notice = parseRow(
      trackedNoticeRow,
      await tx.execute(sql`select n.*, ${stateOf(sql`n`)} as state, ${progressOf(sql`n`)} as progress from notices n where n.id = ${noticeId}`),
    )!;
    const n = sql`n`;
    const q = searchTerm(opts.q);
    const k = keysetOf(opts.customers ?? {}, { default: PAGE_SIZE, max: 100 });
    const page = keysetClauses(k, sql`lower(c.name)`, sql`c.id`);
    // The counts are worked out for the page's rows only: the keyset skips the rows before it without reading their
    // members, where an OFFSET would count every skipped customer's members again.
    const customers = parseRows(
      trackingCustomerRow,
      await tx.execute(sql`
        select c.id, c.name, c.identifier,
          (select count(*) from memberships m where m.customer_id = c.id and ${inAudience(n, sql`m`)})::int as expected,
          (select count(*) from memberships m where m.customer_id = c.id and ${inAudience(n, sql`m`)} and ${closedFor(n, sql`m.user_id`, sql`m.customer_id`)})::int as acknowledged,
          w.name as closed_by_name, w.email as closed_by_email, a.acknowledged_at as closed_at, lower(c.name) as sort_value
        from notices n join notice_targets t on t.notice_id = n.id join customers c on c.id = t.customer_id and c.deleting_at is null
        left join notice_acknowledgements a on n.mode = 'single_read_only' and a.notice_id = n.id and a.revision = n.revision
          and a.mode = 'single_read_only' and a.customer_id = c.id
        left join users w on w.id = a.user_id
        where n.id = ${noticeId} ${q ? sql`and (c.name ilike ${containsPattern(q)} or c.identifier ilike ${containsPattern(q)})` : sql``}
          and ${page.where}
        order by ${page.orderBy}
        limit ${k.limit + 1}`),
    );
    return {
      notice: { ...notice, bodyHtml: renderNoticeMarkdown(notice.body_md) },
      customers: keysetPage(customers, k, ({ sort_value: _, ...r }) => r),
      openPeople: await openPeople(tx, noticeId, keysetOf(opts.people ?? {}, { default: 50, max: 100 }, "uuid")),
    };
  });
}

/**
 * People still open on a notice, in (customer, person) id order: the order of the targets' key and the memberships'
 * index, so a page reads a few customers, not every recipient.
 */
async function openPeople(ex: Executor, noticeId: string, k: Keyset): Promise<KeysetPage<OpenPerson>> {
  const n = sql`n`;
  const page = keysetClauses(k, sql`t.customer_id`, sql`m.user_id`, "asc");
  const rows = parseRows(
    openPersonRow,
    await ex.execute(sql`
      select u.id as user_id, u.name, u.email, c.name as customer_name, c.identifier as customer_identifier,
        t.customer_id::text as sort_value, m.user_id as id
      from notices n join notice_targets t on t.notice_id = n.id join customers c on c.id = t.customer_id and c.deleting_at is null
      join memberships m on m.customer_id = t.customer_id and ${inAudience(n, sql`m`)}
      join users u on u.id = m.user_id
      where n.id = ${noticeId} and not ${closedFor(n, sql`m.user_id`, sql`m.customer_id`)} and ${page.where}
      order by ${page.orderBy} limit ${k.limit + 1}`),
  );
  return keysetPage(rows, k, ({ sort_value: _, id: _id, ...r }) => r);
}

/** A row of the export as the query gives it, and as the CSV writes it: the status from whose acknowledgement closed it. */
const trackingExportRow = z
  .object({
    customer_id: z.string(),
    user_id: z.string(),
    customer_identifier: z.string(),
    customer_name: z.string(),
    name: z.string(),
    email: z.string(),
    mine_at: z.coerce.date().nullable(),
    customer_at: z.coerce.date().nullable(),
  })
  .transform(({ mine_at, customer_at, ...r }) => ({
    ...r,
    status: (mine_at ? "acknowledged" : customer_at ? "closed by another" : "open") as "acknowledged" | "closed by another" | "open",
    acknowledged_at: mine_at ?? customer_at,
  }));
export type TrackingExportRow = z.output<typeof trackingExportRow>;

/** The most rows one page of the export reads. */
const EXPORT_PAGE_MAX = 5000;

/**
 * Everyone a notice addresses now, with their status, for the CSV export: keyset pages in (customer, person) id order,
 * forward only, each starting where the cursor `after` ended, never by OFFSET, so the last page costs what the first
 * does. Each page is its own short transaction, authorized again: a download at a slow reader's pace holds no
 * connection between pages.
 */
export async function exportNoticeTracking(principal: Principal, partnerIdentifier: string, noticeId: string, opts: { after?: string; limit?: number } = {}) {
  const limit = Math.min(EXPORT_PAGE_MAX, Math.max(1, Math.floor(opts.limit ?? EXPORT_PAGE_MAX)));
  return db.transaction(async (tx) => {
    const partner = await partnerFor(tx, principal, partnerIdentifier, "VIEW_NOTICE_TRACKING");
    const notice = await findNotice(tx, partner, noticeId);
    const cursor = decodeCursor(opts.after);
    const after = cursor && z.uuid().safeParse(cursor.v).success ? { c: cursor.v, u: cursor.id } : null;
    // The addressed people in key order, from the indexes: the targets' key, then each customer's members by id
    // (memberships_customer_user_idx). After a key: the rest of its customer, then the customers after it. Every other
    // column is looked up row by row for the page's rows only (a subquery that is never turned into a join: a join here may be
    // planned as a scan of the whole table, which each page would pay again).
    const keys = (where: SQL, order: SQL) => sql`(select t.customer_id, m.user_id
      from notices n join notice_targets t on t.notice_id = n.id
      join memberships m on m.customer_id = t.customer_id and ${inAudience(sql`n`, sql`m`)}
      where n.id = ${notice.id} and ${where}
        and (select c.deleting_at is null from customers c where c.id = t.customer_id)
      order by ${order} limit ${limit})`;
    const addressed = after
      ? sql`${keys(sql`t.customer_id = ${after.c}::uuid and m.user_id > ${after.u}::uuid`, sql`m.user_id`)}
          union all ${keys(sql`t.customer_id > ${after.c}::uuid`, sql`t.customer_id, m.user_id`)}`
      : keys(sql`true`, sql`t.customer_id, m.user_id`);
    const ack = sql`a.notice_id = ${notice.id} and a.revision = ${notice.revision} and a.mode = ${notice.mode}`;
    const rows = await tx.execute(sql`
      select k.customer_id, k.user_id, c.identifier as customer_identifier, c.name as customer_name, u.name, u.email,
        (select a.acknowledged_at from notice_acknowledgements a where ${ack} and a.user_id = k.user_id
          ${notice.mode === "single_read_only" ? sql`and a.customer_id = k.customer_id` : sql``} limit 1) as mine_at,
        ${
          notice.mode === "single_read_only"
            ? sql`(select a.acknowledged_at from notice_acknowledgements a where ${ack} and a.customer_id = k.customer_id limit 1)`
            : sql`null`
        } as customer_at
      from (${addressed}) k
      cross join lateral (select identifier, name from customers where id = k.customer_id limit 1) c
      cross join lateral (select name, email from users where id = k.user_id limit 1) u
      order by k.customer_id, k.user_id limit ${limit}`);
    const parsed = rows.map((r) => trackingExportRow.parse(r));
    const last = parsed[parsed.length - 1];
    return {
      notice: { id: notice.id, title: notice.title },
      rows: parsed,
      next: parsed.length === limit && last ? encodeCursor({ v: last.customer_id, id: last.user_id }) : null,
    };
  });
}

const TRACKING_CSV_HEADER = ["customer", "customer name", "name", "email", "status", "acknowledged at (UTC)"];

/**
 * The export as a CSV download: its file name and a stream that reads the next page only when the reader wants more.
 * The first page is read (and the principal authorized) before this returns, so a refusal or an unreachable database
 * is an answer of its own rather than a download that breaks off.
 */
export async function exportNoticeTrackingCsv(principal: Principal, partnerIdentifier: string, noticeId: string, opts: { pageRows?: number } = {}) {
  const page = (after?: string) => exportNoticeTracking(principal, partnerIdentifier, noticeId, { after, limit: opts.pageRows });
  const first = await page();
  const stream = csvStream({
    header: TRACKING_CSV_HEADER,
    cells: (r: TrackingExportRow) => [r.customer_identifier, r.customer_name, r.name, r.email, r.status, r.acknowledged_at],
    first,
    page,
  });
  return { filename: `notice-${first.notice.title.replace(/[^\w.-]+/g, "-").slice(0, 60) || "notice"}.csv`, stream };
}
