// The signed-in person's sessions, as large account providers show them: each browser or device they are signed in
// on, where from and when last seen, and a way to end any of them. One can see and end only one's own: another
// person's session is "not found", like one that never existed.
import Bowser from "bowser";
import { and, desc, eq, gt, isNull, sql } from "drizzle-orm";
import { db } from "@/db/client";
import { sessions } from "@/db/schema";
import { SESSION_MAX_AGE_SECONDS, endUserSessions } from "@/lib/auth";
import { requirePerson, type Principal } from "@/lib/authz";
import { NotFoundError } from "@/lib/core";

const SESSION_ID = /^[0-9a-f]{64}$/;
const SESSION_ENDED = "This session has already ended.";

/** How many sessions the list shows, most recently seen first; more than that are counted, not listed. */
export const SESSIONS_LISTED = 50;

/** One session as its owner sees it on Profile. */
export type SessionSummary = {
  /** The handle to end it by (the record's id: the hash of the cookie's id, nothing that signs in). */
  id: string;
  /** "Chrome 131", or "Unknown browser" */
  browser: string;
  /** "Linux computer", "iPhone", "Android phone", or "Unknown device" */
  device: string;
  ipAddress: string | null;
  createdAt: Date;
  lastSeenAt: Date;
  /** The session this request was made with ("this device"). */
  current: boolean;
};

export type SessionList = { sessions: SessionSummary[]; more: number };

/** A user agent in words: the browser with its major version, and the kind of device with its system. */
export function describeUserAgent(userAgent: string | null): { browser: string; device: string } {
  const parsed = userAgent?.trim() ? Bowser.parse(userAgent) : null;
  const name = parsed?.browser.name;
  const major = parsed?.browser.version?.split(".")[0];
  const browser = name ? (major ? `${name} ${major}` : name) : "Unknown browser";
  const os = parsed?.os.name;
  const { type, model } = parsed?.platform ?? {};
  let device = "Unknown device";
  if (model && (model === "iPhone" || model === "iPad")) device = model;
  else if (type === "mobile") device = os ? `${os} phone` : "Phone";
  else if (type === "tablet") device = os ? `${os} tablet` : "Tablet";
  else if (type === "desktop") device = os ? `${os} computer` : "Computer";
  else if (os) device = os;
  return { browser, device };
}

/**
 * The person's sessions that can still be in use: not ended, and seen within a cookie's lifetime. The current one
 * first, then by when each was last seen.
 */
export async function listSessions(principal: Principal): Promise<SessionList> {
  const person = requirePerson(principal);
  const active = and(
    eq(sessions.userId, person.userId),
    isNull(sessions.endedAt),
    gt(sessions.lastSeenAt, sql`now() - make_interval(secs => ${SESSION_MAX_AGE_SECONDS})`),
  );
  const current = person.sessionId ? eq(sessions.id, person.sessionId) : sql`false`;
  const rows = await db
    .select({
      id: sessions.id,
      userAgent: sessions.userAgent,
      ipAddress: sessions.ipAddress,
      createdAt: sessions.createdAt,
      lastSeenAt: sessions.lastSeenAt,
      total: sql<number>`count(*) over ()`.mapWith(Number),
    })
    .from(sessions)
    .where(active)
    .orderBy(desc(current), desc(sessions.lastSeenAt), desc(sessions.createdAt))
    .limit(SESSIONS_LISTED);
  return {
    sessions: rows.map((r) => ({
      id: r.id,
      ...describeUserAgent(r.userAgent),
      ipAddress: r.ipAddress,
      createdAt: r.createdAt,
      lastSeenAt: r.lastSeenAt,
      current: r.id === person.sessionId,
    })),
    more: rows.length > 0 ? rows[0].total - rows.length : 0,
  };
}

/**
 * Ends one of the person's sessions: the browser that holds it is signed out at its next request. Ending the current
 * one is signing out here. Someone else's session, or one already ended, is not found.
 */
export async function endSession(principal: Principal, sessionId: string): Promise<void> {
  const person = requirePerson(principal);
  // A record id is a SHA-256 in hex: anything else names no session (and never reaches the database as text it refuses).
  if (!SESSION_ID.test(sessionId)) throw new NotFoundError(SESSION_ENDED);
  const [ended] = await db
    .update(sessions)
    .set({ endedAt: sql`now()` })
    .where(and(eq(sessions.id, sessionId), eq(sessions.userId, person.userId), isNull(sessions.endedAt)))
    .returning({ id: sessions.id });
  if (!ended) throw new NotFoundError(SESSION_ENDED);
}

/** Ends every session of the signed-in person but the one this request came with. Returns how many ended. */
export async function signOutEverywhere(principal: Principal): Promise<{ ended: number }> {
  const person = requirePerson(principal);
  return { ended: await endUserSessions(db, person.userId, { except: person.sessionId }) };
}
