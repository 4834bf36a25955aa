// Customer accounts (companies or departments), partners among them, and who belongs to which.
import { sql } from "drizzle-orm";
import { type AnyPgColumn, check, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { users } from "./users";

export const customerKind = pgEnum("customer_kind", ["customer", "partner"]);
export const paymentMethod = pgEnum("payment_method", ["invoice", "sepa_debit"]);
export const memberGroup = pgEnum("member_group", ["customer_admin", "customer_employee", "customer_reader", "partner_admin", "partner_employee"]);

export const customers = pgTable(
  "customers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    identifier: text("identifier").notNull(),
    name: text("name").notNull(),
    kind: customerKind("kind").notNull().default("customer"),
    parentId: uuid("parent_id").references((): AnyPgColumn => customers.id, { onDelete: "cascade" }),
    taxId: text("tax_id"),
    billingStreet: text("billing_street"),
    billingPostalCode: text("billing_postal_code"),
    billingCity: text("billing_city"),
    billingCountry: text("billing_country"),
    paymentMethod: paymentMethod("payment_method").notNull().default("invoice"),
    sepaAccountHolder: text("sepa_account_holder"),
    sepaIban: text("sepa_iban"),
    projectQuota: integer("project_quota").notNull().default(5),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Identifiers are lowercase by the format check, so a plain unique index is also case-insensitive.
    uniqueIndex("customers_identifier_key").on(t.identifier),
    index("customers_parent_name_idx").on(t.parentId, sql`lower(${t.name})`, t.id),
    index("customers_parent_identifier_idx").on(t.parentId, t.identifier),
    index("customers_parent_created_idx").on(t.parentId, t.createdAt, t.id),
    index("customers_name_trgm_idx").using("gin", sql`${t.name} gin_trgm_ops`),
    index("customers_identifier_trgm_idx").using("gin", sql`${t.identifier} gin_trgm_ops`),
    check("customers_identifier_format", sql`${t.identifier} ~ '^[a-z][a-z0-9-]{2,39}$'`),
    check("customers_name_length", sql`char_length(${t.name}) between 1 and 120`),
    check("customers_project_quota_range", sql`${t.projectQuota} between 0 and 100000`),
    check("customers_not_own_parent", sql`${t.parentId} is null or ${t.parentId} <> ${t.id}`),
    check("customers_sepa_complete", sql`${t.paymentMethod} <> 'sepa_debit' or (${t.sepaIban} is not null and ${t.sepaAccountHolder} is not null)`),
  ],
);

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
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("memberships_user_customer_key").on(t.userId, t.customerId), index("memberships_customer_idx").on(t.customerId, t.group)],
);

export type Customer = typeof customers.$inferSelect;
export type Membership = typeof memberships.$inferSelect;
export type MemberGroup = (typeof memberGroup.enumValues)[number];
export type PaymentMethod = (typeof paymentMethod.enumValues)[number];
