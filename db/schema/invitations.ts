// Pending memberships: a person invited by name and e-mail, holding a single-use token stored only as a hash.
import { sql } from "drizzle-orm";
import { index, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { memberGroup } from "./memberships";
import { users } from "./users";

export const deliveryStatus = pgEnum("delivery_status", ["queued", "sent", "failed"]);

export const invitations = pgTable(
  "invitations",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    fullName: text("full_name").notNull(),
    group: memberGroup("group").notNull(),
    tokenHash: text("token_hash").notNull(),
    invitedBy: uuid("invited_by").references(() => users.id, { onDelete: "set null" }),
    sentAt: timestamp("sent_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    deliveryStatus: deliveryStatus("delivery_status").notNull().default("queued"),
    acceptedAt: timestamp("accepted_at", { withTimezone: true }),
    acceptedBy: uuid("accepted_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_key").on(t.tokenHash),
    uniqueIndex("invitations_pending_email_key")
      .on(t.customerId, sql`lower(${t.email})`)
      .where(sql`${t.acceptedAt} is null`),
    index("invitations_customer_idx").on(t.customerId, t.sentAt),
    // Deleting a person clears who invited and who accepted.
    index("invitations_invited_by_idx")
      .on(t.invitedBy)
      .where(sql`${t.invitedBy} is not null`),
    index("invitations_accepted_by_idx")
      .on(t.acceptedBy)
      .where(sql`${t.acceptedBy} is not null`),
  ],
);

export type Invitation = typeof invitations.$inferSelect;
