// Account security against the real database: password reset links (the same answer for every address, single use,
// one hour, one winner under concurrency), sessions that are records ended by sign-out, Profile and a new password,
// changing the password and the e-mail address, verification, and taking over a registration someone made with another
// person's address.
import { and, desc, eq, sql } from "drizzle-orm";
import { decode, encode } from "next-auth/jwt";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { emailVerifications, outboundEmails, passwordResets, sessions, users, type User } from "@/db/schema";
import { renderEmail } from "@/emails";
import { createSession, endCookieSession, sessionRecordId, verifyPassword } from "@/lib/auth";
import { deriveLinkToken, hashToken } from "@/lib/core";
import { AppError, ConflictError, ForbiddenError, NotFoundError, RateLimitedError } from "@/lib/core";
import {
  changePassword,
  confirmEmail,
  endSession,
  findEmailVerification,
  findPasswordReset,
  getProfile,
  listSessions,
  requestEmailChange,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  signOutEverywhere,
  updateName,
} from "@/lib/profile";
import { authOptions, findSession } from "@/lib/web";
import { ANONYMOUS, PASSWORD, SYSTEM, as, newAccount, newUser, unique } from "../support/factories";

afterAll(closeDb);
afterEach(() => {
  delete process.env.OPERATOR_EMAILS;
});

const NEW_PASSWORD = "a-brand-new-pass-9";
const SECRET = () => process.env.NEXTAUTH_SECRET!;

/** The newest e-mail of `template` to `to`, and the token its link carries (derived as the worker does). */
async function lastLink(to: string, template: "password-reset" | "verify-email") {
  const [mail] = await db
    .select()
    .from(outboundEmails)
    .where(and(eq(outboundEmails.to, to.toLowerCase()), eq(outboundEmails.template, template)))
    .orderBy(desc(outboundEmails.createdAt))
    .limit(1);
  if (!mail) throw new Error(`no ${template} e-mail to ${to}`);
  const link = mail.link as { purpose: string; nonce: string; path: string; prop: string };
  return { mail, link, token: deriveLinkToken(link.purpose, link.nonce) };
}

async function resetLinkFor(user: Pick<User, "email">): Promise<string> {
  await requestPasswordReset(ANONYMOUS, { email: user.email });
  return (await lastLink(user.email, "password-reset")).token;
}

/** A signed-in browser of `user`: a session record, and the id its cookie carries. */
async function signIn(user: Pick<User, "id">, userAgent: string | null = null) {
  const sid = await createSession(db, user.id, { userAgent, ip: "192.0.2.7" });
  return { sid, recordId: sessionRecordId(sid), principal: { ...as(user as User), sessionId: sessionRecordId(sid) } };
}

/** The user a session cookie opens pages for (null: none), its content as next-auth writes it, read as every request reads it. */
async function sessionOf(user: Pick<User, "id">, sid: string | undefined) {
  const jwt = await encode({ token: { sub: user.id, sid }, secret: SECRET() });
  return (await findSession(await decode({ token: jwt, secret: SECRET() })))?.user ?? null;
}

const reload = async (id: string) => (await db.select().from(users).where(eq(users.id, id)))[0];

