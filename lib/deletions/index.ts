// Deleting customers — one, a selection, a group, a subtree, or everything a filter matches — in three steps:
// 1. at once, one statement marks them (and their sub-customers) as being deleted — the customers only, never the
//    memberships, projects or people they hold, so it costs what the customers do: they vanish from every list, count,
//    sign-in and invitation, and nothing is destroyed yet;
// 2. for a while (DELETION_UNDO_MINUTES) the requester or another admin can undo it: the mark goes, everything is back;
// 3. then the worker deletes them in short chunks (people who belong nowhere else first, then the customers deepest
//    first), each its own transaction, resuming where it stopped if it dies. The manager's audit trail keeps the record.
import type { JobsOptions } from "bullmq";
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import { recordAudit } from "@/lib/audit";
import { authorizeAccount, authorizeInstallation, isInScopeOf, type Principal } from "@/lib/authz";
import {
  ConflictError,
  NotFoundError,
  fieldError,
  getEnv,
  identifierRefSchema,
  optionalTextSchema,
  parseInput,
  countColumn,
  countIn,
  parseRow,
  parseRows,
  timestampColumn,
  counted,
  csvStream,
  plural,
} from "@/lib/core";
import { queueEmail } from "@/lib/email";
import { defineJob, enqueue, type PendingWork } from "@/lib/outbox";
import { customerFilter } from "@/lib/partners";

export const DELETION_QUEUE = "deletion";

/** Carries one deletion (its steps run until nothing is left); `generation` is the enqueue the deletion row names. */
export const deletionJob = defineJob({
  queue: DELETION_QUEUE,
  name: () => "deletion.run",
  payload: z.object({ deletionId: z.uuid(), generation: z.number().int().min(0) }),
  // Generation 0 keeps the id the first enqueue always had.
  jobId: ({ deletionId, generation }) => (generation === 0 ? `deletion-${deletionId}` : `deletion-${deletionId}-${generation}`),
  options: (): JobsOptions => ({
    attempts: 20,
    backoff: { type: "exponential", delay: 2000 },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  }),
});

/** Which customers a deletion takes: named ones, a group, or all that a list filter matches (each with its subtree). */
export const deletionSelectionSchema = z.object({
  customers: z.array(identifierRefSchema).max(1000, "Select at most 1,000 customers, or use a filter.").optional(),
  group: z.uuid("This group doesn't exist.").optional(),
  /** Everything the Customers list's filter matches. */
  filter: z
    .object({
      q: z.string().max(100).optional(),
      group: z.string().max(40).optional(),
      parent: z.string().max(40).optional(),
      quota: z.enum(["at", "near", "under"]).optional(),
    })
    .optional(),
});
export type DeletionSelection = z.input<typeof deletionSelectionSchema>;

type Manager = { id: string; kind: "customer" | "partner"; partnerId: string | null; identifier: string; name: string };

/**
 * The customers a selection names within the manager's area, as a condition on `c`. "Everything this filter matches"
 * is read by the Customers list's own filter, so it deletes exactly what the list showed.
 */
async function selected(ex: Executor, manager: Manager, sel: z.infer<typeof deletionSelectionSchema>): Promise<SQL> {
  const scope = isInScopeOf(sql`c`, manager);
  const parts: SQL[] = [];
  if (sel.customers?.length) parts.push(sql`c.identifier in ${sel.customers}`);
  if (sel.group)
    parts.push(
      sql`c.id in (select gm.customer_id from customer_group_members gm join customer_groups g on g.id = gm.group_id where g.id = ${sel.group} and g.partner_id = ${manager.id})`,
    );
  if (sel.filter) parts.push(await customerFilter(ex, manager, sel.filter));
  if (parts.length === 0) return sql`false`;
  return sql`(${scope} and (${sql.join(parts, sql` or `)}))`;
}

export type DeletionImpact = {
  customers: number;
  selected: number;
  subCustomers: number;
  /** People whose only memberships are in these customers: their users go too. */
  users: number;
  /** People who also belong elsewhere: they stay, without these memberships. */
  usersKept: number;
  projects: number;
  pendingInvitations: number;
  /** Notices still to be read there (not withdrawn, not expired): they stop reaching these customers' people. */
  openNotices: number;
  /** The first few, for the confirmation. */
  sample: { identifier: string; name: string }[];
  /** The first people (by name) whose users go, and the first who stay because they belong elsewhere too. */
  usersSample: PersonNamed[];
  keptSample: PersonNamed[];
};

