// The installation the Customers benchmarks run against, seeded set-based once per `npm run bench` and shared by every
// benchmark that asks for it. Only parent_id is written: path, partner_id and every counter come from the triggers of
// migration 0010, so seeding also measures what they cost on bulk inserts.
import { randomBytes } from "node:crypto";
import type { Sql } from "postgres";
import { rawSql } from "@/db/client";
import { hashPassword } from "@/lib/auth";
import { timeIt } from "./harness";

/** Managed customers of the benchmarked partner, in DEPTH levels of LEVEL_SIZE each. */
export const CUSTOMERS = 100_000;
export const DEPTH = 5;
const LEVEL_SIZE = CUSTOMERS / DEPTH;
/** Each customer below level 1 sits under one of the first fifth of the level above: five children per parent. */
const FANOUT = 5;
export const GROUPS = 1_000;
/** Another partner of the installation, flat, whose members also match the common term. */
export const OTHER_CUSTOMERS = 100_000;
/** Nine in ten seeded e-mails are at gmail.test (the rest at corp.test), so "gmail" matches most of the installation. */
export const COMMON_TERM = "gmail";
export const ADMIN_PASSWORD = "bench-passphrase-7";

export type SeededCustomers = {
  tag: string;
  partnerId: string;
  partnerIdentifier: string;
  otherPartnerId: string;
  /** A Partner Admin of the partner, with a password: it signs in through the real sign-in endpoint. */
  admin: { id: string; email: string; name: string };
  /** A level-1 customer with four levels below it (5 + 25 + 125 + 625 descendants). */
  subtreeRoot: { id: string; identifier: string; descendants: number };
  /** A group of the partner and how many customers it holds. */
  group: { id: string; name: string; customers: number };
  seedMs: number;
  /** Milliseconds per seeding step, triggers included. */
  steps: Record<string, number>;
  counts: { customers: number; users: number; memberships: number; projects: number; invitations: number; groupMembers: number };
};

let seeded: Promise<SeededCustomers> | undefined;

/** Seeds once per process; later callers get the same installation. */
export function seedCustomers(): Promise<SeededCustomers> {
  seeded ??= seed(rawSql());
  return seeded;
}

