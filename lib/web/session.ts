// The signed-in user, re-read from the database on every request (a removed or deleted user loses access at once),
// and the principal the domain operations are called with. A session also carries the user's session version: when
// the version moves on (sign out everywhere, a new password), every session issued before it ends.
import { eq, sql } from "drizzle-orm";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { builtOnce } from "@/db/client";
import { users, type User } from "@/db/schema";
import { ANONYMOUS, userPrincipal, type Principal, type UserPrincipal } from "@/lib/authz";
import { readSessionClaims, type SessionClaims } from "./session-cookie";
import { readWithin } from "./unavailable";

/** Whether a session is still current: it carries the user's session version (sessions from before versions count as 0). */
export function isSessionCurrent(claims: SessionClaims, user: Pick<User, "sessionVersion">): boolean {
  const version = claims.sessionVersion ?? 0;
  return typeof version === "number" && version === user.sessionVersion;
}

/** The user a session belongs to; null when it names nobody, or when it was ended by a newer session version. */
export async function findSessionUser(claims: SessionClaims | null): Promise<User | null> {
  if (!claims?.sub) return null;
  const [user] = await sessionUser().execute({ id: claims.sub });
  return user && isSessionCurrent(claims, user) ? user : null;
}

/** The first statement of nearly every request, built once. */
const sessionUser = builtOnce((d) =>
  d
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder("id")))
    .prepare("session_user"),
);

export const getCurrentUser = cache(async (): Promise<User | null> => {
  const claims = await readSessionClaims();
  // The first query of nearly every page and action: when the database is out of reach or doesn't answer within
  // seconds, the page says so (app/error.tsx) and an action returns the message before it has changed anything.
  return readWithin(findSessionUser(claims));
});

/** Who is making this request: the signed-in user, or anonymous. */
export async function getPrincipal(): Promise<Principal> {
  const user = await getCurrentUser();
  return user ? userPrincipal(user) : ANONYMOUS;
}

/**
 * The signed-in user as a principal; a signed-out visitor is sent to sign in and brought back to the page they asked
 * for, path and query (as the proxy recorded it), else to `callbackPath`. The sign-in page accepts only paths on this site.
 */
export async function requirePrincipal(callbackPath?: string): Promise<UserPrincipal> {
  const user = await getCurrentUser();
  if (!user) {
    const requested = (await headers()).get("x-tenancy-requested-path") ?? callbackPath;
    redirect(requested ? `/sign-in?callbackUrl=${encodeURIComponent(requested)}` : "/sign-in");
  }
  return userPrincipal(user);
}