export type PersonNamed = { name: string; email: string };
/** How many people each list of the confirmation names; the download has them all. */
export const PEOPLE_NAMED = 20;
const personNamed = z.object({ name: z.string(), email: z.string() });

/** Per partner, how many of its people belong to it only through the customers of a deletion. */
const hiddenUsers = z.array(z.object({ partner_id: z.uuid(), users: z.number().int() }));
type HiddenUsers = z.output<typeof hiddenUsers>;

const identified = z.object({ identifier: z.string() });
const idRow = z.object({ id: z.uuid() });

/**
 * The impact of deleting the customers with ids in `ids` (a SQL set): counted set-based, in one statement. `ids` are
 * whole subtrees, so "elsewhere" means any customer outside the set. Every membership of everyone in these customers
 * is read once, and answers both who is kept (a membership outside the set) and, per partner, who stops being one of
 * its people (no membership with it in a customer that stays).
 */
async function impactOf(ex: Executor, ids: SQL, selectedCount: number): Promise<{ impact: DeletionImpact; hidden: HiddenUsers }> {
  const row = parseRow(
    z.object({
      customers: z.number().int(),
      users: z.number().int(),
      users_kept: z.number().int(),
      projects: z.number().int(),
      pending_invitations: z.number().int(),
      open_notices: z.number().int(),
      sample: z.array(z.object({ identifier: z.string(), name: z.string() })),
      users_sample: z.array(personNamed),
      kept_sample: z.array(personNamed),
      hidden: hiddenUsers,
    }),
    await ex.execute(sql`
    with doomed as (select id from customers where id in ${ids}),
    theirs as materialized (
      select m.user_id, m.partner_id, d.id is not null as doomed, c.deleting_at is null and d.id is null as stays
      from memberships m join customers c on c.id = m.customer_id left join doomed d on d.id = m.customer_id
      where m.user_id in (select m1.user_id from memberships m1 where m1.customer_id in (select id from doomed))),
    people as (select user_id, bool_or(not doomed) as kept from theirs group by user_id),
    -- Operators of the installation stay even when they belong nowhere else (they lose these memberships only).
    operators as (
      select count(*)::int as n from users u where u.is_operator
        and exists (select 1 from memberships m where m.user_id = u.id and m.customer_id in (select id from doomed))
        and not exists (select 1 from memberships m where m.user_id = u.id and m.customer_id not in (select id from doomed))),
    hidden as (
      select partner_id, count(*)::int as users from (
        select partner_id from theirs where partner_id is not null group by user_id, partner_id having not bool_or(stays)) x
      group by partner_id)
    select (select count(*)::int from doomed) as customers,
      (select count(*) filter (where not kept)::int from people) - (select n from operators) as users,
      (select count(*) filter (where kept)::int from people) + (select n from operators) as users_kept,
      (select count(*)::int from projects where customer_id in (select id from doomed)) as projects,
      (select count(*)::int from invitations where customer_id in (select id from doomed) and accepted_at is null) as pending_invitations,
      (select count(distinct t.notice_id)::int from notice_targets t join notices n on n.id = t.notice_id
        where t.customer_id in (select id from doomed) and t.live_until > now() and n.withdrawn_at is null
          and (n.expires_at is null or n.expires_at > now())) as open_notices,
      (select coalesce(json_agg(s), '[]') from (select identifier, name from customers where id in (select id from doomed) order by cardinality(path), lower(name) limit 10) s) as sample,
      (select coalesce(json_agg(s), '[]') from (select u.name, u.email from people p join users u on u.id = p.user_id
        where not p.kept and not u.is_operator order by lower(u.name), u.email limit ${PEOPLE_NAMED}) s) as users_sample,
      (select coalesce(json_agg(s), '[]') from (select u.name, u.email from people p join users u on u.id = p.user_id
        where p.kept or u.is_operator order by lower(u.name), u.email limit ${PEOPLE_NAMED}) s) as kept_sample,
      (select coalesce(json_agg(h), '[]') from hidden h) as hidden`),
  )!;
  return {
    impact: {
      customers: row.customers,
      selected: selectedCount,
      subCustomers: Math.max(0, row.customers - selectedCount),
      users: row.users,
      usersKept: row.users_kept,
      projects: row.projects,
      pendingInvitations: row.pending_invitations,
      openNotices: row.open_notices,
      sample: row.sample,
      usersSample: row.users_sample,
      keptSample: row.kept_sample,
    },
    hidden: row.hidden,
  };
}