async function seed(sql: Sql): Promise<SeededCustomers> {
  const tag = randomBytes(3).toString("hex");
  const partnerIdentifier = `partner-${tag}`;
  const passwordHash = await hashPassword(ADMIN_PASSWORD);
  let partnerId = "";
  let otherPartnerId = "";
  const steps: Record<string, number> = {};
  const step = async (name: string, fn: () => Promise<unknown>) => {
    steps[name] = (steps[name] ?? 0) + (await timeIt(fn));
  };
  const seedMs = await timeIt(() =>
    sql.begin(async (tx) => {
      [{ id: partnerId }] = await tx`insert into customers (identifier, name, kind) values (${partnerIdentifier}, 'Bench Partner', 'partner') returning id`;
      [{ id: otherPartnerId }] =
        await tx`insert into customers (identifier, name, kind) values (${`other-${tag}`}, 'Bench Other Partner', 'partner') returning id`;

      // The hierarchy, one level per statement so each row's parent exists when the placing trigger looks it up.
      // Customer g of level L > 1 sits under customer (L-2)·LEVEL_SIZE + ⌈i/FANOUT⌉ of level L-1, i its number in its level.
      for (let level = 1; level <= DEPTH; level++) {
        const first = (level - 1) * LEVEL_SIZE + 1;
        await step(
          "customers of the partner",
          () => tx`
          insert into customers (identifier, name, parent_id, project_quota, contact_email, created_at)
          select ${`c${tag}-`} || g, 'Customer ' || md5(g::text), coalesce(p.id, ${partnerId}::uuid), 5,
            case when g % 4 = 0 then 'billing-' || g || case when g % 10 = 0 then '@corp.test' else '@gmail.test' end end,
            now() - g * interval '1 second'
          from generate_series(${first}::int, ${first + LEVEL_SIZE - 1}::int) g
          left join customers p on ${level > 1} and p.identifier = ${`c${tag}-`} || ((${level} - 2) * ${LEVEL_SIZE} + (g - ${first}) / ${FANOUT} + 1)`,
        );
      }
      await step(
        "customers of the other partner",
        () => tx`
        insert into customers (identifier, name, parent_id, project_quota, created_at)
        select ${`o${tag}-`} || g, 'Customer ' || md5('other' || g), ${otherPartnerId}, 5, now() - g * interval '1 second'
        from generate_series(1, ${OTHER_CUSTOMERS}) g`,
      );

      // One member per customer (nine in ten at gmail.test); every fourth customer's member also belongs to the next
      // customer, so the partner's distinct users are fewer than its memberships.
      await step(
        "users",
        () => tx`
        insert into users (email, name)
        select ${`user-${tag}-`} || g || case when g % 10 = 0 then '@corp.test' else '@gmail.test' end, 'User ' || g
        from generate_series(1, ${CUSTOMERS}) g
        union all
        select ${`member-${tag}-`} || g || case when g % 10 = 0 then '@corp.test' else '@gmail.test' end, 'Member ' || g
        from generate_series(1, ${OTHER_CUSTOMERS}) g`,
      );
      await step(
        "memberships",
        () => tx`
        insert into memberships (user_id, customer_id, "group")
        select u.id, c.id, 'customer_admin'::member_group
        from generate_series(1, ${CUSTOMERS}) g
        join users u on lower(u.email) = ${`user-${tag}-`} || g || case when g % 10 = 0 then '@corp.test' else '@gmail.test' end
        join customers c on c.identifier = ${`c${tag}-`} || g
        union all
        select u.id, c.id, 'customer_employee'::member_group
        from generate_series(4, ${CUSTOMERS - 1}, 4) g
        join users u on lower(u.email) = ${`user-${tag}-`} || g || case when g % 10 = 0 then '@corp.test' else '@gmail.test' end
        join customers c on c.identifier = ${`c${tag}-`} || (g + 1)
        union all
        select u.id, c.id, 'customer_admin'::member_group
        from generate_series(1, ${OTHER_CUSTOMERS}) g
        join users u on lower(u.email) = ${`member-${tag}-`} || g || case when g % 10 = 0 then '@corp.test' else '@gmail.test' end
        join customers c on c.identifier = ${`o${tag}-`} || g`,
      );

      // Projects against a quota of 5: a sixth of the customers at quota, a sixth near it (4), a sixth with one.
      await step(
        "projects",
        () => tx`
        insert into projects (customer_id, identifier, name)
        select c.id, 'proj-' || k, 'Project ' || k
        from customers c
        cross join lateral generate_series(1, case abs(hashtext(c.id::text)) % 6 when 0 then 5 when 1 then 4 when 2 then 1 else 0 end) k
        where c.partner_id = ${partnerId}`,
      );
      // A pending invitation for every tenth customer.
      await step(
        "invitations",
        () => tx`
        insert into invitations (customer_id, email, full_name, "group", token_hash, expires_at)
        select c.id, 'invitee-' || c.identifier || '@gmail.test', 'Invitee', 'customer_employee', md5(c.id::text || ${tag}), now() + interval '7 days'
        from customers c where c.partner_id = ${partnerId} and abs(hashtext(c.identifier)) % 10 = 0`,
      );

      // GROUPS groups; customer g is in group g mod GROUPS, every third also in another one.
      await step(
        "groups",
        () => tx`
        insert into customer_groups (partner_id, name, description)
        select ${partnerId}, 'Group ' || lpad(k::text, 4, '0'), 'Bench group ' || k from generate_series(0, ${GROUPS - 1}) k`,
      );
      await step(
        "group memberships",
        () => tx`
        insert into customer_group_members (group_id, customer_id)
        select cg.id, c.id
        from generate_series(1, ${CUSTOMERS}) g
        cross join lateral (select g % ${GROUPS} as k union select (g * 7 + 13) % ${GROUPS} where g % 3 = 0) k
        join customer_groups cg on cg.partner_id = ${partnerId} and cg.name = 'Group ' || lpad(k.k::text, 4, '0')
        join customers c on c.identifier = ${`c${tag}-`} || g`,
      );

      await step(
        "admin",
        () => tx`
        insert into users (email, name, password_hash, email_verified_at)
        values (${`admin-${tag}@bench.test`}, 'Bench Partner Admin', ${passwordHash}, now())`,
      );
      await step(
        "admin membership",
        () => tx`
        insert into memberships (user_id, customer_id, "group")
        select id, ${partnerId}, 'partner_admin' from users where email = ${`admin-${tag}@bench.test`}`,
      );
    }),
  );
  await sql`analyze`;

  const [admin] = await sql`select id, email, name from users where email = ${`admin-${tag}@bench.test`}`;
  const [root] = await sql`
    select c.id, c.identifier, (select count(*)::int from customers d where d.path @> array[c.id]) as descendants
    from customers c where c.identifier = ${`c${tag}-1`}`;
  const [group] = await sql`select id, name, customers_count as customers from customer_groups where partner_id = ${partnerId} and name = 'Group 0042'`;
  const [counts] = await sql`
    select (select count(*)::int from customers) as customers, (select count(*)::int from users) as users,
      (select count(*)::int from memberships) as memberships, (select count(*)::int from projects) as projects,
      (select count(*)::int from invitations) as invitations, (select count(*)::int from customer_group_members) as "groupMembers"`;
  const [depth] = await sql`select max(cardinality(path))::int as depth from customers where partner_id = ${partnerId}`;
  if (depth.depth !== DEPTH) throw new Error(`the seeded hierarchy is ${depth.depth} deep, not ${DEPTH}`);
  return {
    tag,
    partnerId,
    partnerIdentifier,
    otherPartnerId,
    admin: admin as unknown as SeededCustomers["admin"],
    subtreeRoot: root as unknown as SeededCustomers["subtreeRoot"],
    group: group as unknown as SeededCustomers["group"],
    seedMs,
    steps,
    counts: counts as unknown as SeededCustomers["counts"],
  };
}

/** What seeding cost, for a benchmark's note. */
export function describeSeed(s: SeededCustomers): string {
  const c = s.counts;
  return (
    `seeded set-based in ${(s.seedMs / 1000).toFixed(1)} s (row trigger placing each customer, statement triggers keeping counters): ` +
    `${c.customers} customers (${CUSTOMERS} in ${DEPTH} levels under the partner, ${OTHER_CUSTOMERS} under another partner), ${c.users} users, ` +
    `${c.memberships} memberships, ${c.projects} projects, ${c.invitations} pending invitations, ${GROUPS} groups with ${c.groupMembers} memberships ` +
    `(${Object.entries(s.steps)
      .filter(([, ms]) => ms >= 500)
      .map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)} s`)
      .join(", ")})`
  );
}
