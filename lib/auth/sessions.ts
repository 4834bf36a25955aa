// Server-side sessions: every sign-in (the sign-in form, sign-up, joining by invitation) records one, and a session
// counts only while its record has not ended. The cookie carries a random id; the record is keyed by that id's SHA-256
// (see db/schema/users.ts), which is also the handle that lists and ends it.
import { randomBytes } from "node:crypto";
import { and, eq, isNull, lt, ne, or, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { sessions } from "@/db/schema";
import { hashToken } from "@/lib/core";

/** How long a session cookie lasts (next-auth's maxAge); a session not seen for as long can't be in use any more. */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 3600;

/** Where a session was started from, as the request told it. */
export type SessionClient = { userAgent?: string | null; ip?: string | null };

/** The record's id for the id a cookie carries. */
export function sessionRecordId(cookieSessionId: string): string {
  return hashToken(cookieSessionId);
}

/**
 * Records a new session of `userId` and returns the id its cookie is to carry (stored nowhere else). The person's
 * sessions that ended, or that no cookie can still carry, more than a cookie's lifetime ago go then: the table holds
 * what can be in use and a month of what was, per person, without a sweep.
 */
export async function createSession(ex: Executor, userId: string, client: SessionClient = {}): Promise<string> {
  const cookieSessionId = randomBytes(32).toString("base64url");
  const ip = client.ip && client.ip !== "unknown" ? client.ip.slice(0, 64) : null;
  const cutoff = sql`now() - make_interval(secs => ${SESSION_MAX_AGE_SECONDS})`;
  await ex.delete(sessions).where(and(eq(sessions.userId, userId), or(lt(sessions.endedAt, cutoff), lt(sessions.lastSeenAt, cutoff))));
  await ex.insert(sessions).values({ id: sessionRecordId(cookieSessionId), userId, userAgent: client.userAgent?.slice(0, 512) || null, ipAddress: ip });
  return cookieSessionId;
}

/** Ends the session a cookie carries (signing out); a session already ended stays as it ended. */
export async function endCookieSession(ex: Executor, cookieSessionId: string): Promise<void> {
  await ex
    .update(sessions)
    .set({ endedAt: sql`now()` })
    .where(and(eq(sessions.id, sessionRecordId(cookieSessionId)), isNull(sessions.endedAt)));
}

/**
 * Ends every session of a user but `except` (a record id: the session making the request, which goes on); the one way
 * sessions end in bulk (sign out everywhere, a new password, a password reset). Returns how many ended.
 */
export async function endUserSessions(ex: Executor, userId: string, opts: { except?: string } = {}): Promise<number> {
  const ended = await ex
    .update(sessions)
    .set({ endedAt: sql`now()` })
    .where(and(eq(sessions.userId, userId), isNull(sessions.endedAt), opts.except ? ne(sessions.id, opts.except) : undefined))
    .returning({ id: sessions.id });
  return ended.length;
}

/** Whether the session a cookie carries is still on (next-auth's own session route asks; pages use the request's read). */
export async function isCookieSessionActive(ex: Executor, cookieSessionId: string, userId: string): Promise<boolean> {
  const [row] = await ex
    .select({ id: sessions.id })
    .from(sessions)
    .where(and(eq(sessions.id, sessionRecordId(cookieSessionId)), eq(sessions.userId, userId), isNull(sessions.endedAt)));
  return Boolean(row);
}