/**
 * The selected customers and every customer below them, within the manager's area and not already being deleted: the
 * selection, and every customer with one of them among its ancestors (a hash join over each path's few entries, so
 * 100,000 selected customers cost what 100,000 rows do).
 */
function subtreesOf(manager: Manager, sel: SQL): SQL {
  const scope = isInScopeOf(sql`d`, manager);
  return sql`(select c.id from customers c where ${sel}
    union select d.id from customers d cross join lateral unnest(d.path) as a(id) where ${scope} and a.id in (select c.id from customers c where ${sel}))`;
}

async function managerFor(ex: Executor, principal: Principal, managerIdentifier: string, permission: "DELETE_CUSTOMERS" | "VIEW_ADMINISTRATION") {
  const { customer } = await authorizeAccount(ex, principal, managerIdentifier, permission);
  if (customer.kind !== "partner" && !customer.selfManaged) throw new NotFoundError("This Administration area doesn't exist.");
  return customer;
}

/** What deleting a selection would take, for its confirmation. Nothing is changed. */
export async function previewCustomerDeletion(principal: Principal, managerIdentifier: string, selection: DeletionSelection) {
  const sel = parseInput(deletionSelectionSchema, selection);
  return db.transaction(async (tx) => {
    const manager = await managerFor(tx, principal, managerIdentifier, "DELETE_CUSTOMERS");
    const cond = await selected(tx, manager, sel);
    const n = countIn(await tx.execute(sql`select count(*)::int as n from customers c where ${cond}`));
    return { impact: (await impactOf(tx, subtreesOf(manager, cond), n)).impact };
  });
}

const affectedPerson = z.object({ id: z.uuid(), name: z.string(), email: z.string(), stays: z.boolean() });
type AffectedPerson = z.output<typeof affectedPerson>;
const PEOPLE_PAGE = 1000;

/**
 * Everyone a deletion would touch, as a CSV download beside its confirmation: each person, and whether their user
 * goes or stays (they belong elsewhere too, or run the installation). Paged by user id, a page read only when the
 * reader wants it; the first page is read (and the principal authorized) before this returns.
 */
export async function exportDeletionPeopleCsv(principal: Principal, managerIdentifier: string, selection: DeletionSelection) {
  const sel = parseInput(deletionSelectionSchema, selection);
  const page = (after = "00000000-0000-0000-0000-000000000000") =>
    db.transaction(async (tx) => {
      const manager = await managerFor(tx, principal, managerIdentifier, "DELETE_CUSTOMERS");
      const ids = subtreesOf(manager, await selected(tx, manager, sel));
      const rows = parseRows(
        affectedPerson,
        await tx.execute(sql`
          with doomed as materialized (select id from customers where id in ${ids}),
          page as (select distinct m.user_id from memberships m where m.customer_id in (select id from doomed) and m.user_id > ${after}::uuid
            order by m.user_id limit ${PEOPLE_PAGE})
          select u.id, u.name, u.email,
            u.is_operator or exists (select 1 from memberships m where m.user_id = u.id and m.customer_id not in (select id from doomed)) as stays
          from page p join users u on u.id = p.user_id order by u.id`),
      );
      return { rows, next: rows.length === PEOPLE_PAGE ? rows[rows.length - 1].id : null };
    });
  const first = await page();
  const stream = csvStream({
    header: ["name", "email", "user"],
    cells: (r: AffectedPerson) => [r.name, r.email, r.stays ? "stays (belongs elsewhere too)" : "deleted"],
    first,
    page,
  });
  return { filename: "deletion-people.csv", stream };
}

export const confirmDeletionSchema = z.object({
  /** What the person typed: the identifier for one customer, the number of customers for several. */
  confirmation: z.string().trim().max(100),
  label: optionalTextSchema(200, "The description of the deletion"),
});

/**
 * Marks the selected customers and their subtrees as being deleted, in one statement, and records the deletion with
 * its impact; the worker takes over once the undo window has passed. A customer already being deleted (by another
 * request, even one committed a moment ago) makes the whole request fail with nothing changed, so overlapping
 * deletions end with each customer deleted once.
 */
