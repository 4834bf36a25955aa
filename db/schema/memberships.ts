// Who belongs to which account, and in which group: the one table between people (users.ts) and accounts
// (customers.ts), so each of those stands without the other.
import { index, pgEnum, pgTable, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers";
import { users } from "./users";

export const memberGroup = pgEnum("member_group", ["customer_admin", "customer_employee", "customer_reader", "partner_admin", "partner_employee"]);

export const memberships = pgTable(
  "memberships",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    group: memberGroup("group").notNull(),
    // The partner that manages the customer while it is not being deleted, kept by triggers: the distinct-users count
    // of a partner follows memberships without a join, even while a deletion cascades.
    partnerId: uuid("partner_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("memberships_user_customer_key").on(t.userId, t.customerId),
    index("memberships_customer_idx").on(t.customerId, t.group),
    // A customer's members in id order: keyset pages through everyone a notice addresses (the tracking export) start
    // where the last one ended, inside a customer of any size.
    index("memberships_customer_user_idx").on(t.customerId, t.userId),
  ],
);

export type Membership = typeof memberships.$inferSelect;
export type MemberGroup = (typeof memberGroup.enumValues)[number];
