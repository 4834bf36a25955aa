// Checking an e-mail and password at sign-in. The result is the user to start a session for, or null.
//
// - Limits first, before any hashing: per network address (SIGN_IN_PER_IP) and per e-mail address
//   (SIGN_IN_PER_EMAIL, counted for unknown addresses too). A refusal throws RateLimitedError with when to try again.
// - Unknown addresses, and users without a password, are checked against a dummy hash with the same parameters, so
//   they take as long as a wrong password for a real user, and get the same answer (null).
// - A success clears its address's count. After FAILED_SIGN_IN_ALERT_AFTER (default 5) failures in a row within the
//   window, the owner of a known address is e-mailed, at most once an hour.
import { sql } from "drizzle-orm";
import { db } from "@/db/client";
import { z } from "zod";
import { getEnv, parseRows } from "@/lib/core";
import { queueEmail } from "@/lib/email";
import { FAILED_SIGN_IN_ALERT_PER_ADDRESS, SIGN_IN_PER_EMAIL, SIGN_IN_PER_IP, configured, consume, reset, tryConsume } from "@/lib/limits";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./password";

export type SignInContext = { ip?: string };

const found = z.object({ id: z.string(), email: z.string(), name: z.string(), password_hash: z.string().nullable() });

function alertAfter(): number {
  return getEnv().FAILED_SIGN_IN_ALERT_AFTER;
}

export async function verifyCredentials(
  email: string,
  password: string,
  context: SignInContext = {},
): Promise<{ id: string; email: string; name: string } | null> {
  const normalized = email.trim().toLowerCase();
  const ip = context.ip ?? "unknown";
  await consume(SIGN_IN_PER_IP, ip);
  if (!normalized || !password) return null;
  const attempt = await consume(SIGN_IN_PER_EMAIL, normalized);

  const [user] = parseRows(found, await db.execute(sql`select id, email, name, password_hash from users where lower(email) = ${normalized} limit 1`));
  const matches = await verifyPassword(user?.password_hash ?? DUMMY_PASSWORD_HASH, password);
  if (user?.password_hash && matches) {
    await reset(SIGN_IN_PER_EMAIL, normalized);
    return { id: user.id, email: user.email, name: user.name };
  }

  // The same steps for known and unknown addresses; only the e-mail itself (once an hour at most) differs.
  const limit = configured(SIGN_IN_PER_EMAIL);
  const threshold = Math.min(alertAfter(), limit.points);
  if (attempt.consumedPoints >= threshold && (await tryConsume(FAILED_SIGN_IN_ALERT_PER_ADDRESS, normalized)) && user)
    await db.transaction((tx) =>
      queueEmail(tx, {
        template: "failed-sign-ins",
        to: user.email,
        props: {
          name: user.name,
          attempts: attempt.consumedPoints,
          windowMinutes: Math.ceil(limit.windowSeconds / 60),
          lastAttemptAt: new Date().toISOString(),
          ipAddress: ip === "unknown" ? null : ip,
          signInUrl: `${getEnv().APP_URL}/sign-in`,
        },
      }),
    );
  return null;
}