export async function requestCustomerDeletion(
  principal: Principal,
  managerIdentifier: string,
  selection: DeletionSelection,
  input: z.input<typeof confirmDeletionSchema>,
) {
  const sel = parseInput(deletionSelectionSchema, selection);
  const { confirmation, label } = parseInput(confirmDeletionSchema, input);
  const env = getEnv();
  return db.transaction(async (tx) => {
    const manager = await managerFor(tx, principal, managerIdentifier, "DELETE_CUSTOMERS");
    // Requests within one partner's customers take turns (a subtree never spans partners), so each sees what the one
    // before it marked: an overlapping selection is refused instead of splitting a subtree between two deletions.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('customer-deletions'), hashtext(${manager.partnerId ?? manager.id}))`);
    const cond = await selected(tx, manager, sel);
    const chosen = parseRows(
      z.object({ identifier: z.string(), name: z.string() }),
      await tx.execute(sql`select c.identifier, c.name from customers c where ${cond} order by lower(c.name) limit 2`),
    );
    const selectedCount = countIn(await tx.execute(sql`select count(*)::int as n from customers c where ${cond}`));
    if (selectedCount === 0) {
      const busy = sel.customers?.length
        ? parseRows(
            identified,
            await tx.execute(sql`select c.identifier from customers c where c.identifier in ${sel.customers} and c.deleting_at is not null
              and c.partner_id is not distinct from ${manager.kind === "partner" ? manager.id : manager.partnerId} limit 3`),
          )
        : [];
      if (busy.length > 0) throw new ConflictError(`${busy.map((b) => b.identifier).join(", ")} ${plural(busy.length, "is", "are")} already being deleted.`);
      throw new NotFoundError("None of these customers can be deleted from here (any more).");
    }
    const expected = selectedCount === 1 ? chosen[0].identifier : String(selectedCount);
    if (confirmation.toLowerCase() !== expected)
      throw fieldError(
        "confirmation",
        selectedCount === 1 ? `Type ${chosen[0].identifier} to confirm.` : `Type ${selectedCount} (the number of customers to delete) to confirm.`,
      );
    // A customer with a sub-customer already being deleted (by another request) can't be deleted now: its deletion
    // would have to wait for the other one, and an undo there would leave a child without a parent.
    const busyBelow = parseRow(
      identified,
      await tx.execute(sql`
        select d.identifier from customers d cross join lateral unnest(d.path) as a(id)
        where d.deleting_at is not null and a.id in (select c.id from customers c where ${cond}) limit 1`),
    );
    if (busyBelow)
      throw new ConflictError(`${busyBelow.identifier}, below the selection, is already being deleted. Wait for that deletion (or undo it), then try again.`);
    const ids = parseRows(idRow, await tx.execute(sql`${subtreesOf(manager, cond)} order by 1`));
    const { impact, hidden } = await impactOf(tx, sql`(select unnest(${sql.param(ids.map((r) => r.id))}::uuid[]))`, selectedCount);
    const deletion = parseRow(
      z.object({ id: z.uuid(), label: z.string(), undo_until: timestampColumn }),
      await tx.execute(sql`
      insert into customer_deletions (manager_id, requested_by, requested_by_label, label, undo_until, customers_total, users_total, impact, customer_list)
      values (${manager.id}, ${principal.kind === "user" ? principal.userId : null}, ${principal.kind === "user" ? `${principal.name} <${principal.email}>` : "Tenancy"},
        ${label || (selectedCount === 1 ? `${chosen[0].name} (${chosen[0].identifier})` : counted.customers(selectedCount))},
        now() + make_interval(secs => ${env.DELETION_UNDO_MINUTES * 60}), ${impact.customers}, ${impact.users}, ${JSON.stringify(impact)}::jsonb,
        (select coalesce(json_agg(json_build_object('identifier', identifier, 'name', name) order by lower(name)), '[]') from customers where id = any(${sql.param(ids.map((r) => r.id))}::uuid[])))
      returning id, label, undo_until`),
    )!;
    // The mark, in one statement; rows another deletion marked meanwhile are skipped, and then nothing may stay.
    const marked = await tx.execute(sql`
      update customers set deleting_at = now(), deletion_id = ${deletion.id}
      where id = any(${sql.param(ids.map((r) => r.id))}::uuid[]) and deleting_at is null
      returning id`);
    if (marked.length !== ids.length)
      throw new ConflictError("Some of these customers are already being deleted by another request. Nothing was changed; reload the list and try again.");
    // The partner's user count leaves out, from now on, the people who belong to it only through these customers.
    if (hidden.length > 0)
      await tx.execute(sql`
        insert into customer_deletion_partners (deletion_id, partner_id, users_hidden)
        select ${deletion.id}, h.partner_id, h.users from json_to_recordset(${JSON.stringify(hidden)}::json) as h(partner_id uuid, users int)
        where h.users > 0`);
    await enqueue(tx, deletionJob, { deletionId: deletion.id, generation: 0 });
    await recordAudit(tx, principal, {
      customerId: manager.id,
      action: "customer.deletion_requested",
      targetType: "customer_deletion",
      targetId: deletion.id,
      targetLabel: deletion.label,
      details: { customers: impact.customers, users: impact.users, projects: impact.projects, undo_until: deletion.undo_until },
    });
    return { id: deletion.id, label: deletion.label, impact, undoUntil: deletion.undo_until };
  });
}

