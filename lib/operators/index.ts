// Operators of the installation: a flag on the user, set by the admin CLI (or another operator) or named in
// OPERATOR_EMAILS.
import { sql } from "drizzle-orm";
import { db } from "@/db/client";
import { authorizeInstallation, type Principal } from "@/lib/authz";
import { NotFoundError } from "@/lib/core";

export function configuredOperatorEmails(): string[] {
  return (process.env.OPERATOR_EMAILS ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
}

export async function setOperator(principal: Principal, email: string, value: boolean) {
  authorizeInstallation(principal, "MANAGE_OPERATORS");
  const rows = await db.execute(sql`update users set is_operator = ${value}, updated_at = now() where lower(email) = lower(${email}) returning id`);
  if (rows.length === 0) throw new NotFoundError(`No user with e-mail ${email}.`);
}

/** Grants the flag to configured operators who have signed up; run when the worker starts and by the CLI. */
export async function syncConfiguredOperators(principal: Principal): Promise<number> {
  authorizeInstallation(principal, "MANAGE_OPERATORS");
  const emails = configuredOperatorEmails();
  if (emails.length === 0) return 0;
  const rows = await db.execute(sql`update users set is_operator = true where not is_operator and lower(email) in ${emails} returning id`);
  return rows.length;
}
