// Operators of the installation: a flag on the user, set by the admin CLI (or another operator) or named in
// OPERATOR_EMAILS.
import { z } from "zod";
import { sql, type SQL } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { authorizeInstallation, type Principal } from "@/lib/authz";
import {
  ConflictError,
  containsPattern,
  devMailboxEnabled,
  keysetClauses,
  keysetOf,
  keysetPage,
  searchTerm,
  textContains,
  fieldError,
  getEnv,
  countColumn,
  countIn,
  parseRow,
  parseRows,
  timestampColumn,
  type PageRequest,
} from "@/lib/core";

export function configuredOperatorEmails(): string[] {
  return getEnv().OPERATOR_EMAILS;
}

/** Serializes changes to who is an operator, so "the last operator" and "the first one" are decided one at a time. */
export async function lockOperators(ex: Executor): Promise<void> {
  await ex.execute(sql`select pg_advisory_xact_lock(hashtext('tenancy.operators'))`);
}

/**
 * Names or revokes an operator. The last operator can't be revoked: an installation without one would make the next
 * person to sign up its operator.
 */
export async function setOperator(principal: Principal, email: string, value: boolean) {
  authorizeInstallation(principal, "MANAGE_OPERATORS");
  return db.transaction(async (tx) => {
    await lockOperators(tx);
    const target = parseRow(
      z.object({ id: z.uuid(), is_operator: z.boolean() }),
      await tx.execute(sql`select id, is_operator from users where lower(email) = lower(${email})`),
    );
    if (!target) throw fieldError("email", `No user with e-mail ${email}.`);
    if (!value && target.is_operator) {
      if (countIn(await tx.execute(sql`select count(*)::int as n from users where is_operator`)) <= 1)
        throw new ConflictError("This is the installation's last operator. Name another operator first.");
    }
    await tx.execute(sql`update users set is_operator = ${value}, updated_at = now() where id = ${target.id}`);
  });
}

/** Grants the flag to configured operators who have signed up; run when the worker starts and by the CLI. */
export async function syncConfiguredOperators(principal: Principal): Promise<number> {
  authorizeInstallation(principal, "MANAGE_OPERATORS");
  const emails = configuredOperatorEmails();
  if (emails.length === 0) return 0;
  const rows = await db.execute(
    sql`update users set is_operator = true where not is_operator and email_verified_at is not null and lower(email) in ${emails} returning id`,
  );
  return rows.length;
}

const installationAccountRow = z.object({
  id: z.uuid(),
  identifier: z.string(),
  name: z.string(),
  kind: z.enum(["customer", "partner"]),
  partner_identifier: z.string().nullable(),
  project_quota: z.number().int(),
  projects: countColumn,
  users: countColumn,
  created_at: timestampColumn,
  sort_value: z.string(),
});
export type InstallationAccount = Omit<z.output<typeof installationAccountRow>, "sort_value">;

/**
 * Every account of the installation, for operators: searchable by name or identifier, by name, keyset-paged on
 * (lower(name), id) so the last page costs what the first does.
 */
export async function listAllAccounts(principal: Principal, opts: { q?: string } & PageRequest = {}) {
  authorizeInstallation(principal, "VIEW_ALL_ACCOUNTS");
  const k = keysetOf(opts);
  const page = keysetClauses(k, sql`lower(c.name)`, sql`c.id`);
  const conditions: SQL[] = [page.where];
  const q = searchTerm(opts.q).toLowerCase();
  if (q) {
    const p = containsPattern(q);
    conditions.push(sql`c.id in (select id from customers where ${textContains(sql`name`, q)} union select id from customers where identifier ilike ${p})`);
  }
  const rows = await db.execute(sql`
    select c.id, c.identifier, c.name, c.kind, p.identifier as partner_identifier, c.project_quota, c.created_at,
      (select count(*)::int from projects x where x.customer_id = c.id) as projects,
      (select count(*)::int from memberships m where m.customer_id = c.id) as users,
      lower(c.name) as sort_value
    from customers c left join customers p on p.id = c.parent_id
    where ${sql.join(conditions, sql` and `)}
    order by ${page.orderBy}
    limit ${k.limit + 1}`);
  return keysetPage(parseRows(installationAccountRow, rows), k, ({ sort_value: _, ...r }): InstallationAccount => r);
}

/** The operator area itself: who may enter it, and which of its parts this installation has. */
export async function getOperatorArea(principal: Principal) {
  authorizeInstallation(principal, "VIEW_ALL_ACCOUNTS");
  return { mailbox: devMailboxEnabled() };
}

/** The installation's operators, for the operator area. */
export async function listOperators(principal: Principal) {
  authorizeInstallation(principal, "MANAGE_OPERATORS");
  return parseRows(
    z.object({ id: z.uuid(), name: z.string(), email: z.string() }),
    await db.execute(sql`select id, name, email from users where is_operator order by lower(name), email`),
  );
}

/** Whether the installation has an operator yet; `npm start` says so, and the first person to sign up becomes one. */
export async function hasOperator(principal: Principal): Promise<boolean> {
  authorizeInstallation(principal, "MANAGE_OPERATORS");
  const rows = await db.execute(sql`select 1 from users where is_operator limit 1`);
  return rows.length > 0;
}
