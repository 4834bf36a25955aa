// People who can sign in, and the single-use links that prove an address is theirs or let them choose a new password.
// E-mail is unique case-insensitively; links are stored only as hashes.
import { sql } from "drizzle-orm";
import { type AnyPgColumn, boolean, check, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { customers } from "./customers";

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash"),
    isOperator: boolean("is_operator").notNull().default(false),
    /** When the person proved the address is theirs (a verification link, a password reset, an invitation); null: not yet. */
    emailVerifiedAt: timestamp("email_verified_at", { withTimezone: true }),
    /** Carried in every session; bumping it ends every session issued before (sign out everywhere, a new password). */
    sessionVersion: integer("session_version").notNull().default(0),
    /** The account the person last opened: where they land after signing in. Gone with the account. */
    lastAccountId: uuid("last_account_id").references((): AnyPgColumn => customers.id, { onDelete: "set null" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_lower_key").on(sql`lower(${t.email})`),
    index("users_email_trgm_idx").using("gin", sql`lower(${t.email}) gin_trgm_ops`),
    // Deleting a customer sets this to null in the users that name it: found by index, not by reading every user.
    index("users_last_account_idx")
      .on(t.lastAccountId)
      .where(sql`${t.lastAccountId} is not null`),
    // The installation's few operators, found without reading every person (a deletion's impact asks which go).
    index("users_operators_idx")
      .on(t.id)
      .where(sql`${t.isOperator}`),
  ],
);

/** A "forgot your password" link: one hour, one use. */
export const passwordResets = pgTable(
  "password_resets",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("password_resets_token_hash_key").on(t.tokenHash), index("password_resets_user_idx").on(t.userId, t.createdAt)],
);

/**
 * A link that proves an address: the user's own (after sign-up) or the one they asked to change to, which becomes
 * their address only when the link is opened.
 */
export const emailVerifications = pgTable(
  "email_verifications",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    email: text("email").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("email_verifications_token_hash_key").on(t.tokenHash),
    index("email_verifications_user_idx").on(t.userId, t.createdAt),
    check("email_verifications_email_lower", sql`${t.email} = lower(${t.email})`),
  ],
);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type PasswordReset = typeof passwordResets.$inferSelect;
export type EmailVerification = typeof emailVerifications.$inferSelect;