describe("asking for a password reset", () => {
  it("answers the same for a known and an unknown address, and e-mails a one-hour link only to the known one", async () => {
    const user = await newUser();
    const unknown = `${unique("nobody")}@example.test`;
    const known = await requestPasswordReset(ANONYMOUS, { email: user.email.toUpperCase() });
    const none = await requestPasswordReset(ANONYMOUS, { email: unknown });
    expect(known).toEqual(none);
    expect(await db.select().from(outboundEmails).where(eq(outboundEmails.to, unknown))).toHaveLength(0);

    const { mail, link, token } = await lastLink(user.email, "password-reset");
    // The record holds the nonce, never the link: the worker derives the token with the installation's secret.
    expect(mail.props).toEqual({ name: user.name });
    expect(link).toMatchObject({ purpose: "password-reset", path: "/reset-password/{token}", prop: "resetUrl" });
    const [row] = await db.select().from(passwordResets).where(eq(passwordResets.userId, user.id));
    expect(row.tokenHash).toBe(hashToken(token));
    expect(row.usedAt).toBeNull();
    const minutes = (row.expiresAt.getTime() - row.createdAt.getTime()) / 60_000;
    expect(minutes).toBeCloseTo(60, 1);
    expect(await findPasswordReset(ANONYMOUS, token)).toEqual({ status: "valid", email: user.email });
  });

  it("refuses a malformed address with a field error", async () => {
    const err = await requestPasswordReset(ANONYMOUS, { email: "not-an-address" }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.fieldErrors.email).toMatch(/doesn't look like an e-mail address/);
  });

  it("renders the reset and verification e-mails with the link the worker fills in", async () => {
    const reset = await renderEmail("password-reset", { name: "Ada", resetUrl: "https://t.example/reset-password/abc" });
    expect(reset.subject).toBe("Choose a new Tenancy password");
    for (const part of [reset.html, reset.text]) expect(part).toContain("https://t.example/reset-password/abc");
    expect(reset.text).toMatch(/works once, for one hour/);
    const verify = await renderEmail("verify-email", {
      name: "Ada",
      email: "ada@example.test",
      kind: "address",
      verifyUrl: "https://t.example/verify-email/abc",
      forgotPasswordUrl: "https://t.example/forgot-password",
    });
    expect(verify.subject).toBe("Confirm your e-mail address for Tenancy");
    expect(verify.text).toContain("https://t.example/verify-email/abc");
    expect(verify.text).toContain("https://t.example/forgot-password");
  });
});

describe("using a reset link", () => {
  it("works once: the new password replaces the old one, and the link then reports used", async () => {
    const user = await newUser();
    const token = await resetLinkFor(user);
    expect(await resetPassword(ANONYMOUS, token, { password: NEW_PASSWORD })).toEqual({ email: user.email });
    const after = await reload(user.id);
    expect(await verifyPassword(after.passwordHash!, NEW_PASSWORD)).toBe(true);
    expect(await verifyPassword(after.passwordHash!, PASSWORD)).toBe(false);

    expect(await findPasswordReset(ANONYMOUS, token)).toMatchObject({ status: "used" });
    const again = await resetPassword(ANONYMOUS, token, { password: "yet-another-pass-1" }).catch((e) => e);
    expect(again).toBeInstanceOf(ConflictError);
    expect(again.message).toMatch(/already been used/);
    expect(await verifyPassword((await reload(user.id)).passwordHash!, NEW_PASSWORD)).toBe(true);
  });

  it("expires after one hour", async () => {
    const user = await newUser();
    const token = await resetLinkFor(user);
    await db
      .update(passwordResets)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(passwordResets.tokenHash, hashToken(token)));
    expect(await findPasswordReset(ANONYMOUS, token)).toMatchObject({ status: "expired" });
    const err = await resetPassword(ANONYMOUS, token, { password: NEW_PASSWORD }).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toMatch(/expired/);
    expect(await verifyPassword((await reload(user.id)).passwordHash!, PASSWORD)).toBe(true);
  });

  it("used twice at the same moment: one request sets its password, the other is refused", async () => {
    const user = await newUser();
    const token = await resetLinkFor(user);
    const passwords = ["racer-one-pass-1", "racer-two-pass-2"];
    const results = await Promise.allSettled(passwords.map((password) => resetPassword(ANONYMOUS, token, { password })));
    const won = results.findIndex((r) => r.status === "fulfilled");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(lost.reason).toBeInstanceOf(ConflictError);
    const after = await reload(user.id);
    expect(await verifyPassword(after.passwordHash!, passwords[won])).toBe(true);
  });

  it("a made-up or incomplete link is not found, and a weak password is refused next to its field", async () => {
    expect(await findPasswordReset(ANONYMOUS, "short")).toEqual({ status: "invalid" });
    const fake = "A".repeat(43);
    expect(await findPasswordReset(ANONYMOUS, fake)).toEqual({ status: "invalid" });
    expect(await resetPassword(ANONYMOUS, fake, { password: NEW_PASSWORD }).catch((e) => e)).toBeInstanceOf(NotFoundError);
    const user = await newUser();
    const token = await resetLinkFor(user);
    const weak = await resetPassword(ANONYMOUS, token, { password: "short" }).catch((e) => e);
    expect(weak.fieldErrors.password).toMatch(/at least 10 characters/);
    expect(await findPasswordReset(ANONYMOUS, token)).toMatchObject({ status: "valid" });
  });

  it("ends every session of the account, proves the address and voids the other links", async () => {
    const user = await newUser();
    expect(user.emailVerifiedAt).toBeNull();
    const browsers = [await signIn(user), await signIn(user)];
    // What every request holds of its user is a named shape, not the row: no password hash travels with it.
    expect(await sessionOf(user, browsers[0].sid)).toEqual({
      id: user.id,
      email: user.email,
      name: user.name,
      isOperator: false,
      lastAccountId: null,
      // What the signed-in shell shows besides the page comes with the session: still unconfirmed until the reset.
      emailVerifiedAt: null,
      noticePanelFolded: false,
      operatorWelcomedAt: null,
    });
    const older = await resetLinkFor(user);
    await resendVerification(as(user));
    const verification = (await lastLink(user.email, "verify-email")).token;
    const token = await resetLinkFor(user);
    await resetPassword(ANONYMOUS, token, { password: NEW_PASSWORD });

    const after = await reload(user.id);
    expect(after.emailVerifiedAt).not.toBeNull();
    for (const b of browsers) expect(await sessionOf(user, b.sid)).toBeNull();
    // The person signs in afterwards, with the new password.
    expect((await sessionOf(user, (await signIn(user)).sid))?.id).toBe(user.id);
    expect(await findPasswordReset(ANONYMOUS, older)).toMatchObject({ status: "used" });
    expect(await findEmailVerification(ANONYMOUS, verification)).toMatchObject({ status: "used" });
  });

  it("lets the owner of an address take over an unverified registration of it: new password, everyone else out", async () => {
    // Someone signs up with an address that isn't theirs; the owner asks for a reset and gets the link.
    const address = `${unique("owned")}@example.test`;
    const { user: squatter } = await newAccount({ email: address, fullName: "Sam Squatter" });
    const squatters = await signIn(squatter);
    expect((await sessionOf(squatter, squatters.sid))?.id).toBe(squatter.id);
    await resetPassword(ANONYMOUS, await resetLinkFor(squatter), { password: NEW_PASSWORD });

    const taken = await reload(squatter.id);
    expect(await sessionOf(squatter, squatters.sid)).toBeNull();
    expect(await verifyPassword(taken.passwordHash!, PASSWORD)).toBe(false);
    expect(await verifyPassword(taken.passwordHash!, NEW_PASSWORD)).toBe(true);
    expect(taken.emailVerifiedAt).not.toBeNull();
  });

  it("grants the operator flag of OPERATOR_EMAILS once the address is proven", async () => {
    const user = await newUser();
    process.env.OPERATOR_EMAILS = `other@example.test, ${user.email.toUpperCase()}`;
    expect(user.isOperator).toBe(false);
    await resetPassword(ANONYMOUS, await resetLinkFor(user), { password: NEW_PASSWORD });
    expect((await reload(user.id)).isOperator).toBe(true);
  });
});

