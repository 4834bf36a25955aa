// Checking an e-mail and password at sign-in. The result is the user to start a session for, or null.
import { sql } from "drizzle-orm";
import { db } from "@/db/client";
import { verifyPassword } from "./password";

export async function verifyCredentials(email: string, password: string): Promise<{ id: string; email: string; name: string } | null> {
  const normalized = email.trim().toLowerCase();
  if (!normalized || !password) return null;
  const rows = await db.execute<{ id: string; email: string; name: string; password_hash: string | null }>(
    sql`select id, email, name, password_hash from users where lower(email) = ${normalized} limit 1`,
  );
  const user = rows[0];
  if (!user?.password_hash || !(await verifyPassword(user.password_hash, password))) return null;
  return { id: user.id, email: user.email, name: user.name };
}
