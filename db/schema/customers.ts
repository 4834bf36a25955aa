// Customer accounts (companies or departments), partners among them, and their groups and counters.
import { sql } from "drizzle-orm";
import { type AnyPgColumn, boolean, check, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";

export const customerKind = pgEnum("customer_kind", ["customer", "partner"]);
export const paymentMethod = pgEnum("payment_method", ["invoice", "sepa_debit"]);

export const customers = pgTable(
  "customers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    identifier: text("identifier").notNull(),
    name: text("name").notNull(),
    kind: customerKind("kind").notNull().default("customer"),
    // The hierarchy. Deleting a customer never takes its sub-customers with it in one statement: they go first.
    parentId: uuid("parent_id").references((): AnyPgColumn => customers.id, { onDelete: "no action" }),
    // Kept by triggers from parent_id (migration 0010), never written by code: the ancestors root first, and the
    // partner that manages the customer (its nearest partner ancestor). A partner's reach is `partner_id = partner`.
    path: uuid("path")
      .array()
      .notNull()
      .default(sql`'{}'::uuid[]`),
    partnerId: uuid("partner_id").references((): AnyPgColumn => customers.id, { onDelete: "no action" }),
    // ThingsBoard PE's self-managed customer: its Customer Admins manage its sub-customers and their users.
    selfManaged: boolean("self_managed").notNull().default(false),
    description: text("description"),
    contactEmail: text("contact_email"),
    contactPhone: text("contact_phone"),
    country: text("country"),
    state: text("state"),
    city: text("city"),
    postalCode: text("postal_code"),
    addressLine1: text("address_line1"),
    addressLine2: text("address_line2"),
    // Where the customer's users land after sign-in: its overview (null) or one of its projects (FK in migration 0010:
    // projects.ts imports this file).
    homeProjectId: uuid("home_project_id"),
    taxId: text("tax_id"),
    billingStreet: text("billing_street"),
    billingPostalCode: text("billing_postal_code"),
    billingCity: text("billing_city"),
    billingCountry: text("billing_country"),
    paymentMethod: paymentMethod("payment_method").notNull().default("invoice"),
    sepaAccountHolder: text("sepa_account_holder"),
    sepaIban: text("sepa_iban"),
    projectQuota: integer("project_quota").notNull().default(5),
    // Counters kept by triggers in the transaction that changes projects, memberships or invitations, so lists and
    // overviews read numbers instead of counting.
    projectsCount: integer("projects_count").notNull().default(0),
    membersCount: integer("members_count").notNull().default(0),
    pendingInvitationsCount: integer("pending_invitations_count").notNull().default(0),
    quotaState: text("quota_state")
      .notNull()
      .generatedAlwaysAs(sql`case when projects_count >= project_quota then 'at' when projects_count >= 0.8 * project_quota then 'near' else 'under' end`),
    // Set while a deletion is pending: the customer is gone from every list, count and sign-in, and can come back.
    deletingAt: timestamp("deleting_at", { withTimezone: true }),
    // The pending deletion that marked it (customer_deletions; no FK: deletions.ts imports this file).
    deletionId: uuid("deletion_id"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    // Identifiers are lowercase by the format check, so a plain unique index is also case-insensitive.
    uniqueIndex("customers_identifier_key").on(t.identifier),
    index("customers_parent_name_idx").on(t.parentId, sql`lower(${t.name})`, t.id),
    // One keyset index per sortable column of a partner's Customers list.
    index("customers_partner_name_idx").on(t.partnerId, sql`lower(${t.name})`, t.id),
    index("customers_partner_identifier_idx").on(t.partnerId, t.identifier, t.id),
    index("customers_partner_created_idx").on(t.partnerId, t.createdAt, t.id),
    index("customers_partner_projects_idx").on(t.partnerId, t.projectsCount, t.id),
    index("customers_partner_members_idx").on(t.partnerId, t.membersCount, t.id),
    index("customers_partner_invitations_idx").on(t.partnerId, t.pendingInvitationsCount, t.id),
    index("customers_partner_quota_idx").on(t.partnerId, t.quotaState, sql`lower(${t.name})`, t.id),
    index("customers_path_idx").using("gin", t.path),
    index("customers_deletion_idx")
      .on(t.deletionId, sql`cardinality(${t.path})`)
      .where(sql`${t.deletionId} is not null`),
    // Name search ignores case and accents (lib/core textContains); tenancy_unaccent comes from migration 0014.
    index("customers_name_trgm_idx").using("gin", sql`lower(tenancy_unaccent(${t.name})) gin_trgm_ops`),
    index("customers_identifier_trgm_idx").using("gin", sql`${t.identifier} gin_trgm_ops`),
    index("customers_contact_email_trgm_idx").using("gin", sql`lower(${t.contactEmail}) gin_trgm_ops`),
    // Deleting a project clears the home page that pointed at it.
    index("customers_home_project_idx")
      .on(t.homeProjectId)
      .where(sql`${t.homeProjectId} is not null`),
    check("customers_identifier_format", sql`${t.identifier} ~ '^[a-z][a-z0-9-]{2,39}$'`),
    check("customers_name_length", sql`char_length(${t.name}) between 1 and 120`),
    check("customers_project_quota_range", sql`${t.projectQuota} between 0 and 100000`),
    check("customers_not_own_parent", sql`${t.parentId} is null or ${t.parentId} <> ${t.id}`),
    check("customers_sepa_complete", sql`${t.paymentMethod} <> 'sepa_debit' or (${t.sepaIban} is not null and ${t.sepaAccountHolder} is not null)`),
  ],
);

/** A partner's own groups of customers (the implicit "All" is not stored). */
export const customerGroups = pgTable(
  "customer_groups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    partnerId: uuid("partner_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    description: text("description"),
    customersCount: integer("customers_count").notNull().default(0),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("customer_groups_partner_name_key").on(t.partnerId, sql`lower(${t.name})`),
    check("customer_groups_name_length", sql`char_length(${t.name}) between 1 and 80`),
    check("customer_groups_description_length", sql`char_length(${t.description}) <= 500`),
  ],
);

export const customerGroupMembers = pgTable(
  "customer_group_members",
  {
    groupId: uuid("group_id")
      .notNull()
      .references(() => customerGroups.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.customerId] }), index("customer_group_members_customer_idx").on(t.customerId)],
);

/** The Administration overview's numbers per partner, kept by triggers (see migration 0010). */
export const partnerStats = pgTable("partner_stats", {
  partnerId: uuid("partner_id")
    .primaryKey()
    .references(() => customers.id, { onDelete: "cascade" }),
  customers: integer("customers").notNull().default(0),
  users: integer("users").notNull().default(0),
  pendingInvitations: integer("pending_invitations").notNull().default(0),
  atQuota: integer("at_quota").notNull().default(0),
  nearQuota: integer("near_quota").notNull().default(0),
});

/** How many memberships each person has among a partner's customers: the partner's distinct users are its rows. */
export const partnerMembers = pgTable(
  "partner_members",
  {
    partnerId: uuid("partner_id").notNull(),
    userId: uuid("user_id").notNull(),
    memberships: integer("memberships").notNull(),
  },
  (t) => [primaryKey({ columns: [t.partnerId, t.userId] })],
);

export type Customer = typeof customers.$inferSelect;
export type CustomerGroup = typeof customerGroups.$inferSelect;
export type PaymentMethod = (typeof paymentMethod.enumValues)[number];
