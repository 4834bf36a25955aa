// The signed-in person's own sign-in: name, password, e-mail address and its verification, and their sessions
// (sessions.ts); plus the password reset that whoever holds the e-mailed link may complete. Links are stored only as
// hashes, and their e-mails carry only a nonce the worker turns back into the link (newLinkToken).
//
// Proving an address (a password reset, or confirming while signed in) makes it verified. A reset is also how the
// owner of an address takes it over from a registration someone else made with it: the new password replaces theirs
// and every session ends, so the other person is out.
import { and, desc, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import { emailVerifications, passwordResets, users, type User } from "@/db/schema";
import { endUserSessions, hashPassword, verifyPassword } from "@/lib/auth";
import { hashToken, newLinkToken, parseRow } from "@/lib/core";
import { requirePerson, type Principal } from "@/lib/authz";
import {
  ConflictError,
  NotFoundError,
  emailSchema,
  fieldConflict,
  fieldError,
  fullNameSchema,
  getEnv,
  parseInput,
  passwordSchema,
  violatedConstraint,
} from "@/lib/core";
import { queueEmail } from "@/lib/email";
import { RESET_EMAIL_PER_ADDRESS, VERIFY_EMAIL_PER_ADDRESS, consume } from "@/lib/limits";
import { configuredOperatorEmails } from "@/lib/operators";

export { endSession, listSessions, signOutEverywhere, type SessionList, type SessionSummary } from "./sessions";

const RESET_TTL = sql`interval '1 hour'`;
const VERIFICATION_TTL = sql`interval '48 hours'`;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{20,200}$/;

const INVALID_LINK = "This link doesn't work: it was not copied completely, or a newer link replaced it.";

export const updateNameSchema = z.object({ name: fullNameSchema });
export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "Please enter your current password."),
  newPassword: passwordSchema,
});
export const changeEmailSchema = z.object({
  email: emailSchema,
  currentPassword: z.string().min(1, "Please enter your current password."),
});
export const requestPasswordResetSchema = z.object({ email: emailSchema });
export const resetPasswordSchema = z.object({ password: passwordSchema });

/** The signed-in person as a session is issued for them: who they are, and which version of their sessions is current. */
/** A person as a request acts for them: enough to act as them, nothing secret (no password hash). */
export type SessionUser = { id: string; email: string; name: string; isOperator: boolean; lastAccountId: string | null };

function sessionUser(u: User): SessionUser {
  return { id: u.id, email: u.email, name: u.name, isOperator: u.isOperator, lastAccountId: u.lastAccountId };
}

async function findUser(ex: Executor, userId: string, opts: { lock?: boolean } = {}): Promise<User> {
  const q = ex.select().from(users).where(eq(users.id, userId));
  const [user] = opts.lock ? await q.for("update") : await q;
  if (!user) throw new NotFoundError("Your account no longer exists.");
  return user;
}

/** OPERATOR_EMAILS names operators, but only an address that has been proven is granted the flag. */
async function grantConfiguredOperator(ex: Executor, user: User): Promise<User> {
  if (user.isOperator || !user.emailVerifiedAt || !configuredOperatorEmails().includes(user.email.toLowerCase())) return user;
  const [updated] = await ex.update(users).set({ isOperator: true }).where(eq(users.id, user.id)).returning();
  return updated;
}

/**
 * Ends unused links of the user: after a new password or a new address an old link must not act any more. `onlyFor`
 * limits the verifications ended to those of one address.
 */
async function voidLinks(ex: Executor, userId: string, which: { resets?: boolean; verifications?: boolean; onlyFor?: string }) {
  if (which.resets)
    await ex
      .update(passwordResets)
      .set({ usedAt: sql`now()` })
      .where(and(eq(passwordResets.userId, userId), isNull(passwordResets.usedAt)));
  if (which.verifications)
    await ex
      .update(emailVerifications)
      .set({ usedAt: sql`now()` })
      .where(
        and(eq(emailVerifications.userId, userId), isNull(emailVerifications.usedAt), which.onlyFor ? eq(emailVerifications.email, which.onlyFor) : undefined),
      );
}

/** Why a link can't be used: made up or replaced (not found), used, or expired. */
async function unusableLink(table: typeof passwordResets | typeof emailVerifications, ex: Executor, hash: string, userId?: string) {
  const [row] = await ex
    .select({ usedAt: table.usedAt, expiresAt: table.expiresAt })
    .from(table)
    .where(and(eq(table.tokenHash, hash), userId ? eq(table.userId, userId) : undefined));
  if (!row) return new NotFoundError(INVALID_LINK);
  if (row.usedAt) return new ConflictError("This link has already been used. Each link works once.");
  return new ConflictError("This link has expired. Please ask for a new one.");
}

