// Account security against the real database: password reset links (the same answer for every address, single use,
// one hour, one winner under concurrency), sessions that end when the session version moves on, changing the password
// and the e-mail address, verification, and taking over a registration someone made with another person's address.
import { and, desc, eq, sql } from "drizzle-orm";
import { decode, encode } from "next-auth/jwt";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { emailVerifications, outboundEmails, passwordResets, users, type User } from "@/db/schema";
import { renderEmail } from "@/emails";
import { verifyCredentials, verifyPassword } from "@/lib/auth";
import { deriveLinkToken, hashToken } from "@/lib/core";
import { AppError, ConflictError, ForbiddenError, NotFoundError, RateLimitedError } from "@/lib/core";
import {
  changePassword,
  confirmEmail,
  findEmailVerification,
  findPasswordReset,
  getProfile,
  requestEmailChange,
  requestPasswordReset,
  resendVerification,
  resetPassword,
  signOutEverywhere,
  updateName,
} from "@/lib/profile";
import { authOptions, findSessionUser, isSessionCurrent } from "@/lib/web";
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

/** A session cookie's content as next-auth writes it, read back the way every request reads it. */
async function sessionOf(user: Pick<User, "id">, sessionVersion: number) {
  const jwt = await encode({ token: { sub: user.id, sessionVersion }, secret: SECRET() });
  return findSessionUser(await decode({ token: jwt, secret: SECRET() }));
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
    expect(after.sessionVersion).toBe(1);
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
    expect((await sessionOf(user, 0))?.id).toBe(user.id);
    const older = await resetLinkFor(user);
    await resendVerification(as(user));
    const verification = (await lastLink(user.email, "verify-email")).token;
    const token = await resetLinkFor(user);
    await resetPassword(ANONYMOUS, token, { password: NEW_PASSWORD });

    const after = await reload(user.id);
    expect(after.sessionVersion).toBe(1);
    expect(after.emailVerifiedAt).not.toBeNull();
    expect(await sessionOf(user, 0)).toBeNull();
    expect((await sessionOf(user, 1))?.id).toBe(user.id);
    expect(await findPasswordReset(ANONYMOUS, older)).toMatchObject({ status: "used" });
    expect(await findEmailVerification(ANONYMOUS, verification)).toMatchObject({ status: "used" });
  });

  it("lets the owner of an address take over an unverified registration of it: new password, everyone else out", async () => {
    // Someone signs up with an address that isn't theirs; the owner asks for a reset and gets the link.
    const address = `${unique("owned")}@example.test`;
    const { user: squatter } = await newAccount({ email: address, fullName: "Sam Squatter" });
    expect((await sessionOf(squatter, squatter.sessionVersion))?.id).toBe(squatter.id);
    await resetPassword(ANONYMOUS, await resetLinkFor(squatter), { password: NEW_PASSWORD });

    const taken = await reload(squatter.id);
    expect(await sessionOf(squatter, squatter.sessionVersion)).toBeNull();
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
  it("are current only with the user's session version (tokens from before versions count as version 0)", () => {
    expect(isSessionCurrent({ sub: "u", sessionVersion: 2 }, { sessionVersion: 2 })).toBe(true);
    expect(isSessionCurrent({ sub: "u" }, { sessionVersion: 0 })).toBe(true);
    expect(isSessionCurrent({ sub: "u" }, { sessionVersion: 1 })).toBe(false);
    expect(isSessionCurrent({ sub: "u", sessionVersion: 1 }, { sessionVersion: 2 })).toBe(false);
    expect(isSessionCurrent({ sub: "u", sessionVersion: "2" }, { sessionVersion: 2 })).toBe(false);
  });

  it("sign-in puts the current version into the token", async () => {
    const user = await newUser();
    await db.update(users).set({ sessionVersion: 4 }).where(eq(users.id, user.id));
    // The credentials check reads the version with the user; the jwt callback puts it into the token.
    const signedIn = await verifyCredentials(user.email, PASSWORD, { ip: "192.0.2.40" });
    expect(signedIn).toMatchObject({ id: user.id, sessionVersion: 4 });
    const jwt = authOptions.callbacks!.jwt!;
    const token = await jwt({ token: {}, user: signedIn, account: null } as never);
    expect(token).toMatchObject({ sub: user.id, sessionVersion: 4 });
    // Later requests keep what the token says; they don't read the version again.
    expect(await jwt({ token: { sub: user.id, sessionVersion: 3 } } as never)).toMatchObject({ sessionVersion: 3 });
  });

  it("sign out everywhere ends every session issued before; the one re-issued with the new version goes on", async () => {
    const user = await newUser();
    const after = await signOutEverywhere(as(user));
    expect(after.sessionVersion).toBe(user.sessionVersion + 1);
    expect(await sessionOf(user, user.sessionVersion)).toBeNull();
    expect((await sessionOf(user, after.sessionVersion))?.id).toBe(user.id);
    expect(await findSessionUser(null)).toBeNull();
  });

  it("profile operations are for signed-in people only", async () => {
    for (const p of [ANONYMOUS, SYSTEM]) {
      expect(await signOutEverywhere(p).catch((e) => e)).toBeInstanceOf(ForbiddenError);
      expect(await getProfile(p).catch((e) => e)).toBeInstanceOf(ForbiddenError);
    }
  });
});

describe("changing the password", () => {
  it("takes the current password, follows the password rules, and ends the other sessions", async () => {
    const user = await newUser();
    const reset = await resetLinkFor(user);
    const wrong = await changePassword(as(user), { currentPassword: "not-my-password-1", newPassword: NEW_PASSWORD }).catch((e) => e);
    expect(wrong.fieldErrors).toEqual({ currentPassword: "That is not your current password." });
    const weak = await changePassword(as(user), { currentPassword: PASSWORD, newPassword: "short" }).catch((e) => e);
    expect(weak.fieldErrors.newPassword).toMatch(/at least 10 characters/);
    const same = await changePassword(as(user), { currentPassword: PASSWORD, newPassword: PASSWORD }).catch((e) => e);
    expect(same.fieldErrors.newPassword).toMatch(/different/);
    expect((await reload(user.id)).sessionVersion).toBe(0);

    const changed = await changePassword(as(user), { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    expect(changed.sessionVersion).toBe(1);
    expect(await verifyPassword(changed.passwordHash!, NEW_PASSWORD)).toBe(true);
    expect(await sessionOf(user, 0)).toBeNull();
    expect((await sessionOf(user, 1))?.id).toBe(user.id);
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
