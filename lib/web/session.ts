// The signed-in user, re-read from the database on every request (a removed or deleted user loses access at once),
// and the principal the domain operations are called with.
import { eq } from "drizzle-orm";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/db/client";
import { users, type User } from "@/db/schema";
import { ANONYMOUS, userPrincipal, type Principal, type UserPrincipal } from "@/lib/authz";
import { authOptions } from "./auth-options";

export const getCurrentUser = cache(async (): Promise<User | null> => {
  const session = await getServerSession(authOptions);
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user ?? null;
});

/** Who is making this request: the signed-in user, or anonymous. */
export async function getPrincipal(): Promise<Principal> {
  const user = await getCurrentUser();
  return user ? userPrincipal(user) : ANONYMOUS;
}

/** The signed-in user as a principal; a signed-out visitor is sent to sign in and brought back to `callbackPath`. */
export async function requirePrincipal(callbackPath?: string): Promise<UserPrincipal> {
  const user = await getCurrentUser();
  if (!user) redirect(callbackPath ? `/sign-in?callbackUrl=${encodeURIComponent(callbackPath)}` : "/sign-in");
  return userPrincipal(user);
}
