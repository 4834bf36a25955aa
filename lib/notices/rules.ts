// The rules of a notice as SQL, in one place for the pages and the worker: when it is shown, whom it addresses, what
// closes it for a person. `n` is the alias of a `notices` row in the query that uses them.
import { sql, type SQL } from "drizzle-orm";
import { ADMIN_GROUPS } from "@/lib/authz";

/** The live pages' channel: a payload `{ p: partner, c?: customer, n: notice }` (no customer: all the partner's). */
export const NOTICES_CHANNEL = "notices";

/** Raw queries take timestamps as text. */
export const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Shown now: started, not expired, not withdrawn. */
export const live = (n: SQL) => sql`(${n}.withdrawn_at is null and ${n}.starts_at <= now() and (${n}.expires_at is null or ${n}.expires_at > now()))`;

/** Whether membership `m` is in the notice's audience. */
export const inAudience = (n: SQL, m: SQL) => sql`(${n}.audience = 'all' or ${m}."group"::text = any(${sql.param([...ADMIN_GROUPS])}::text[]))`;

/** The acknowledgement that closes notice `n` for person `userId` in customer `customerId` (current revision). */
export const closedFor = (n: SQL, userId: SQL, customerId: SQL) => sql`exists (
  select 1 from notice_acknowledgements a where a.notice_id = ${n}.id and a.revision = ${n}.revision and a.mode = ${n}.mode
    and case when ${n}.mode = 'all_must_read' then a.user_id = ${userId} else a.customer_id = ${customerId} end)`;

/**
 * The memberships notice `n` still waits on, as joins after `n` and a condition (aliases t, c, m): members in its
 * audience of the customers it addresses (none being deleted) whom no acknowledgement has closed it for.
 */
export const openMemberships = (n: SQL) => ({
  join: sql`join notice_targets t on t.notice_id = ${n}.id join customers c on c.id = t.customer_id and c.deleting_at is null
    join memberships m on m.customer_id = t.customer_id and ${inAudience(n, sql`m`)}`,
  where: sql`not ${closedFor(n, sql`m.user_id`, sql`m.customer_id`)}`,
});

/** Tells the live pages of the partner's notices (and its recipients') that notice `noticeId` changed. */
export const announce = (partnerId: string, noticeId: string) => sql`select pg_notify(${NOTICES_CHANNEL}, ${JSON.stringify({ p: partnerId, n: noticeId })})`;
