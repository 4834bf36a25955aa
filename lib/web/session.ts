// The signed-in user, re-read from the database on every request together with the session record the cookie names:
// a removed or deleted user, and a session that was ended (sign-out, Profile, sign out everywhere, a new password),
// lose access at once. The principal the domain operations are called with carries that session's record id.
import { and, eq, isNull, lt, sql } from "drizzle-orm";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { builtOnce } from "@/db/client";
import { sessions, users } from "@/db/schema";
import { sessionRecordId } from "@/lib/auth";
import { ANONYMOUS, userPrincipal, type Principal, type UserPrincipal } from "@/lib/authz";
import type { SessionUser } from "@/lib/profile";
import { readSessionClaims, type SessionClaims } from "./session-cookie";
import { readWithin } from "./unavailable";

/** A request's session: its user, and the id of its record. */
/** The session's user, with what the signed-in shell shows besides the page (see ShellState). */
type SessionRow = SessionUser & { emailVerifiedAt: Date | null; noticePanelFolded: boolean; operatorWelcomedAt: Date | null };
export type CurrentSession = { user: SessionRow; sessionId: string };

/**
 * The session a cookie's claims name, with its user; null when they name nobody, or a session that has ended or was
 * never recorded (a cookie from before session records).
 */
export async function findSession(claims: SessionClaims | null): Promise<CurrentSession | null> {
  if (!claims?.sub || typeof claims.sid !== "string") return null;
  const sessionId = sessionRecordId(claims.sid);
  const [user] = await sessionUser().execute({ sessionId, userId: claims.sub });
  return user ? { user, sessionId } : null;
}

/**
 * The first statement of nearly every request, built once: the user, if the session is theirs and has not ended. The
 * same round trip moves the session's "last seen" on, at most once a minute, so most requests write nothing.
 */
const sessionUser = builtOnce((d) => {
  const seen = d.$with("seen").as(
    d
      .update(sessions)
      .set({ lastSeenAt: sql`now()` })
      .where(and(eq(sessions.id, sql.placeholder("sessionId")), isNull(sessions.endedAt), lt(sessions.lastSeenAt, sql`now() - interval '1 minute'`)))
      .returning({ id: sessions.id }),
  );
  return d
    .with(seen)
    .select({
      id: users.id,
      email: users.email,
      name: users.name,
      isOperator: users.isOperator,
      lastAccountId: users.lastAccountId,
      emailVerifiedAt: users.emailVerifiedAt,
      noticePanelFolded: users.noticePanelFolded,
      operatorWelcomedAt: users.operatorWelcomedAt,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sql.placeholder("sessionId")), eq(sessions.userId, sql.placeholder("userId")), isNull(sessions.endedAt)))
    .prepare("session_user");
});

export const getCurrentSession = cache(async (): Promise<CurrentSession | null> => {
  const claims = await readSessionClaims();
  // The first query of nearly every page and action: when the database is out of reach or doesn't answer within
  // seconds, the page says so (app/error.tsx) and an action returns the message before it has changed anything.
  return readWithin(findSession(claims));
});

export async function getCurrentUser(): Promise<SessionUser | null> {
  return (await getCurrentSession())?.user ?? null;
}

/** Who is making this request: the signed-in user, or anonymous. */
export async function getPrincipal(): Promise<Principal> {
  const session = await getCurrentSession();
  return session ? userPrincipal(session.user, session.sessionId) : ANONYMOUS;
}

/**
 * The signed-in user as a principal; a signed-out visitor is sent to sign in and brought back to the page they asked
 * for, path and query (as the proxy recorded it), else to `callbackPath`. The sign-in page accepts only paths on this site.
 */
export async function requirePrincipal(callbackPath?: string): Promise<UserPrincipal> {
  const session = await getCurrentSession();
  if (!session) {
    const requested = (await headers()).get("x-tenancy-requested-path") ?? callbackPath;
    redirect(requested ? `/sign-in?callbackUrl=${encodeURIComponent(requested)}` : "/sign-in");
  }
  return userPrincipal(session.user, session.sessionId);
}

/**
 * What the signed-in shell says besides the page: an address still to confirm, the notice panel folded, an operator
 * not yet told what that means. Read with the session (one statement for both), so it costs no round trip.
 */
export type ShellState = { unverifiedEmail: string | null; noticePanelFolded: boolean; welcomeOperator: boolean };

export async function getShellState(): Promise<ShellState> {
  const user = (await getCurrentSession())?.user;
  if (!user) return { unverifiedEmail: null, noticePanelFolded: false, welcomeOperator: false };
  return {
    unverifiedEmail: user.emailVerifiedAt ? null : user.email,
    noticePanelFolded: user.noticePanelFolded,
    welcomeOperator: user.isOperator && !user.operatorWelcomedAt,
  };
}