type LinkStatus = "valid" | "expired" | "used";

function statusOf(row: { usedAt: Date | null; expiresAt: Date }): LinkStatus {
  return row.usedAt ? "used" : row.expiresAt.getTime() <= Date.now() ? "expired" : "valid";
}

// --- the profile page ------------------------------------------------------------------------------------------

/** The signed-in person's own details for the profile page, with the address change waiting for confirmation. */
export async function getProfile(principal: Principal) {
  const person = requirePerson(principal);
  return db.transaction(async (tx) => {
    const user = await findUser(tx, person.userId);
    const [pending] = await tx
      .select({ email: emailVerifications.email, expiresAt: emailVerifications.expiresAt })
      .from(emailVerifications)
      .where(
        and(
          eq(emailVerifications.userId, user.id),
          isNull(emailVerifications.usedAt),
          gt(emailVerifications.expiresAt, sql`now()`),
          ne(emailVerifications.email, user.email.toLowerCase()),
        ),
      )
      .orderBy(desc(emailVerifications.createdAt))
      .limit(1);
    return {
      name: user.name,
      email: user.email,
      emailVerifiedAt: user.emailVerifiedAt,
      pendingEmail: pending ?? null,
    };
  });
}

export async function updateName(principal: Principal, input: z.infer<typeof updateNameSchema>): Promise<SessionUser> {
  const person = requirePerson(principal);
  const { name } = parseInput(updateNameSchema, input);
  const [user] = await db.update(users).set({ name, updatedAt: new Date() }).where(eq(users.id, person.userId)).returning();
  if (!user) throw new NotFoundError("Your account no longer exists.");
  return sessionUser(user);
}

/** Folds or unfolds the notice panel at the top of the person's pages; kept with them, so every device agrees. */
export async function setNoticePanelFolded(principal: Principal, folded: boolean): Promise<{ folded: boolean }> {
  const person = requirePerson(principal);
  const [row] = await db
    .update(users)
    .set({ noticePanelFolded: folded === true })
    .where(eq(users.id, person.userId))
    .returning({ folded: users.noticePanelFolded });
  if (!row) throw new NotFoundError("Your account no longer exists.");
  return row;
}

/** An operator has read what being the installation's operator means: the note stops showing. */
export async function dismissOperatorWelcome(principal: Principal): Promise<void> {
  const person = requirePerson(principal);
  await db
    .update(users)
    .set({ operatorWelcomedAt: sql`coalesce(${users.operatorWelcomedAt}, now())` })
    .where(eq(users.id, person.userId));
}

async function checkCurrentPassword(user: User, password: string) {
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, password))) throw fieldError("currentPassword", "That is not your current password.");
}

/**
 * A new password, given the current one. Every other session ends; the one this request came with goes on, so the
 * person stays signed in here only. Unused reset links stop working.
 */
export async function changePassword(principal: Principal, input: z.infer<typeof changePasswordSchema>): Promise<SessionUser> {
  const person = requirePerson(principal);
  const parsed = parseInput(changePasswordSchema, input);
  const before = await findUser(db, person.userId);
  await checkCurrentPassword(before, parsed.currentPassword);
  if (parsed.newPassword === parsed.currentPassword) throw fieldError("newPassword", "Choose a password different from your current one.");
  const passwordHash = await hashPassword(parsed.newPassword);
  return db.transaction(async (tx) => {
    // Only if the password is still the one just checked: a concurrent change or reset wins, this one is refused.
    const [user] = await tx
      .update(users)
      .set({ passwordHash, updatedAt: new Date() })
      .where(and(eq(users.id, before.id), eq(users.passwordHash, before.passwordHash!)))
      .returning();
    if (!user) throw new ConflictError("Your password was changed meanwhile. Please sign in again and retry.");
    await endUserSessions(tx, user.id, { except: person.sessionId });
    await voidLinks(tx, user.id, { resets: true });
    return sessionUser(user);
  });
}

// --- e-mail verification and change ----------------------------------------------------------------------------

/**
 * Records a verification link for `email` (the user's own address, or the one they change to) and queues its
 * e-mail, inside the caller's transaction. Sign-up calls it for the new address.
 */
