// Operators of the installation: a flag on the user, set by the admin CLI or named in OPERATOR_EMAILS.
import { sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { NotFoundError } from "./errors";

export function configuredOperatorEmails(): string[] {
  return (process.env.OPERATOR_EMAILS ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
}

export async function setOperator(ex: Executor, email: string, value: boolean) {
  const rows = await ex.execute(sql`update users set is_operator = ${value}, updated_at = now() where lower(email) = lower(${email}) returning id`);
  if (rows.length === 0) throw new NotFoundError(`No user with e-mail ${email}.`);
}

/** Grants the flag to configured operators who have signed up; run at start and after each sign-up. */
export async function syncConfiguredOperators(ex: Executor): Promise<number> {
  const emails = configuredOperatorEmails();
  if (emails.length === 0) return 0;
  const rows = await ex.execute(
    sql`update users set is_operator = true where not is_operator and lower(email) in ${emails} returning id`,
  );
  return rows.length;
}
