// Test data through the real domain functions, with names unique per call.
import { randomBytes } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { db } from "@/db/client";
import { customers, memberships, users, type Customer, type MemberGroup, type User } from "@/db/schema";
import { signUp } from "@/lib/accounts";
import { ANONYMOUS, systemPrincipal, userPrincipal, type UserPrincipal } from "@/lib/authz";
import { hashPassword } from "@/lib/auth";

export function unique(prefix = "t"): string {
  return `${prefix}-${randomBytes(5).toString("hex")}`;
}

export const PASSWORD = "correct-horse-42";

/** A new user with an account of their own, through sign-up, and what it created (sign-up itself tells nobody). */
export async function newAccount(overrides: Partial<{ fullName: string; email: string; accountName: string; identifier: string }> = {}) {
  const id = overrides.identifier ?? unique("acct");
  const email = overrides.email ?? `${id}@example.test`;
  await signUp(ANONYMOUS, {
    fullName: overrides.fullName ?? "Ada Admin",
    email,
    password: PASSWORD,
    accountName: overrides.accountName ?? `Account ${id}`,
    identifier: id,
  });
  return createdBySignUp(email, id);
}

/** The user and the account a sign-up created; an error when it created none (the address had an account). */
export async function createdBySignUp(email: string, identifier: string): Promise<{ user: User; customer: Customer }> {
  // Tests look at what was written, so they get the rows themselves (sign-up answers alike whether it created them).
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  const [customer] = await db.select().from(customers).where(eq(customers.identifier, identifier));
  if (!user || !customer) throw new Error(`sign-up created no account ${identifier} for ${email}`);
  return { user, customer };
}

let cachedHash: string | null = null;

/** A user with no account of their own (as if they had accepted an invitation elsewhere). */
export async function newUser(name = "Eve Employee") {
  cachedHash ??= await hashPassword(PASSWORD);
  const [user] = await db
    .insert(users)
    .values({ email: `${unique("user")}@example.test`, name, passwordHash: cachedHash })
    .returning();
  return user;
}

export async function addMember(userId: string, customerId: string, group: MemberGroup) {
  await db.insert(memberships).values({ userId, customerId, group });
}

export async function groupOf(userId: string, customerId: string) {
  const rows = await db.select().from(memberships).where(eq(memberships.userId, userId));
  return rows.find((m) => m.customerId === customerId)?.group ?? null;
}

/** The principal a test acts as: a user (as the session would build it), or the system. */
export function as(user: Pick<User, "id" | "email" | "name" | "isOperator">): UserPrincipal {
  return userPrincipal(user);
}

export const SYSTEM = systemPrincipal("test");
export { ANONYMOUS };