export async function queueEmailVerification(ex: Executor, user: Pick<User, "id" | "name" | "email">, email: string = user.email): Promise<void> {
  const address = email.toLowerCase();
  const { hash, nonce } = newLinkToken("verify-email");
  await ex.insert(emailVerifications).values({ userId: user.id, email: address, tokenHash: hash, expiresAt: sql`now() + ${VERIFICATION_TTL}` });
  await queueEmail(ex, {
    template: "verify-email",
    to: address,
    props: {
      name: user.name,
      email: address,
      kind: address === user.email.toLowerCase() ? "address" : "change",
      forgotPasswordUrl: `${getEnv().APP_URL}/forgot-password`,
    },
    link: { purpose: "verify-email", nonce, path: "/verify-email/{token}", prop: "verifyUrl" },
  });
}

/** Sends a new link for the signed-in person's current address (a few an hour, so an inbox can't be flooded). */
export async function resendVerification(principal: Principal): Promise<{ email: string }> {
  const person = requirePerson(principal);
  const user = await findUser(db, person.userId);
  if (user.emailVerifiedAt) throw new ConflictError("Your e-mail address is already confirmed.");
  await consume(VERIFY_EMAIL_PER_ADDRESS, user.email);
  await db.transaction((tx) => queueEmailVerification(tx, user));
  return { email: user.email };
}

/**
 * Asks to sign in with another address. It takes effect only when the link sent there is opened while signed in, so a
 * mistyped address changes nothing; an address another account uses is refused. Takes the current password, so a
 * borrowed session can't move the account to someone else's mailbox.
 */
export async function requestEmailChange(principal: Principal, input: z.infer<typeof changeEmailSchema>): Promise<{ email: string }> {
  const person = requirePerson(principal);
  const parsed = parseInput(changeEmailSchema, input);
  const address = parsed.email.toLowerCase();
  const user = await findUser(db, person.userId);
  await checkCurrentPassword(user, parsed.currentPassword);
  if (address === user.email.toLowerCase()) throw fieldError("email", "That is already your address.");
  const taken = await db.execute(sql`select 1 from users where lower(email) = ${address} and id <> ${user.id} limit 1`);
  if (taken.length > 0) throw fieldConflict("email", "Another account already uses this address.");
  await consume(VERIFY_EMAIL_PER_ADDRESS, address);
  return db.transaction(async (tx) => {
    // One pending change at a time: the newest request replaces an older one.
    await tx
      .update(emailVerifications)
      .set({ usedAt: sql`now()` })
      .where(and(eq(emailVerifications.userId, user.id), isNull(emailVerifications.usedAt), ne(emailVerifications.email, user.email.toLowerCase())));
    await queueEmailVerification(tx, user, address);
    return { email: address };
  });
}

export type VerificationLookup = { status: "invalid" } | { status: LinkStatus; email: string; kind: "address" | "change"; forYou: boolean };

/**
 * What a verification link is for, for whoever opens it: the link is the permission to look. `forYou` says whether the
 * signed-in person is the one it was sent for; only they can confirm it.
 */
export async function findEmailVerification(principal: Principal, token: string): Promise<VerificationLookup> {
  if (!TOKEN_PATTERN.test(token)) return { status: "invalid" };
  const [row] = await db
    .select({ verification: emailVerifications, currentEmail: users.email, verifiedAt: users.emailVerifiedAt })
    .from(emailVerifications)
    .innerJoin(users, eq(users.id, emailVerifications.userId))
    .where(eq(emailVerifications.tokenHash, hashToken(token)));
  if (!row) return { status: "invalid" };
  const v = row.verification;
  const kind = v.email === row.currentEmail.toLowerCase() ? "address" : "change";
  const forYou = principal.kind === "user" && principal.userId === v.userId;
  return { status: statusOf(v), email: v.email, kind, forYou };
}

/**
 * The signed-in person confirms an address with the link sent to it: both the mailbox (the link) and the sign-in (the
 * session) are theirs. Their own address becomes verified; an address they asked to change to becomes their address,
 * verified. Whoever has only the mailbox takes a registration over with a password reset instead.
 */