/** A deletion as its manager's pages show it, parsed from its row (timestamps as dates). */
const deletionRow = z.object({
  id: z.uuid(),
  label: z.string(),
  status: z.enum(["pending", "running", "done", "cancelled"]),
  requested_by_label: z.string(),
  undo_until: timestampColumn,
  customers_total: z.number().int(),
  users_total: z.number().int(),
  customers_done: z.number().int(),
  users_done: z.number().int(),
  // Written by this module alone (requestCustomerDeletion), as the type says.
  impact: z.custom<DeletionImpact>((v) => typeof v === "object" && v !== null),
  customer_list: z.array(z.object({ identifier: z.string(), name: z.string() })),
  cancelled_by: z.string().nullable(),
  started_at: timestampColumn.nullable(),
  finished_at: timestampColumn.nullable(),
  created_at: timestampColumn,
});
export type DeletionRow = z.output<typeof deletionRow>;

const DELETION_COLUMNS = sql`id, label, status, requested_by_label, undo_until, customers_total, users_total, customers_done, users_done, impact,
  customer_list, cancelled_by, started_at, finished_at, created_at`;

/** The manager's deletions, newest first, keyset-paginated on the time they were asked for. */
export async function listCustomerDeletions(principal: Principal, managerIdentifier: string, opts: { before?: string; limit?: number } = {}) {
  const limit = Math.min(100, Math.max(1, opts.limit ?? 20));
  const before = opts.before && !Number.isNaN(Date.parse(opts.before)) ? new Date(opts.before).toISOString() : null;
  return db.transaction(async (tx) => {
    const manager = await managerFor(tx, principal, managerIdentifier, "VIEW_ADMINISTRATION");
    const rows = parseRows(
      deletionRow,
      await tx.execute(sql`
        select ${DELETION_COLUMNS} from customer_deletions where manager_id = ${manager.id} ${before ? sql`and created_at < ${before}::timestamptz` : sql``}
        order by created_at desc limit ${limit + 1}`),
    );
    const page = rows.slice(0, limit);
    return { rows: page, next: rows.length > limit ? page[page.length - 1].created_at.toISOString() : null };
  });
}

export async function getCustomerDeletion(principal: Principal, managerIdentifier: string, deletionId: string) {
  if (!z.uuid().safeParse(deletionId).success) throw new NotFoundError("This deletion doesn't exist.");
  return db.transaction(async (tx) => {
    const manager = await managerFor(tx, principal, managerIdentifier, "VIEW_ADMINISTRATION");
    const row = parseRow(
      deletionRow,
      await tx.execute(sql`select ${DELETION_COLUMNS} from customer_deletions where id = ${deletionId} and manager_id = ${manager.id}`),
    );
    if (!row) throw new NotFoundError("This deletion doesn't exist.");
    return row;
  });
}

/**
 * Undoes a deletion inside its window: the mark goes and every customer is back exactly as it was (nothing had been
 * destroyed). After the window, or once the worker started, it is refused.
 */
