// Outbound e-mail records and the outbox that turns committed intents into background jobs. PostgreSQL holds the state
// of every piece of background work; the queue only carries it, so work a lost queue forgot is found here again.
import { bigserial, index, jsonb, pgEnum, pgTable, text, timestamp, uuid, integer } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { customers } from "./customers";
import { invitations } from "./invitations";

/**
 * queued: waiting for (another) attempt · sending: a worker holds it until `lease_until` · sent · failed: given up, with
 * `last_error` · superseded: a newer e-mail replaced it (a resent invitation); it is not sent any more, and whatever
 * becomes of an attempt already under way no longer changes its invitation.
 */
export const emailStatus = pgEnum("email_status", ["queued", "sending", "sent", "failed", "superseded"]);

export const outboundEmails = pgTable(
  "outbound_emails",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    template: text("template").notNull(),
    props: jsonb("props").notNull(),
    // A link to put into the e-mail when it is rendered: { purpose, nonce, path, prop }. The token in it is derived
    // from the nonce with the installation's secret, so nothing in the database alone makes the link usable.
    link: jsonb("link"),
    to: text("to").notNull(),
    subject: text("subject"),
    html: text("html"),
    text: text("text"),
    status: emailStatus("status").notNull().default("queued"),
    transport: text("transport"),
    providerMessageId: text("provider_message_id"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    // The BullMQ job that carries it is `email-<id>` (generation 0), then `email-<id>-<generation>` after each re-enqueue
    // by the sweep; the provider's idempotency key stays `tenancy-email-<id>` throughout.
    jobGeneration: integer("job_generation").notNull().default(0),
    leaseUntil: timestamp("lease_until", { withTimezone: true }),
    leaseJob: text("lease_job"),
    // Retries end when EMAIL_RETRY_BUDGET_HOURS have passed since the first attempt.
    firstAttemptAt: timestamp("first_attempt_at", { withTimezone: true }),
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "cascade" }),
    invitationId: uuid("invitation_id").references(() => invitations.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // When it was last handed to the queue: its creation, then each retry or re-enqueue (the operator's list of
    // undelivered e-mails is ordered by it, and an e-mail waiting longer than a while since then is stuck).
    queuedAt: timestamp("queued_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [
    index("outbound_emails_created_idx").on(t.createdAt),
    // The operator's list of undelivered e-mails (failed, or waiting too long), newest first, a page at a time.
    index("outbound_emails_undelivered_idx")
      .on(t.queuedAt.desc(), t.id.desc())
      .where(sql`${t.status} in ('queued', 'sending', 'failed')`),
    index("outbound_emails_invitation_idx").on(t.invitationId),
    // Deleting a customer deletes its e-mails: found by this, not by a scan of every e-mail per customer.
    index("outbound_emails_customer_idx").on(t.customerId),
    // What the sweep walks: e-mails whose state says pending.
    index("outbound_emails_pending_idx")
      .on(t.createdAt, t.id)
      .where(sql`${t.status} in ('queued', 'sending')`),
  ],
);

export const outbox = pgTable(
  "outbox",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    queue: text("queue").notNull(),
    jobName: text("job_name").notNull(),
    jobId: text("job_id").notNull(),
    payload: jsonb("payload").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    relayedAt: timestamp("relayed_at", { withTimezone: true }),
    // A row the relay can never hand over (unknown queue, bad payload or job id) is set aside with its error, so the
    // rows behind it keep flowing.
    setAsideAt: timestamp("set_aside_at", { withTimezone: true }),
    error: text("error"),
  },
  (t) => [
    index("outbox_pending_idx")
      .on(t.id)
      .where(sql`${t.relayedAt} is null and ${t.setAsideAt} is null`),
  ],
);

export type OutboundEmail = typeof outboundEmails.$inferSelect;
export type EmailStatus = (typeof emailStatus.enumValues)[number];
export type OutboxRow = typeof outbox.$inferSelect;
