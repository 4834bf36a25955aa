// Outbound e-mail records and the outbox that turns committed intents into background jobs.
import { bigserial, index, jsonb, pgTable, text, timestamp, uuid, integer } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { customers } from "./customers";
import { deliveryStatus, invitations } from "./invitations";

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
    status: deliveryStatus("status").notNull().default("queued"),
    transport: text("transport"),
    providerMessageId: text("provider_message_id"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "cascade" }),
    invitationId: uuid("invitation_id").references(() => invitations.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (t) => [index("outbound_emails_created_idx").on(t.createdAt), index("outbound_emails_invitation_idx").on(t.invitationId)],
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
  },
  (t) => [
    index("outbox_pending_idx")
      .on(t.id)
      .where(sql`${t.relayedAt} is null`),
  ],
);

export type OutboundEmail = typeof outboundEmails.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