export async function cancelCustomerDeletion(principal: Principal, managerIdentifier: string, deletionId: string) {
  if (!z.uuid().safeParse(deletionId).success) throw new NotFoundError("This deletion doesn't exist.");
  return db.transaction(async (tx) => {
    const manager = await managerFor(tx, principal, managerIdentifier, "DELETE_CUSTOMERS");
    const row = parseRow(
      z.object({ id: z.uuid(), label: z.string(), status: deletionRow.shape.status, undoable: z.boolean() }),
      await tx.execute(
        sql`select id, label, status, undo_until > now() as undoable from customer_deletions where id = ${deletionId} and manager_id = ${manager.id} for update`,
      ),
    );
    if (!row) throw new NotFoundError("This deletion doesn't exist.");
    if (row.status !== "pending" || !row.undoable)
      throw new ConflictError(row.status === "cancelled" ? "This deletion was already undone." : "The time to undo this deletion has passed; it is under way.");
    await tx.execute(sql`update customers set deleting_at = null, deletion_id = null where deletion_id = ${row.id}`);
    await tx.execute(sql`delete from customer_deletion_partners where deletion_id = ${row.id}`);
    const who = principal.kind === "user" ? `${principal.name} <${principal.email}>` : "Tenancy";
    await tx.execute(sql`update customer_deletions set status = 'cancelled', cancelled_by = ${who}, finished_at = now() where id = ${row.id}`);
    await recordAudit(tx, principal, {
      customerId: manager.id,
      action: "customer.deletion_cancelled",
      targetType: "customer_deletion",
      targetId: row.id,
      targetLabel: row.label,
    });
    return { id: row.id, label: row.label };
  });
}

export type DeletionStep = { state: "waiting"; until: Date } | { state: "cancelled" | "done" } | { state: "progress"; customers: number; users: number };

/**
 * One short step of a deletion, for the worker: the next customers, deepest first (children before parents), as many
 * as hold about DELETION_CHUNK memberships — their people who belong nowhere else, then the customers themselves; when
 * none is left, the record, the audit and the requester's report. Each step is its own transaction and starts from what
 * the database says is left, so a worker that dies between steps loses nothing and repeats nothing.
 */
