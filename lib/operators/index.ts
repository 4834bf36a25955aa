// Operators of the installation: a flag on the user, set by the admin CLI (or another operator) or named in
// OPERATOR_EMAILS.
import { sql, type SQL } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { authorizeInstallation, type Principal } from "@/lib/authz";
import { ConflictError, containsPattern, decodeCursor, devMailboxEnabled, encodeCursor, textContains, fieldError } from "@/lib/core";

export function configuredOperatorEmails(): string[] {
  return (process.env.OPERATOR_EMAILS ?? "")
    .split(",")
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
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
    const [target] = (await tx.execute(sql`select id, is_operator from users where lower(email) = lower(${email})`)) as unknown as {
      id: string;
      is_operator: boolean;
    }[];
    if (!target) throw fieldError("email", `No user with e-mail ${email}.`);
    if (!value && target.is_operator) {
      const [{ n }] = (await tx.execute(sql`select count(*)::int as n from users where is_operator`)) as unknown as { n: number }[];
      if (n <= 1) throw new ConflictError("This is the installation's last operator. Name another operator first.");
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

export type InstallationAccount = {
  id: string;
  identifier: string;
  name: string;
  kind: "customer" | "partner";
  partner_identifier: string | null;
  project_quota: number;
  projects: number;
  users: number;
  created_at: Date;
};

/**
 * Every account of the installation, for operators: searchable by name or identifier, by name, keyset-paged on
 * (lower(name), id) so the last page costs what the first does.
 */
export async function listAllAccounts(principal: Principal, opts: { q?: string; after?: string; limit?: number } = {}) {
  authorizeInstallation(principal, "VIEW_ALL_ACCOUNTS");
  const limit = Math.min(100, Math.max(1, opts.limit ?? 25));
  const conditions: SQL[] = [sql`true`];
  const q = (opts.q ?? "").trim().slice(0, 100).toLowerCase();
  if (q) {
    const p = containsPattern(q);
    conditions.push(sql`c.id in (select id from customers where ${textContains(sql`name`, q)} union select id from customers where identifier ilike ${p})`);
  }
  const cursor = decodeCursor(opts.after);
  if (cursor) conditions.push(sql`(lower(c.name), c.id) > (${cursor.v}, ${cursor.id}::uuid)`);
  const rows = (await db.execute(sql`
    select c.id, c.identifier, c.name, c.kind, p.identifier as partner_identifier, c.project_quota, c.created_at,
      (select count(*)::int from projects x where x.customer_id = c.id) as projects,
      (select count(*)::int from memberships m where m.customer_id = c.id) as users,
      lower(c.name) as sort_value
    from customers c left join customers p on p.id = c.parent_id
    where ${sql.join(conditions, sql` and `)}
    order by lower(c.name), c.id
    limit ${limit + 1}`)) as unknown as (InstallationAccount & { sort_value: string })[];
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return {
    rows: page.map(({ sort_value: _sortValue, ...r }) => ({ ...r, created_at: new Date(r.created_at) })),
    next: rows.length > limit && last ? encodeCursor({ v: last.sort_value, id: last.id }) : null,
  };
}

/** The operator area itself: who may enter it, and which of its parts this installation has. */
export async function getOperatorArea(principal: Principal) {
  authorizeInstallation(principal, "VIEW_ALL_ACCOUNTS");
  return { mailbox: devMailboxEnabled() };
}

/** The installation's operators, for the operator area. */
export async function listOperators(principal: Principal) {
  authorizeInstallation(principal, "MANAGE_OPERATORS");
  return (await db.execute(sql`select id, name, email from users where is_operator order by lower(name), email`)) as unknown as {
    id: string;
    name: string;
    email: string;
  }[];
}

/** Whether the installation has an operator yet; `npm start` says so, and the first person to sign up becomes one. */
export async function hasOperator(principal: Principal): Promise<boolean> {
  authorizeInstallation(principal, "MANAGE_OPERATORS");
  const rows = await db.execute(sql`select 1 from users where is_operator limit 1`);
  return rows.length > 0;
}
