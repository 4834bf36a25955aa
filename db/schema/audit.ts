// Who changed what in which account, newest first.
import { sql } from "drizzle-orm";
import { bigserial, check, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { users } from "./users";

export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "cascade" }),
    // Who acted: a user (actor_id), the system (worker, CLI), or later an API key.
    actorKind: text("actor_kind", { enum: ["user", "system", "api_key"] })
      .notNull()
      .default("user"),
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    actorLabel: text("actor_label"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    targetLabel: text("target_label"),
    details: jsonb("details"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("audit_events_customer_idx").on(t.customerId, t.id),
    // Deleting a person sets their events' actor to null: without it, one scan of the whole trail per person.
    index("audit_events_actor_idx")
      .on(t.actorId)
      .where(sql`${t.actorId} is not null`),
    check("audit_events_actor_kind", sql`${t.actorKind} in ('user', 'system', 'api_key')`),
  ],
);

export type AuditEvent = typeof auditEvents.$inferSelect;