export async function runCustomerDeletionStep(principal: Principal, deletionId: string): Promise<DeletionStep> {
  authorizeInstallation(principal, "RUN_DELETIONS");
  const chunk = getEnv().DELETION_CHUNK;
  return db.transaction(async (tx) => {
    const d = parseRow(
      deletionRow
        .pick({ id: true, status: true, undo_until: true, label: true, started_at: true, impact: true })
        .extend({ due: z.boolean(), manager_id: z.uuid(), requested_by: z.uuid().nullable(), manager_identifier: z.string() }),
      await tx.execute(sql`
        select d.id, d.status, d.undo_until, d.undo_until <= now() as due, d.label, d.manager_id, d.requested_by, d.started_at, d.impact,
          m.identifier as manager_identifier
        from customer_deletions d join customers m on m.id = d.manager_id where d.id = ${deletionId} for update of d`),
    );
    if (!d || d.status === "cancelled") return { state: "cancelled" };
    if (d.status === "done") return { state: "done" };
    if (!d.due) return { state: "waiting", until: d.undo_until };
    if (d.status === "pending") await tx.execute(sql`update customer_deletions set status = 'running', started_at = now() where id = ${d.id}`);

    // The next customers, deepest first (a chunk never holds a parent whose child is left for later), as many as hold
    // about `chunk` memberships between them (at least one, at most chunk / 5): a step reads what it deletes, and then
    // deletes the customers too. Only a customer with more people than a chunk takes several steps.
    const next = parseRows(
      z.object({ id: z.uuid(), held: countColumn }),
      await tx.execute(sql`
      select id, held from (
        select id, row_number() over w as n, sum(members_count) over w as held
        from (select id, members_count, cardinality(path) as depth from customers where deletion_id = ${d.id}
              order by cardinality(path) desc, id limit ${Math.max(1, Math.floor(chunk / 5))}) c
        window w as (order by depth desc, id)) x
      where n = 1 or held <= ${chunk}`),
    );
    if (next.length > 0) {
      const ids = sql.param(next.map((r) => r.id));
      // Whether every membership of these customers goes in this step (else only the first `chunk`, and the customers
      // wait for a later step). The counters say how many they hold; nobody can join a customer being deleted.
      const whole = next[next.length - 1].held <= chunk;
      // The partners' user counts before this step, their rows held until it commits: what they drop by is the number
      // of hidden people whose last membership went, and no longer to be left out.
      const before = await partnerUsers(tx, d.id);
      // Up to `chunk` of their memberships, and of the people these name, those who belong to no account outside this
      // deletion: they go with all they hold (operators stay). Who belongs elsewhere is asked for all of them at once
      // through the index on the person (`= any`, an index condition: as NOT EXISTS per membership it was planned as a
      // hash of every membership of every customer that stays, rebuilt at every step).
      const found = parseRow(
        z.object({ n: z.number().int(), memberships: z.array(z.uuid()).nullable(), gone: z.array(z.uuid()) }),
        await tx.execute(sql`
        with ms as materialized (select m.id, m.user_id from memberships m where m.customer_id = any(${ids}::uuid[]) limit ${chunk}),
        kept as (
          select m2.user_id from memberships m2 join customers c2 on c2.id = m2.customer_id
          where m2.user_id = any(array(select user_id from ms)) and c2.deletion_id is distinct from ${d.id})
        select (select count(*)::int from ms) as n,
          ${whole ? sql`null` : sql`(select coalesce(array_agg(id), '{}') from ms)`} as memberships,
          (select coalesce(array_agg(user_id), '{}') from (select user_id from ms except select user_id from kept) g) as gone`),
      )!;
      // What they and the customers hold is deleted set-based before them: left to the foreign keys' cascades, each
      // person's or customer's rows would be a statement of their own, and the counters' statement triggers would run
      // once per person, each over a transition table that grows with the statement (quadratic in the chunk).
      // Each row is looked up by index: a join with the lists would be planned as a scan of the whole table (hashed or
      // merged), which costs what the table holds, so a million memberships would make every step seconds long.
      await tx.execute(sql`set local enable_seqscan = off`);
      const gone = sql.param(found.gone);
      // In one statement (the counters' trigger runs once): the customers' memberships (all, or the first `chunk`), and
      // the leaving people's wherever they are.
      const theirs = found.memberships ? sql`m.id = any(${sql.param(found.memberships)}::uuid[])` : sql`m.customer_id = any(${ids}::uuid[])`;
      await tx.execute(sql`delete from memberships m where ${theirs} or m.user_id = any(${gone}::uuid[])`);
      const users =
        found.gone.length > 0 ? (await tx.execute(sql`delete from users u where u.id = any(${gone}::uuid[]) and not u.is_operator returning u.id`)).length : 0;
      // A customer larger than a chunk keeps its remaining memberships for later steps, and waits with the others.
      let removed = 0;
      if (whole || found.n < chunk) {
        await tx.execute(sql`delete from invitations where customer_id = any(${ids}::uuid[])`);
        await tx.execute(sql`delete from projects where customer_id = any(${ids}::uuid[])`);
        const reserveDays = getEnv().IDENTIFIER_RESERVATION_DAYS;
        removed = (
          await tx.execute(sql`
          with doomed as (delete from customers where id = any(${ids}::uuid[]) returning identifier)
          insert into reserved_identifiers (identifier, reserved_until, deletion_id)
          select identifier, now() + make_interval(days => ${reserveDays}), ${d.id}::uuid from doomed
          on conflict (identifier) do update set reserved_until = excluded.reserved_until, deletion_id = excluded.deletion_id
          returning identifier`)
        ).length;
      }
      await tx.execute(sql`
        update customer_deletions set customers_done = customers_done + ${removed}, users_done = users_done + ${users} where id = ${d.id}`);
      await releaseHidden(tx, d.id, before);
      return { state: "progress", customers: removed, users };
    }
    // Nothing left: the record, the trail, and the report.
    await tx.execute(sql`delete from customer_deletion_partners where deletion_id = ${d.id}`);
    const done = parseRow(
      z.object({ customers_done: z.number().int(), users_done: z.number().int(), started_at: timestampColumn, finished_at: timestampColumn }),
      await tx.execute(sql`
        update customer_deletions set status = 'done', finished_at = now() where id = ${d.id}
        returning customers_done, users_done, started_at, finished_at`),
    )!;
    await recordAudit(tx, principal, {
      customerId: d.manager_id,
      action: "customer.deletion_finished",
      targetType: "customer_deletion",
      targetId: d.id,
      targetLabel: d.label,
      details: { customers: done.customers_done, users: done.users_done, projects: d.impact.projects },
    });
    if (d.requested_by) {
      const requester = parseRow(
        z.object({ name: z.string(), email: z.string() }),
        await tx.execute(sql`select name, email from users where id = ${d.requested_by}`),
      );
      if (requester)
        await queueEmail(tx, {
          template: "deletion-report",
          to: requester.email,
          customerId: d.manager_id,
          props: {
            name: requester.name,
            label: d.label,
            customers: done.customers_done,
            users: done.users_done,
            projects: d.impact.projects,
            usersKept: d.impact.usersKept,
            startedAt: done.started_at.toISOString(),
            finishedAt: done.finished_at.toISOString(),
            deletionUrl: `${getEnv().APP_URL}/${d.manager_identifier}/admin/deletions/${d.id}`,
          },
        });
    }
    return { state: "done" };
  });
}

