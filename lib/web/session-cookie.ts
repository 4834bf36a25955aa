// The session cookie, in next-auth's own format (a JWE, "dir" + A256GCM, keyed by HKDF of NEXTAUTH_SECRET) both ways:
// started from a server action (after sign-up or accepting an invitation), and read on every request. next-auth's
// sign-in and sign-out routes make and end the same cookie. Either way the cookie carries the id of a session record
// (lib/auth/sessions.ts) that the request's read checks, so ending the record ends the cookie.
import { hkdfSync } from "node:crypto";
import { jwtDecrypt } from "jose";
import { encode } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { db } from "@/db/client";
import { getEnv } from "@/lib/core";
import { SESSION_MAX_AGE_SECONDS, createSession, endCookieSession } from "@/lib/auth";
import { authOptions, sessionClientOf } from "./auth-options";

/** What a session token says: whose it is (`sub`) and the id of its session record (`sid`, as the cookie carries it). */
export type SessionClaims = { sub?: string | null; sid?: unknown };

/** next-auth's cookie name, as next-auth chooses it: `__Secure-` (sent over https only) when the app's URL is https. */
export function sessionCookieName(): string {
  return (getEnv().NEXTAUTH_URL ?? "").startsWith("https://") ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

function sessionSecret(): string {
  const secret = authOptions.secret;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set");
  return secret;
}

/**
 * Signs `user` in in this browser (from a server action): records a session and sets its cookie. A session the browser
 * carried before ends, since its cookie is replaced.
 */
export async function startSession(user: { id: string; email: string; name: string }): Promise<void> {
  const maxAge = authOptions.session?.maxAge ?? SESSION_MAX_AGE_SECONDS;
  const jar = await cookies();
  const before = await decodeSessionToken(sessionTokenOf(jar.getAll()));
  const sid = await db.transaction(async (tx) => {
    if (typeof before?.sid === "string") await endCookieSession(tx, before.sid);
    return createSession(tx, user.id, sessionClientOf(await headers()));
  });
  const token = await encode({ token: { sub: user.id, email: user.email, name: user.name, sid }, secret: sessionSecret(), maxAge });
  jar.set(sessionCookieName(), token, sessionCookieOptions(maxAge));
}

/** How the session cookie is set, and unset (maxAge 0): the attributes must match for a browser to replace it. */
function sessionCookieOptions(maxAge: number) {
  return { httpOnly: true, sameSite: "lax", path: "/", secure: sessionCookieName().startsWith("__Secure-"), maxAge } as const;
}

/**
 * Signs this browser out: ends its session's record, then clears the cookie. The record ends first, so when the
 * database is out of reach the error reaches the person and the cookie stays as it was: they are told to try again
 * rather than left believing that a copy of the cookie opens nothing while its record still stands.
 */
export async function endThisSession(): Promise<void> {
  await endThisSessionRecord();
  const jar = await cookies();
  const name = sessionCookieName();
  for (const c of jar.getAll()) if (c.name === name || c.name.startsWith(`${name}.`)) jar.set(c.name, "", sessionCookieOptions(0));
}

/** Ends the record of the session this request's cookie carries (if any), leaving the cookie to whoever answers. */
export async function endThisSessionRecord(): Promise<void> {
  const claims = await readSessionClaims();
  if (typeof claims?.sid === "string") await endCookieSession(db, claims.sid);
}

const derivedKeys = new Map<string, Uint8Array>();

/** next-auth's encryption key for a secret, derived once per process (next-auth's own decode derives it on every call). */
function encryptionKey(secret: string): Uint8Array {
  let key = derivedKeys.get(secret);
  if (!key) {
    key = new Uint8Array(hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32));
    derivedKeys.set(secret, key);
  }
  return key;
}

/**
 * The claims of a session token, or null for anything that is not a current one: expired (15 s of clock skew
 * allowed, as next-auth allows), made with another secret, tampered with, or not a token at all. This is what
 * next-auth's getServerSession decrypts, without the rest of its session handler, which also encrypts a renewed cookie
 * on every call that a page could not set anyway.
 */
export async function decodeSessionToken(token: string | undefined, secret: string = sessionSecret()): Promise<SessionClaims | null> {
  if (!token) return null;
  try {
    const { payload } = await jwtDecrypt(token, encryptionKey(secret), { clockTolerance: 15 });
    return payload;
  } catch {
    return null;
  }
}

/** The session token among a request's cookies; next-auth splits one too long for a cookie into `name.0`, `name.1`, …. */
export function sessionTokenOf(all: { name: string; value: string }[], name: string = sessionCookieName()): string | undefined {
  const whole = all.find((c) => c.name === name);
  if (whole) return whole.value;
  const chunks = all
    .map((c) => ({ index: c.name.startsWith(`${name}.`) ? Number(c.name.slice(name.length + 1)) : NaN, value: c.value }))
    .filter((c) => Number.isInteger(c.index) && c.index >= 0)
    .sort((a, b) => a.index - b.index);
  return chunks.length > 0 ? chunks.map((c) => c.value).join("") : undefined;
}

/** The claims of the session this request carries, or null when it carries none that is current. */
export async function readSessionClaims(): Promise<SessionClaims | null> {
  return decodeSessionToken(sessionTokenOf((await cookies()).getAll()));
}