export async function confirmEmail(principal: Principal, token: string): Promise<{ email: string; changed: boolean }> {
  const person = requirePerson(principal);
  if (!TOKEN_PATTERN.test(token)) throw new NotFoundError(INVALID_LINK);
  const hash = hashToken(token);
  try {
    return await db.transaction(async (tx) => {
      // Single use under concurrency: of two requests with one link, one sets used_at, the other matches nothing.
      const [link] = await tx
        .update(emailVerifications)
        .set({ usedAt: sql`now()` })
        .where(
          and(
            eq(emailVerifications.tokenHash, hash),
            eq(emailVerifications.userId, person.userId),
            isNull(emailVerifications.usedAt),
            gt(emailVerifications.expiresAt, sql`now()`),
          ),
        )
        .returning();
      if (!link) throw await unusableLink(emailVerifications, tx, hash, person.userId);
      const before = await findUser(tx, person.userId, { lock: true });
      const changed = link.email !== before.email.toLowerCase();
      if (changed) {
        const taken = await tx.execute(sql`select 1 from users where lower(email) = ${link.email} and id <> ${before.id} limit 1`);
        if (taken.length > 0) throw new ConflictError(`Another account uses ${link.email} by now, so your address stays ${before.email}.`);
      }
      const [user] = await tx
        .update(users)
        .set({
          email: link.email,
          emailVerifiedAt: changed ? sql`now()` : sql`coalesce(${users.emailVerifiedAt}, now())`,
          updatedAt: new Date(),
        })
        .where(eq(users.id, before.id))
        .returning();
      // A new address: links sent to the old one (a reset, its verification) must not act on this account any more.
      if (changed) await voidLinks(tx, user.id, { resets: true, verifications: true });
      else await voidLinks(tx, user.id, { verifications: true, onlyFor: link.email });
      await grantConfiguredOperator(tx, user);
      return { email: user.email, changed };
    });
  } catch (err) {
    if (violatedConstraint(err, "23505") === "users_email_lower_key") throw new ConflictError("Another account uses that address by now.");
    throw err;
  }
}

// --- password reset --------------------------------------------------------------------------------------------

/**
 * Sends a reset link if an account uses the address. The answer is the same either way, and so is the work up to the
 * e-mail: the address's limit is counted, a link is made and one statement runs whether or not the address exists.
 */
export async function requestPasswordReset(_principal: Principal, input: z.infer<typeof requestPasswordResetSchema>): Promise<void> {
  const { email } = parseInput(requestPasswordResetSchema, input);
  await consume(RESET_EMAIL_PER_ADDRESS, email);
  const { hash, nonce } = newLinkToken("password-reset");
  await db.transaction(async (tx) => {
    const user = parseRow(
      z.object({ email: z.string(), name: z.string() }),
      await tx.execute(sql`
        with target as (select id, email, name from users where lower(email) = ${email.toLowerCase()}),
        created as (insert into password_resets (user_id, token_hash, expires_at) select id, ${hash}, now() + ${RESET_TTL} from target returning user_id)
        select t.email, t.name from target t join created c on c.user_id = t.id`),
    );
    if (!user) return;
    await queueEmail(tx, {
      template: "password-reset",
      to: user.email,
      props: { name: user.name },
      link: { purpose: "password-reset", nonce, path: "/reset-password/{token}", prop: "resetUrl" },
    });
  });
}

export type ResetLookup = { status: "invalid" } | { status: LinkStatus; email: string };

/** What a reset link is for, for whoever holds it (the link is the permission): its address and whether it still works. */
export async function findPasswordReset(_principal: Principal, token: string): Promise<ResetLookup> {
  if (!TOKEN_PATTERN.test(token)) return { status: "invalid" };
  const [row] = await db
    .select({ usedAt: passwordResets.usedAt, expiresAt: passwordResets.expiresAt, email: users.email })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(eq(passwordResets.tokenHash, hashToken(token)));
  if (!row) return { status: "invalid" };
  return { status: statusOf(row), email: row.email };
}

/**
 * Sets a new password with a reset link: once, within the hour. It proves the address, so it is verified now (and an
 * operator named in OPERATOR_EMAILS gets the flag), and it ends every session, including those of whoever registered
 * the address without owning it. The person signs in afterwards.
 */
export async function resetPassword(_principal: Principal, token: string, input: z.infer<typeof resetPasswordSchema>): Promise<{ email: string }> {
  const { password } = parseInput(resetPasswordSchema, input);
  if (!TOKEN_PATTERN.test(token)) throw new NotFoundError(INVALID_LINK);
  const hash = hashToken(token);
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // Single use under concurrency: a second request with the same link waits for this row, then matches nothing.
    const [link] = await tx
      .update(passwordResets)
      .set({ usedAt: sql`now()` })
      .where(and(eq(passwordResets.tokenHash, hash), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, sql`now()`)))
      .returning();
    if (!link) throw await unusableLink(passwordResets, tx, hash);
    const [user] = await tx
      .update(users)
      .set({
        passwordHash,
        emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())`,
        updatedAt: new Date(),
      })
      .where(eq(users.id, link.userId))
      .returning();
    await endUserSessions(tx, user.id);
    await voidLinks(tx, user.id, { resets: true, verifications: true });
    await grantConfiguredOperator(tx, user);
    return { email: user.email };
  });
}
