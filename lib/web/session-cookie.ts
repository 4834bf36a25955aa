// The session cookie, in next-auth's own format (a JWE, "dir" + A256GCM, keyed by HKDF of NEXTAUTH_SECRET) both ways:
// started from a server action (after sign-up, accepting an invitation, or re-issuing the session after the session
// version moved on), and read on every request. next-auth's sign-in and sign-out routes make and end the same cookie.
import { hkdfSync } from "node:crypto";
import { jwtDecrypt } from "jose";
import { encode } from "next-auth/jwt";
import { cookies } from "next/headers";
import { authOptions } from "./auth-options";

/** What a session token says: whose it is (`sub`) and the session version it was issued with. */
export type SessionClaims = { sub?: string | null; sessionVersion?: unknown };

/** next-auth's cookie name, as next-auth chooses it: `__Secure-` (sent over https only) when the app's URL is https. */
export function sessionCookieName(): string {
  return (process.env.NEXTAUTH_URL ?? "").startsWith("https://") ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

function sessionSecret(): string {
  const secret = authOptions.secret;
  if (!secret) throw new Error("NEXTAUTH_SECRET is not set");
  return secret;
}

export async function startSession(user: { id: string; email: string; name: string; sessionVersion: number }): Promise<void> {
  const maxAge = authOptions.session?.maxAge ?? 30 * 24 * 3600;
  const token = await encode({
    token: { sub: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion },
    secret: sessionSecret(),
    maxAge,
  });
  const secure = sessionCookieName().startsWith("__Secure-");
  (await cookies()).set(sessionCookieName(), token, { httpOnly: true, sameSite: "lax", path: "/", secure, maxAge });
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
