// Notices from a partner to the users of its customers. A notice addresses customers, not people: who must see it is
// derived when it is read (the addressed customers' members, minus who acknowledged), so sending writes one row per
// customer, people who join later receive it, and people who leave drop out, without any row per person.
import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { users } from "./users";

/** all_must_read: every recipient acknowledges · single_read_only: the first acknowledgement closes it for its customer. */
export const noticeMode = pgEnum("notice_mode", ["all_must_read", "single_read_only"]);
/** Within each addressed customer: all its users, or its Customer Admins only. */
export const noticeAudience = pgEnum("notice_audience", ["all", "admins"]);
export const noticeImportance = pgEnum("notice_importance", ["information", "action_required"]);

export const notices = pgTable(
  "notices",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    bodyMd: text("body_md").notNull(),
    mode: noticeMode("mode").notNull(),
    audience: noticeAudience("audience").notNull().default("all"),
    importance: noticeImportance("importance").notNull().default("information"),
    dueAt: timestamp("due_at", { withTimezone: true }),
    startsAt: timestamp("starts_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    withdrawnAt: timestamp("withdrawn_at", { withTimezone: true }),
    emailCopy: boolean("email_copy").notNull().default(false),
    remindAfterDays: integer("remind_after_days"),
    // Acknowledgements count for the revision they were given to; re-issuing raises it, so everyone acknowledges again.
    revision: integer("revision").notNull().default(1),
    // How it was addressed, for the sender's list: { kind: 'customers' | 'groups' | 'all', names, descendants }.
    addressed: jsonb("addressed").notNull(),
    targetsCount: integer("targets_count").notNull().default(0),
    createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
    senderName: text("sender_name").notNull(),
    // The worker's progress, so a retried job neither repeats nor skips: the last user e-mailed per run, and whether the
    // sender was told that everyone acknowledged (per revision).
    remindersSent: integer("reminders_sent").notNull().default(0),
    lastRemindedAt: timestamp("last_reminded_at", { withTimezone: true }),
    completedRevision: integer("completed_revision"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("notices_partner_created_idx").on(t.partnerId, t.createdAt, t.id),
    index("notices_created_by_idx")
      .on(t.createdBy)
      .where(sql`${t.createdBy} is not null`),
    check("notices_title_length", sql`char_length(${t.title}) between 1 and 200`),
    check("notices_body_length", sql`char_length(${t.bodyMd}) between 1 and 20000`),
    check("notices_expiry_after_start", sql`${t.expiresAt} is null or ${t.expiresAt} > ${t.startsAt}`),
    check("notices_remind_after_days_range", sql`${t.remindAfterDays} is null or ${t.remindAfterDays} between 1 and 90`),
    check("notices_revision_positive", sql`${t.revision} >= 1`),
  ],
);

/**
 * The customers a notice addresses, resolved when it is sent. `live_from`/`live_until` copy the notice's window (start;
 * the earlier of expiry and withdrawal) so a person's open notices are an index range, however many past notices the
 * customer has.
 */
export const noticeTargets = pgTable(
  "notice_targets",
  {
    noticeId: uuid("notice_id")
      .notNull()
      .references(() => notices.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    liveFrom: timestamp("live_from", { withTimezone: true }).notNull(),
    liveUntil: timestamp("live_until", { withTimezone: true })
      .notNull()
      .default(sql`'infinity'`),
  },
  (t) => [primaryKey({ columns: [t.noticeId, t.customerId] }), index("notice_targets_customer_live_idx").on(t.customerId, t.liveUntil, t.noticeId)],
);

/**
 * Who acknowledged which notice, in which customer, for which revision. `mode` is the notice's, copied so the database
 * itself keeps the two rules: one per person (All must read), one per customer (Single read only: under concurrent
 * acknowledgements exactly one insert wins).
 */
export const noticeAcknowledgements = pgTable(
  "notice_acknowledgements",
  {
    noticeId: uuid("notice_id")
      .notNull()
      .references(() => notices.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    revision: integer("revision").notNull(),
    mode: noticeMode("mode").notNull(),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("notice_acknowledgements_person_key")
      .on(t.noticeId, t.revision, t.userId)
      .where(sql`${t.mode} = 'all_must_read'`),
    uniqueIndex("notice_acknowledgements_customer_key")
      .on(t.noticeId, t.revision, t.customerId)
      .where(sql`${t.mode} = 'single_read_only'`),
    index("notice_acknowledgements_user_idx").on(t.userId, t.noticeId),
    index("notice_acknowledgements_customer_idx").on(t.customerId),
  ],
);

/**
 * The e-mails of a notice, batch by batch: a run (the copies of a revision, a reminder) walks the recipients in user id
 * order, and each batch is written here before the provider is called. A job retried after a crash resumes after the
 * last batch, and re-sends a batch left "sending" under the same idempotency key, so nobody is missed or mailed twice.
 */
export const noticeDeliveries = pgTable(
  "notice_deliveries",
  {
    noticeId: uuid("notice_id")
      .notNull()
      .references(() => notices.id, { onDelete: "cascade" }),
    run: text("run").notNull(),
    batch: integer("batch").notNull(),
    userIds: uuid("user_ids").array().notNull(),
    lastUserId: uuid("last_user_id").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    status: text("status").notNull().default("sending"),
    providerMessageIds: jsonb("provider_message_ids"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.noticeId, t.run, t.batch] }),
    check("notice_deliveries_status", sql`${t.status} in ('sending', 'sent')`),
    check("notice_deliveries_size", sql`cardinality(${t.userIds}) between 1 and 100`),
  ],
);

/** What the worker does for a notice: make it visible at its start and e-mail the copies, remind, announce its expiry, check it is complete. */
export const noticeWorkKind = pgEnum("notice_work_kind", ["publish", "remind", "expire", "check"]);

/**
 * The work a notice still owes, one row per piece (the publish of a revision, each reminder, the expiry, a completion
 * check per time slot): PostgreSQL, not the queue, is the record of it. A job only carries a row; the reconciliation
 * sweep enqueues again any row still pending whose job the queue lost (Redis restarted empty, a job failed as stalled).
 * A worker holds a row under a lease while it works on it, so two jobs for one row never run it at once.
 */
export const noticeWork = pgTable(
  "notice_work",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    noticeId: uuid("notice_id")
      .notNull()
      .references(() => notices.id, { onDelete: "cascade" }),
    kind: noticeWorkKind("kind").notNull(),
    revision: integer("revision").notNull(),
    // Which run of its kind: the copies of a revision ("copy"), a reminder by hand ("remind-3"), an automatic one
    // ("auto-2"), a completion check's time slot; unique per notice, kind and revision, so a repeated request adds nothing.
    run: text("run").notNull(),
    notBefore: timestamp("not_before", { withTimezone: true }).notNull(),
    // The job carrying it is the jobGeneration-th enqueue; the sweep raises it when it enqueues the row again.
    jobGeneration: integer("job_generation").notNull().default(0),
    leaseJob: text("lease_job"),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    attempts: integer("attempts").notNull().default(0),
    firstAttemptAt: timestamp("first_attempt_at", { withTimezone: true }),
    lastError: text("last_error"),
    doneAt: timestamp("done_at", { withTimezone: true }),
    outcome: text("outcome"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("notice_work_run_key").on(t.noticeId, t.kind, t.revision, t.run),
    // The sweep walks what is still owed, oldest first.
    index("notice_work_pending_idx")
      .on(t.createdAt, t.id)
      .where(sql`${t.doneAt} is null`),
    check("notice_work_revision_positive", sql`${t.revision} >= 1`),
  ],
);

export type Notice = typeof notices.$inferSelect;
export type NoticeMode = (typeof noticeMode.enumValues)[number];
export type NoticeAudience = (typeof noticeAudience.enumValues)[number];
export type NoticeImportance = (typeof noticeImportance.enumValues)[number];
