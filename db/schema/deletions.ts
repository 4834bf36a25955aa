// Deleting customers: a deletion marks its customers at once (they vanish everywhere), can be undone for a while, then
// the worker removes them in short chunks. What it deleted stays on record with the partner; identifiers stay reserved.
import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { users } from "./users";

export const deletionStatus = pgEnum("deletion_status", ["pending", "running", "done", "cancelled"]);

export const customerDeletions = pgTable(
  "customer_deletions",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    // The Administration area it was requested from (a partner, or a self-managed customer); its record outlives them.
    managerId: uuid("manager_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    requestedBy: uuid("requested_by").references(() => users.id, { onDelete: "set null" }),
    requestedByLabel: text("requested_by_label").notNull(),
    /** What was selected, in words ("3 customers", "the group Enterprise", "Acme and its sub-customers"). */
    label: text("label").notNull(),
    status: deletionStatus("status").notNull().default("pending"),
    undoUntil: timestamp("undo_until", { withTimezone: true }).notNull(),
    customersTotal: integer("customers_total").notNull(),
    usersTotal: integer("users_total").notNull(),
    customersDone: integer("customers_done").notNull().default(0),
    usersDone: integer("users_done").notNull().default(0),
    /** The impact shown at confirmation: sub-customers, users, projects, invitations, memberships kept elsewhere. */
    impact: jsonb("impact").notNull(),
    /** The identifiers and names of the customers, for the record after they are gone. */
    customerList: jsonb("customer_list").notNull(),
    /** Bumped when the sweep enqueues the work again (its job was lost): the next job id. */
    jobGeneration: integer("job_generation").notNull().default(0),
    cancelledBy: text("cancelled_by"),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("customer_deletions_manager_idx").on(t.managerId, t.createdAt),
    index("customer_deletions_requested_by_idx")
      .on(t.requestedBy)
      .where(sql`${t.requestedBy} is not null`),
    check("customer_deletions_progress", sql`${t.customersDone} <= ${t.customersTotal}`),
  ],
);

/**
 * Per deletion and partner, how many of the partner's people belong to it only through the customers being deleted:
 * the partner's user count leaves them out at once, without touching their memberships (a million of them would
 * hold the request for minutes). The worker lowers it as those people's last memberships go; the row goes when the
 * deletion is undone or done.
 */
export const customerDeletionPartners = pgTable(
  "customer_deletion_partners",
  {
    deletionId: uuid("deletion_id")
      .notNull()
      .references(() => customerDeletions.id, { onDelete: "cascade" }),
    partnerId: uuid("partner_id").notNull(),
    usersHidden: integer("users_hidden").notNull(),
  },
  (t) => [primaryKey({ columns: [t.deletionId, t.partnerId] }), index("customer_deletion_partners_partner_idx").on(t.partnerId)],
);

/** Identifiers of deleted customers, kept from being taken again until `reserved_until`. */
export const reservedIdentifiers = pgTable("reserved_identifiers", {
  identifier: text("identifier").primaryKey(),
  reservedUntil: timestamp("reserved_until", { withTimezone: true }).notNull(),
  deletionId: uuid("deletion_id"),
});

export type CustomerDeletion = typeof customerDeletions.$inferSelect;