describe("sessions", () => {
  it("open pages only while their record stands: not without one, not once it ended, not for someone else", async () => {
    const user = await newUser();
    const other = await newUser();
    const here = await signIn(user);
    expect((await sessionOf(user, here.sid))?.id).toBe(user.id);
    // A token without a session id (issued before sessions were recorded), one naming no record, another person's.
    expect(await sessionOf(user, undefined)).toBeNull();
    expect(await sessionOf(user, "made-up-session-id")).toBeNull();
    expect(await sessionOf(other, here.sid)).toBeNull();
    expect(await findSession(null)).toBeNull();
    await db.update(sessions).set({ endedAt: new Date() }).where(eq(sessions.id, here.recordId));
    expect(await sessionOf(user, here.sid)).toBeNull();
  });

  it("are stored as the hash of the cookie's id, with the browser and address they started from", async () => {
    const user = await newUser();
    const here = await signIn(user, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36");
    const [row] = await db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(row.id).toBe(hashToken(here.sid));
    expect(row.id).not.toContain(here.sid);
    expect(row).toMatchObject({ ipAddress: "192.0.2.7", endedAt: null });
    expect(row.userAgent).toContain("Chrome/131");
  });

  it("move 'last seen' on at most once a minute, in the read that checks them", async () => {
    const user = await newUser();
    const here = await signIn(user);
    const seenAt = (await db.select().from(sessions).where(eq(sessions.id, here.recordId)))[0].lastSeenAt;
    await sessionOf(user, here.sid);
    expect((await db.select().from(sessions).where(eq(sessions.id, here.recordId)))[0].lastSeenAt).toEqual(seenAt);
    await db
      .update(sessions)
      .set({ lastSeenAt: sql`now() - interval '5 minutes'` })
      .where(eq(sessions.id, here.recordId));
    await sessionOf(user, here.sid);
    const [row] = await db
      .select({ fresh: sql<boolean>`${sessions.lastSeenAt} > now() - interval '1 minute'` })
      .from(sessions)
      .where(eq(sessions.id, here.recordId));
    expect(row.fresh).toBe(true);
  });

  it("sign-in records a session whose id goes into the token; once sign-out ends the record, the token opens nothing", async () => {
    const user = await newUser();
    const authorize = (authOptions.providers[0] as unknown as { options: { authorize: (c: unknown, r: unknown) => Promise<Record<string, unknown> | null> } })
      .options.authorize;
    const signedIn = await authorize(
      { email: user.email, password: PASSWORD },
      {
        headers: {
          "user-agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Version/17.5 Mobile/15E148 Safari/604.1",
          "x-forwarded-for": "198.51.100.4",
        },
      },
    );
    expect(signedIn).toMatchObject({ id: user.id });
    const jwt = authOptions.callbacks!.jwt!;
    const token = await jwt({ token: {}, user: signedIn, account: null } as never);
    expect(token).toMatchObject({ sub: user.id, sid: signedIn!.sessionId });
    expect((await sessionOf(user, token.sid as string))?.id).toBe(user.id);
    expect((await listSessions({ ...as(user), sessionId: sessionRecordId(token.sid as string) })).sessions).toEqual([
      expect.objectContaining({ browser: "Safari 17", device: "iPhone", ipAddress: "198.51.100.4", current: true }),
    ]);
    // next-auth's own session route reads the token through the same callback: it stands while the record does.
    expect(await jwt({ token } as never)).toMatchObject({ sid: token.sid });
    // What both ways of signing out (the menu's action, next-auth's route) do before the cookie goes.
    await endCookieSession(db, token.sid as string);
    expect(await sessionOf(user, token.sid as string)).toBeNull();
    expect(await Promise.resolve(jwt({ token } as never)).catch((e: unknown) => e)).toBeInstanceOf(Error);
    // A wrong password starts nothing.
    expect(await authorize({ email: user.email, password: "not-the-password-1" }, { headers: {} })).toBeNull();
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(1);
  });

  it("sign out everywhere ends every other session; the one that asked goes on", async () => {
    const user = await newUser();
    const [here, phone, laptop] = [await signIn(user), await signIn(user), await signIn(user)];
    expect(await signOutEverywhere(here.principal)).toEqual({ ended: 2 });
    expect((await sessionOf(user, here.sid))?.id).toBe(user.id);
    expect(await sessionOf(user, phone.sid)).toBeNull();
    expect(await sessionOf(user, laptop.sid)).toBeNull();
    // Without a session of its own (a script), the principal ends them all.
    expect(await signOutEverywhere(as(user))).toEqual({ ended: 1 });
    expect(await sessionOf(user, here.sid)).toBeNull();
  });

  it("Profile lists one's own active sessions, this device first, and ends any of them, but never another person's", async () => {
    const user = await newUser();
    const other = await newUser();
    const phone = await signIn(user, "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36");
    const here = await signIn(user, "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
    const ended = await signIn(user);
    await db.update(sessions).set({ endedAt: new Date() }).where(eq(sessions.id, ended.recordId));
    const stale = await signIn(user);
    await db
      .update(sessions)
      .set({ lastSeenAt: sql`now() - interval '31 days'` })
      .where(eq(sessions.id, stale.recordId));
    const theirs = await signIn(other);

    const list = await listSessions(here.principal);
    expect(list.more).toBe(0);
    expect(list.sessions.map((s) => [s.id, s.browser, s.device, s.current])).toEqual([
      [here.recordId, "Firefox 128", "Linux computer", true],
      [phone.recordId, "Chrome 131", "Android phone", false],
    ]);

    // Another person's session, one already ended, one made up: not found, and nothing changes.
    for (const id of [theirs.recordId, ended.recordId, "0".repeat(64), "a\u0000b", theirs.recordId.toUpperCase(), theirs.sid])
      expect(await endSession(here.principal, id).catch((e) => e)).toBeInstanceOf(NotFoundError);
    expect((await sessionOf(other, theirs.sid))?.id).toBe(other.id);

    await endSession(here.principal, phone.recordId);
    expect(await sessionOf(user, phone.sid)).toBeNull();
    expect((await sessionOf(user, here.sid))?.id).toBe(user.id);
    expect((await listSessions(here.principal)).sessions.map((s) => s.id)).toEqual([here.recordId]);
  });

  it("that ended or went unused more than a cookie's lifetime ago go when the person next signs in", async () => {
    const user = await newUser();
    const [old, unused, recent, live] = [await signIn(user), await signIn(user), await signIn(user), await signIn(user)];
    await db
      .update(sessions)
      .set({ endedAt: sql`now() - interval '31 days'` })
      .where(eq(sessions.id, old.recordId));
    await db
      .update(sessions)
      .set({ lastSeenAt: sql`now() - interval '31 days'` })
      .where(eq(sessions.id, unused.recordId));
    await db
      .update(sessions)
      .set({ endedAt: sql`now() - interval '2 days'` })
      .where(eq(sessions.id, recent.recordId));
    const next = await signIn(user);
    const left = await db.select({ id: sessions.id }).from(sessions).where(eq(sessions.userId, user.id));
    expect(left.map((r) => r.id).sort()).toEqual([recent.recordId, live.recordId, next.recordId].sort());
  });

  it("go with their person", async () => {
    const user = await newUser();
    await signIn(user);
    await db.delete(users).where(eq(users.id, user.id));
    expect(await db.select().from(sessions).where(eq(sessions.userId, user.id))).toHaveLength(0);
  });

  it("profile operations are for signed-in people only", async () => {
    for (const p of [ANONYMOUS, SYSTEM]) {
      expect(await signOutEverywhere(p).catch((e) => e)).toBeInstanceOf(ForbiddenError);
      expect(await getProfile(p).catch((e) => e)).toBeInstanceOf(ForbiddenError);
      expect(await listSessions(p).catch((e) => e)).toBeInstanceOf(ForbiddenError);
      expect(await endSession(p, "0".repeat(64)).catch((e) => e)).toBeInstanceOf(ForbiddenError);
    }
  });
});

describe("changing the password", () => {
  it("takes the current password, follows the password rules, and ends the other sessions", async () => {
    const user = await newUser();
    const [here, elsewhere] = [await signIn(user), await signIn(user)];
    const reset = await resetLinkFor(user);
    const wrong = await changePassword(as(user), { currentPassword: "not-my-password-1", newPassword: NEW_PASSWORD }).catch((e) => e);
    expect(wrong.fieldErrors).toEqual({ currentPassword: "That is not your current password." });
    const weak = await changePassword(as(user), { currentPassword: PASSWORD, newPassword: "short" }).catch((e) => e);
    expect(weak.fieldErrors.newPassword).toMatch(/at least 10 characters/);
    const same = await changePassword(as(user), { currentPassword: PASSWORD, newPassword: PASSWORD }).catch((e) => e);
    expect(same.fieldErrors.newPassword).toMatch(/different/);
    // Refused changes end nothing.
    expect((await sessionOf(user, elsewhere.sid))?.id).toBe(user.id);

    const changed = await changePassword(here.principal, { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(changed).not.toHaveProperty("passwordHash");
    expect(await verifyPassword((await reload(user.id)).passwordHash!, NEW_PASSWORD)).toBe(true);
    expect(await sessionOf(user, elsewhere.sid)).toBeNull();
    expect((await sessionOf(user, here.sid))?.id).toBe(user.id);
    // A reset link sent before the change no longer works.
    expect(await findPasswordReset(ANONYMOUS, reset)).toMatchObject({ status: "used" });
  });
});

describe("verifying and changing the e-mail address", () => {
  it("a new address takes effect only when its link is opened by the person signed in, and never over a taken one", async () => {
    const user = await newUser();
    const other = await newUser();
    const target = `${unique("new")}@Example.test`;
    const badPassword = await requestEmailChange(as(user), { email: target, currentPassword: "wrong-password-1" }).catch((e) => e);
    expect(badPassword.fieldErrors.currentPassword).toBe("That is not your current password.");
    const taken = await requestEmailChange(as(user), { email: other.email.toUpperCase(), currentPassword: PASSWORD }).catch((e) => e);
    expect(taken).toBeInstanceOf(ConflictError);
    expect(taken.fieldErrors.email).toBe("Another account already uses this address.");
    const mine = await requestEmailChange(as(user), { email: user.email, currentPassword: PASSWORD }).catch((e) => e);
    expect(mine.fieldErrors.email).toBe("That is already your address.");

    expect(await requestEmailChange(as(user), { email: target, currentPassword: PASSWORD })).toEqual({ email: target.toLowerCase() });
    // Nothing changed yet: the address waits for its link.
    expect((await reload(user.id)).email).toBe(user.email);
    expect((await getProfile(as(user))).pendingEmail?.email).toBe(target.toLowerCase());
    const { mail, token } = await lastLink(target, "verify-email");
    expect(mail.props).toMatchObject({ kind: "change", email: target.toLowerCase() });
    expect(await findEmailVerification(ANONYMOUS, token)).toEqual({ status: "valid", email: target.toLowerCase(), kind: "change", forYou: false });
    expect(await findEmailVerification(as(user), token)).toMatchObject({ forYou: true });

    // The link alone is not enough: someone else signed in, or nobody, changes nothing.
    expect(await confirmEmail(as(other), token).catch((e) => e)).toBeInstanceOf(NotFoundError);
    expect(await confirmEmail(ANONYMOUS, token).catch((e) => e)).toBeInstanceOf(ForbiddenError);
    expect((await reload(user.id)).email).toBe(user.email);

    const oldReset = await resetLinkFor(user);
    expect(await confirmEmail(as(user), token)).toEqual({ email: target.toLowerCase(), changed: true });
    const after = await reload(user.id);
    expect(after.email).toBe(target.toLowerCase());
    expect(after.emailVerifiedAt).not.toBeNull();
    expect((await getProfile(as(user))).pendingEmail).toBeNull();
    // A reset link sent to the old address must not act on the account any more.
    expect(await findPasswordReset(ANONYMOUS, oldReset)).toMatchObject({ status: "used" });
    expect(await confirmEmail(as(user), token).catch((e) => e)).toBeInstanceOf(ConflictError);
  });

  it("an address someone else took meanwhile is refused at confirmation, and the account keeps its address", async () => {
    const user = await newUser();
    const target = `${unique("race")}@example.test`;
    await requestEmailChange(as(user), { email: target, currentPassword: PASSWORD });
    const { token } = await lastLink(target, "verify-email");
    await newAccount({ email: target });
    const err = await confirmEmail(as(user), token).catch((e) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(err.message).toMatch(/Another account uses/);
    expect((await reload(user.id)).email).toBe(user.email);
  });

  it("a newer change request replaces the pending one", async () => {
    const user = await newUser();
    const first = `${unique("first")}@example.test`;
    const second = `${unique("second")}@example.test`;
    await requestEmailChange(as(user), { email: first, currentPassword: PASSWORD });
    const firstToken = (await lastLink(first, "verify-email")).token;
    await requestEmailChange(as(user), { email: second, currentPassword: PASSWORD });
    expect(await findEmailVerification(as(user), firstToken)).toMatchObject({ status: "used" });
    expect((await getProfile(as(user))).pendingEmail?.email).toBe(second);
  });

  it("the own address is verified by its link while signed in, and a configured operator gets the flag then", async () => {
    const user = await newUser();
    process.env.OPERATOR_EMAILS = user.email;
    const { email } = await resendVerification(as(user));
    expect(email).toBe(user.email);
    const { mail, token } = await lastLink(user.email, "verify-email");
    expect(mail.props).toMatchObject({ kind: "address", forgotPasswordUrl: expect.stringMatching(/\/forgot-password$/) });
    expect(mail.link).toMatchObject({ purpose: "verify-email", path: "/verify-email/{token}", prop: "verifyUrl" });
    expect(await verifyPassword((await reload(user.id)).passwordHash!, PASSWORD)).toBe(true);
    expect(await confirmEmail(as(user), token)).toEqual({ email: user.email, changed: false });
    const after = await reload(user.id);
    expect(after.emailVerifiedAt).not.toBeNull();
    expect(after.isOperator).toBe(true);
    const again = await resendVerification(as(user)).catch((e) => e);
    expect(again).toBeInstanceOf(ConflictError);
    expect(again.message).toMatch(/already confirmed/);
  });

  it("an expired verification link is refused", async () => {
    const user = await newUser();
    await resendVerification(as(user));
    const { token } = await lastLink(user.email, "verify-email");
    await db
      .update(emailVerifications)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(emailVerifications.tokenHash, hashToken(token)));
    expect(await findEmailVerification(as(user), token)).toMatchObject({ status: "expired" });
    expect((await confirmEmail(as(user), token).catch((e) => e)).message).toMatch(/expired/);
    expect((await reload(user.id)).emailVerifiedAt).toBeNull();
  });

  it("sends a few verification e-mails an hour to one address, no more", async () => {
    const user = await newUser();
    for (let i = 0; i < 3; i++) await resendVerification(as(user));
    expect(await resendVerification(as(user)).catch((e) => e)).toBeInstanceOf(RateLimitedError);
  });

  it("the name can be changed, and must not be empty", async () => {
    const user = await newUser();
    expect((await updateName(as(user), { name: "  Eve Renamed " })).name).toBe("Eve Renamed");
    expect((await updateName(as(user), { name: " " }).catch((e) => e)).fieldErrors.name).toMatch(/enter the full name/);
  });
});
