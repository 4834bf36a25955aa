// The signed-in user, re-read from the database on every request (a removed or deleted user loses access at once).
import { eq } from "drizzle-orm";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { db } from "@/db/client";
import { users, type User } from "@/db/schema";
import { authOptions } from "./options";

export const getCurrentUser = cache(async (): Promise<User | null> => {
  const session = await getServerSession(authOptions);
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const [user] = await db.select().from(users).where(eq(users.id, id));
  return user ?? null;
});

export async function requireUser(callbackPath?: string): Promise<User> {
  const user = await getCurrentUser();
  if (!user) redirect(callbackPath ? `/sign-in?callbackUrl=${encodeURIComponent(callbackPath)}` : "/sign-in");
  return user;
}
