// People who can sign in, their sessions, and the single-use links that prove an address is theirs or let them choose a
// new password. E-mail is unique case-insensitively; links and session ids are stored only as hashes.
import { sql } from "drizzle-orm";
import { type AnyPgColumn, boolean, check, index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
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
    /** The account the person last opened: where they land after signing in. Gone with the account. */
    lastAccountId: uuid("last_account_id").references((): AnyPgColumn => customers.id, { onDelete: "set null" }),
    /** The person folded the notice panel at the top of every page: it shows one line until they unfold it. */
    noticePanelFolded: boolean("notice_panel_folded").notNull().default(false),
    /** When an operator dismissed the note that tells them what being the installation's operator means. */
    operatorWelcomedAt: timestamp("operator_welcomed_at", { withTimezone: true }),
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

/**
 * One signed-in browser or device. Its cookie (encrypted with NEXTAUTH_SECRET) carries a random session id; the table
 * keeps only that id's SHA-256, so a copy of the database, even with the secret beside it, mints no cookie for a live
 * session. A session counts while it has not ended (sign-out, ended from Profile, sign out everywhere, a new password)
 * and its cookie has not expired.
 */
export const sessions = pgTable(
  "sessions",
  {
    /** SHA-256 (hex) of the id the cookie carries; also the handle Profile ends a session by. */
    id: text("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Moved on by the request's session read, at most once a minute. */
    lastSeenAt: timestamp("last_seen_at", { withTimezone: true }).notNull().defaultNow(),
    /** As the browser sent it at sign-in; read into a browser and device when listed. */
    userAgent: text("user_agent"),
    ipAddress: text("ip_address"),
    endedAt: timestamp("ended_at", { withTimezone: true }),
  },
  (t) => [
    index("sessions_user_idx").on(t.userId, t.lastSeenAt),
    check("sessions_user_agent_length", sql`length(${t.userAgent}) <= 512`),
    check("sessions_ip_address_length", sql`length(${t.ipAddress}) <= 64`),
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
export type Session = typeof sessions.$inferSelect;
export type PasswordReset = typeof passwordResets.$inferSelect;
export type EmailVerification = typeof emailVerifications.$inferSelect;