/** The user counts of the partners a deletion hides people from, locked until the step commits. */
async function partnerUsers(ex: Executor, deletionId: string): Promise<Map<string, number>> {
  const rows = parseRows(
    z.object({ partner_id: z.uuid(), users: z.number().int() }),
    await ex.execute(sql`
      select s.partner_id, s.users from partner_stats s join customer_deletion_partners h on h.partner_id = s.partner_id
      where h.deletion_id = ${deletionId} order by s.partner_id for update of s`),
  );
  return new Map(rows.map((r) => [r.partner_id, r.users]));
}

/** After a step: the people the partners' counts lost are no longer left out by this deletion. */
async function releaseHidden(ex: Executor, deletionId: string, before: Map<string, number>) {
  const after = await partnerUsers(ex, deletionId);
  for (const [partnerId, users] of before) {
    const dropped = users - (after.get(partnerId) ?? users);
    if (dropped > 0)
      await ex.execute(sql`
        update customer_deletion_partners set users_hidden = greatest(0, users_hidden - ${dropped})
        where deletion_id = ${deletionId} and partner_id = ${partnerId}`);
  }
}

// ---- reconciliation ---------------------------------------------------------------------------------------------------

const pendingColumns = z.object({ id: z.uuid(), job_generation: z.number().int(), created: z.string() });

/** Deletions that should be running and whose intent isn't waiting in the outbox: the sweep asks the queue for their jobs. */
export async function listPendingDeletions(principal: Principal, after: string | null, limit: number): Promise<PendingWork[]> {
  authorizeInstallation(principal, "RUN_DELETIONS");
  const [afterTime, afterId] = after ? after.split("|") : [null, null];
  const rows = parseRows(
    pendingColumns,
    await db.execute(sql`
      select d.id, d.job_generation, d.created_at::text as created from customer_deletions d
      where d.status in ('pending', 'running')
        and (${afterTime}::timestamptz is null or (d.created_at, d.id) > (${afterTime}::timestamptz, ${afterId}::uuid))
        and not exists (select 1 from outbox o where o.relayed_at is null and o.set_aside_at is null and o.queue = ${DELETION_QUEUE}
                        and o.payload->>'deletionId' = d.id::text)
      order by d.created_at, d.id limit ${limit}`),
  );
  return rows.map((r) => ({
    id: r.id,
    generation: r.job_generation,
    jobId: deletionJob.jobId({ deletionId: r.id, generation: r.job_generation }),
    cursor: `${r.created}|${r.id}`,
    // A deletion never gives up: its work is finite and every step is safe to repeat.
    budgetSpent: false,
  }));
}

/** Enqueues a deletion again under its next generation, unless another sweep did since its job was found gone. */
export async function requeueDeletion(principal: Principal, work: PendingWork): Promise<boolean> {
  authorizeInstallation(principal, "RUN_DELETIONS");
  return db.transaction(async (tx) => {
    const row = parseRow(
      z.object({ job_generation: z.number().int() }),
      await tx.execute(sql`
        update customer_deletions set job_generation = job_generation + 1
        where id = ${work.id} and status in ('pending', 'running') and job_generation = ${work.generation}
        returning job_generation`),
    );
    if (!row) return false;
    await enqueue(tx, deletionJob, { deletionId: work.id, generation: row.job_generation });
    return true;
  });
}
