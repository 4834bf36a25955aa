// Deleting customers: the impact, the mark (gone from everything at once, nothing destroyed), the undo (everything back,
// compared table by table), the worker's chunks (shared people keep their other memberships; a worker killed with
// SIGKILL mid-way, then another, leaves nothing behind), overlapping requests, and the identifier reservation.
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { findAccountAccess, type Principal } from "@/lib/authz";
import { createCustomerGroup, getCustomerGroup, listCustomerGroups, setCustomerGroupMembership } from "@/lib/customer-groups";
import {
  cancelCustomerDeletion,
  exportDeletionPeopleCsv,
  getCustomerDeletion,
  listCustomerDeletions,
  previewCustomerDeletion,
  requestCustomerDeletion,
  runCustomerDeletionStep,
} from "@/lib/deletions";
import { findInvitationByToken, inviteMember } from "@/lib/invitations";
import { sendNotice, withdrawNotice } from "@/lib/notices";
import { removeMember } from "@/lib/members";
import { listMyAccounts } from "@/lib/accounts";
import { addMyself, createManagedCustomer, getPartnerOverview, listManagedCustomers, setAccountKind } from "@/lib/partners";
import { createProject } from "@/lib/projects";
import { addMember, as, newAccount, newUser, SYSTEM, unique } from "../support/factories";
import { WorkerProcess, quietOutbox, useUniqueQueuePrefix, waitFor } from "../support/worker";

beforeAll(async () => {
  useUniqueQueuePrefix("deletions");
  await quietOutbox();
});
afterAll(closeDb);

async function newPartner() {
  const account = await newAccount({ fullName: "Dora Deleter" });
  const partner = await setAccountKind(SYSTEM, account.customer.identifier, "partner");
  return { admin: as(account.user), adminUser: account.user, partner: partner.identifier, partnerId: partner.id };
}

/** A partner with customers A (with sub-customer A1, which has A11) and B; people, projects, invitations. */
async function fixture() {
  const p = await newPartner();
  const mk = (name: string, parent?: string) =>
    createManagedCustomer(p.admin, p.partner, { name, identifier: unique(name.toLowerCase().replace(/\W/g, "")), parent });
  const a = await mk("Alpha");
  const a1 = await mk("Alpha One", a.identifier);
  const a11 = await mk("Alpha Deep", a1.identifier);
  const b = await mk("Beta");
  const only = await newUser("Olga Only");
  const shared = await newUser("Sam Shared");
  await addMember(only.id, a.id, "customer_admin");
  await addMember(only.id, a11.id, "customer_employee");
  await addMember(shared.id, a1.id, "customer_employee");
  await addMember(shared.id, b.id, "customer_employee");
  await addMyself(p.admin, p.partner, a.identifier);
  await createProject(p.admin, a.identifier, { name: "Web", identifier: unique("web") });
  const { token } = await inviteMember(p.admin, a1.identifier, {
    fullName: "Ivan Invited",
    email: `${unique("ivan")}@example.test`,
    group: "customer_employee",
  });
  return { ...p, a, a1, a11, b, only, shared, token };
}

/** The partner's people counted from the rows: everyone with a membership in one of its customers not being deleted. */
async function liveUsers(partnerId: string) {
  const [{ n }] = (await db.execute(sql`
    select count(distinct m.user_id)::int as n from memberships m join customers c on c.id = m.customer_id
    where c.partner_id = ${partnerId} and c.deleting_at is null`)) as unknown as { n: number }[];
  return n;
}

/**
 * Makes a deletion due now (its undo window closed), then runs the worker's steps in this process until it is done;
 * after every step the partner's user count is the one its rows give.
 */
async function finish(deletionId: string, partner?: { admin: Principal; identifier: string; id: string }) {
  await db.execute(sql`update customer_deletions set undo_until = now() - interval '1 second' where id = ${deletionId}`);
  for (let i = 0; i < 1000; i++) {
    const step = await runCustomerDeletionStep(SYSTEM, deletionId);
    if (partner) expect((await getPartnerOverview(partner.admin, partner.identifier)).users).toBe(await liveUsers(partner.id));
    if (step.state !== "progress") return step;
  }
  throw new Error("the deletion did not finish");
}

/** Every row of every table that refers to customers or users, as text, for before/after comparisons. */
async function everything() {
  const tables = [
    "customers",
    "memberships",
    "users",
    "projects",
    "project_access",
    "invitations",
    "customer_groups",
    "customer_group_members",
    "partner_stats",
    "partner_members",
    "customer_deletion_partners",
  ];
  const out: Record<string, string[]> = {};
  for (const t of tables) {
    const rows = (await db.execute(sql.raw(`select to_jsonb(t)::text as r from ${t} t`))) as unknown as { r: string }[];
    out[t] = rows.map((r) => r.r).sort();
  }
  return out;
}

describe("deleting customers", () => {
  it("shows the impact, marks the subtree at once (gone from lists, counts, sign-in and invitations), then deletes it; shared people stay", async () => {
    const f = await fixture();
    const before = await getPartnerOverview(f.admin, f.partner);
    // A notice still open for Alpha One (and Beta), and one withdrawn: only the first counts.
    const notice = { title: "Maintenance", body: "On Sunday.", mode: "all_must_read", to: "customers" } as const;
    await sendNotice(f.admin, f.partner, { ...notice, customers: [f.a1.identifier, f.b.identifier] });
    const old = await sendNotice(f.admin, f.partner, { ...notice, customers: [f.a11.identifier] });
    await withdrawNotice(f.admin, f.partner, old.id);
    const preview = await previewCustomerDeletion(f.admin, f.partner, { customers: [f.a.identifier] });
    expect(preview.impact).toMatchObject({
      customers: 3,
      selected: 1,
      subCustomers: 2,
      users: 1,
      usersKept: 2,
      projects: 1,
      pendingInvitations: 1,
      openNotices: 1,
    });

    // Typing the wrong confirmation changes nothing.
    await expect(requestCustomerDeletion(f.admin, f.partner, { customers: [f.a.identifier] }, { confirmation: "yes" })).rejects.toMatchObject({
      fieldErrors: { confirmation: `Type ${f.a.identifier} to confirm.` },
    });
    const d = await requestCustomerDeletion(f.admin, f.partner, { customers: [f.a.identifier] }, { confirmation: f.a.identifier });
    expect(d.impact.customers).toBe(3);

    // Marked: invisible to everyone but the worker.
    const names = (await listManagedCustomers(f.admin, f.partner)).rows.map((r) => r.name);
    expect(names).toEqual(["Beta"]);
    // Olga (only in Alpha's subtree) and the admin (in Alpha through Add Myself) are no longer the partner's people;
    // Sam, also in Beta, still is. Their memberships were not touched.
    expect(await getPartnerOverview(f.admin, f.partner)).toMatchObject({ customers: before.customers - 3, users: before.users - 2 });
    expect(before.users - 2).toBe(await liveUsers(f.partnerId));
    expect(await findAccountAccess(db, as(f.only), f.a.identifier)).toBeNull();
    expect((await listMyAccounts(as(f.only))).rows.map((x) => x.identifier)).toEqual([]);
    expect((await findInvitationByToken(SYSTEM, f.token)).status).toBe("invalid");
    await expect(createProject(as(f.only), f.a.identifier, { name: "Late", identifier: unique("late") })).rejects.toMatchObject({ code: "not_found" });
    await expect(createManagedCustomer(f.admin, f.partner, { name: "Under", identifier: unique("under"), parent: f.a1.identifier })).rejects.toMatchObject({
      code: "not_found",
    });
    // A second deletion of the same customers is refused with words a person understands.
    await expect(requestCustomerDeletion(f.admin, f.partner, { customers: [f.a1.identifier] }, { confirmation: f.a1.identifier })).rejects.toMatchObject({
      code: "conflict",
      message: `${f.a1.identifier} is already being deleted.`,
    });

    // One person or one customer a step, so the count is checked between every two of them.
    process.env.DELETION_CHUNK = "1";
    try {
      expect(await finish(d.id, { admin: f.admin, identifier: f.partner, id: f.partnerId })).toEqual({ state: "done" });
    } finally {
      delete process.env.DELETION_CHUNK;
    }
    const record = await getCustomerDeletion(f.admin, f.partner, d.id);
    expect(record).toMatchObject({ status: "done", customers_done: 3, users_done: 1 });
    const left = (await db.execute(sql`
      select (select count(*)::int from customers where id in (${f.a.id}, ${f.a1.id}, ${f.a11.id})) as customers,
        (select count(*)::int from users where id = ${f.only.id}) as only_user,
        (select count(*)::int from memberships where user_id = ${f.shared.id}) as shared_memberships,
        (select count(*)::int from memberships where user_id = ${f.adminUser.id}) as admin_memberships,
        (select count(*)::int from audit_events where customer_id = ${f.partnerId} and action = 'customer.deletion_finished') as audited,
        (select count(*)::int from outbound_emails where template = 'deletion-report' and "to" = ${f.adminUser.email}) as reports`)) as unknown as Record<
      string,
      number
    >[];
    // The shared person keeps Beta; the partner's admin keeps the partner account.
    expect(left[0]).toEqual({ customers: 0, only_user: 0, shared_memberships: 1, admin_memberships: 1, audited: 1, reports: 1 });
    expect(await getPartnerOverview(f.admin, f.partner)).toMatchObject({ customers: before.customers - 3, users: before.users - 2 });
    expect((await db.execute(sql`select * from customer_deletion_partners where deletion_id = ${d.id}`)).length).toBe(0);

    // The identifier stays reserved, and the create form says why.
    await expect(createManagedCustomer(f.admin, f.partner, { name: "Again", identifier: f.a.identifier })).rejects.toMatchObject({
      fieldErrors: { identifier: expect.stringMatching(/reserved for 90 days/) },
    });
    expect((await listCustomerDeletions(f.admin, f.partner)).rows.map((r) => r.status)).toEqual(["done"]);
  });

  it("undoes a deletion inside its window: every table is as it was", async () => {
    const f = await fixture();
    const group = await createCustomerGroup(f.admin, f.partner, { name: "Doomed" });
    await setCustomerGroupMembership(f.admin, f.partner, { groupId: group.id, customers: [f.a.identifier, f.b.identifier], member: true });
    const other = await newUser("Otto Other-Admin");
    await addMember(other.id, f.partnerId, "partner_admin");
    const before = await everything();
    const overview = await getPartnerOverview(f.admin, f.partner);
    const d = await requestCustomerDeletion(f.admin, f.partner, { group: group.id }, { confirmation: "2" });
    // Everyone in the partner's customers is in these four: nobody is counted any more.
    expect((await getPartnerOverview(f.admin, f.partner)).users).toBe(overview.users - 3);
    expect(d.impact).toMatchObject({ customers: 4, selected: 2 });
    expect((await listManagedCustomers(f.admin, f.partner)).rows).toHaveLength(0);
    const marked = await everything();
    expect(marked).not.toEqual(before);
    // The mark touches the customers, not what they hold: a million memberships cost it nothing.
    for (const table of ["memberships", "users", "projects", "invitations", "partner_members"]) expect(marked[table]).toEqual(before[table]);
    // The group counts its customers being deleted no more, in the list and on its own, though their rows stay for the undo.
    expect((await listCustomerGroups(f.admin, f.partner)).rows.find((g) => g.id === group.id)).toMatchObject({ customers: 0 });
    expect(await getCustomerGroup(f.admin, f.partner, group.id)).toMatchObject({ customers: 0 });
    // Another Partner Admin may undo it.
    await cancelCustomerDeletion(as(other), f.partner, d.id);
    expect(await everything()).toEqual(before);
    expect(await getPartnerOverview(f.admin, f.partner)).toEqual(overview);
    expect(await getCustomerGroup(f.admin, f.partner, group.id)).toMatchObject({ customers: 2 });
    await expect(cancelCustomerDeletion(f.admin, f.partner, d.id)).rejects.toMatchObject({ code: "conflict" });
    // The worker's job, when it comes, does nothing.
    expect(await runCustomerDeletionStep(SYSTEM, d.id)).toEqual({ state: "cancelled" });
    expect((await getCustomerDeletion(f.admin, f.partner, d.id)).status).toBe("cancelled");
  });

  it("refuses overlapping requests made at the same moment: each customer is marked once", async () => {
    const f = await fixture();
    const other = await newUser("Ola Overlap");
    await addMember(other.id, f.partnerId, "partner_admin");
    const results = await Promise.allSettled([
      requestCustomerDeletion(f.admin, f.partner, { customers: [f.a.identifier, f.b.identifier] }, { confirmation: "2" }),
      requestCustomerDeletion(as(other), f.partner, { customers: [f.a1.identifier] }, { confirmation: f.a1.identifier }),
    ]);
    // One wins; the other is refused, whichever came first (Alpha One sits below Alpha).
    const ok = results.filter((r) => r.status === "fulfilled");
    expect(ok).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason.code).toBe("conflict");
    const [{ deletions }] = (await db.execute(sql`
      select count(distinct deletion_id)::int as deletions from customers where id in (${f.a.id}, ${f.a1.id}, ${f.a11.id})`)) as unknown as {
      deletions: number;
    }[];
    expect(deletions).toBe(1);
  });

  it("deletes a customer user: they leave the customer, and their user goes when they belong nowhere else", async () => {
    const f = await fixture();
    const alone = await newUser("Al Alone");
    await addMember(alone.id, f.b.id, "customer_employee");
    const a = await removeMember(f.admin, f.b.identifier, alone.id, { deleteUserIfAlone: true });
    expect(a.userDeleted).toBe(true);
    const b = await removeMember(f.admin, f.b.identifier, f.shared.id, { deleteUserIfAlone: true });
    expect(b.userDeleted).toBe(false);
    const [row] = (await db.execute(sql`
      select (select count(*)::int from users where id = ${alone.id}) as alone,
        (select count(*)::int from memberships where user_id = ${f.shared.id}) as shared_memberships,
        (select count(*)::int from audit_events where customer_id = ${f.b.id} and action = 'member.deleted') as deleted_events`)) as unknown as Record<
      string,
      number
    >[];
    expect(row).toEqual({ alone: 0, shared_memberships: 1, deleted_events: 1 });
    // A Partner Employee may not.
    const employee = await newUser("Ed Employee");
    await addMember(employee.id, f.partnerId, "partner_employee");
    await expect(removeMember(as(employee), f.a.identifier, f.only.id, { deleteUserIfAlone: true })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("is refused to a Partner Employee, a customer's own admin and another partner", async () => {
    const f = await fixture();
    const employee = await newUser("Emil Employee");
    await addMember(employee.id, f.partnerId, "partner_employee");
    await expect(requestCustomerDeletion(as(employee), f.partner, { customers: [f.b.identifier] }, { confirmation: f.b.identifier })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(previewCustomerDeletion(as(f.only), f.partner, { customers: [f.b.identifier] })).rejects.toMatchObject({ code: "not_found" });
    const stranger = await newPartner();
    await expect(
      requestCustomerDeletion(stranger.admin, stranger.partner, { customers: [f.b.identifier] }, { confirmation: f.b.identifier }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect((await listManagedCustomers(f.admin, f.partner)).rows.map((r) => r.name)).toContain("Beta");
  });

  it("deletes people who are in several of the customers, whatever the chunk, and leaves none behind", async () => {
    const p = await newPartner();
    // Two customers, deleted a chunk of 10 memberships at a time; Xenia is in both, nine others in one.
    const one = await createManagedCustomer(p.admin, p.partner, { name: "One", identifier: unique("one") });
    const two = await createManagedCustomer(p.admin, p.partner, { name: "Two", identifier: unique("two") });
    const xenia = await newUser("Xenia Twice");
    await addMember(xenia.id, one.id, "customer_employee");
    await addMember(xenia.id, two.id, "customer_employee");
    const others = [];
    for (let i = 0; i < 9; i++) {
      const u = await newUser(`Other ${i}`);
      await addMember(u.id, one.id, "customer_employee");
      others.push(u.id);
    }
    // An operator of the installation who belongs only here loses the membership and stays.
    const opal = await newUser("Opal Operator");
    await db.execute(sql`update users set is_operator = true where id = ${opal.id}`);
    await addMember(opal.id, two.id, "customer_employee");
    // The confirmation names them: whose users go (by name), and who stays; the download lists everyone.
    const { impact } = await previewCustomerDeletion(p.admin, p.partner, { customers: [one.identifier, two.identifier] });
    expect(impact.usersSample.map((u) => u.name)).toEqual([...Array.from({ length: 9 }, (_, i) => `Other ${i}`), "Xenia Twice"]);
    expect(impact.keptSample.map((u) => u.name)).toEqual(["Opal Operator"]);
    const csv = await exportDeletionPeopleCsv(p.admin, p.partner, { customers: [one.identifier, two.identifier] });
    const lines = (await new Response(csv.stream).text()).trim().split("\r\n");
    expect(lines[0]).toBe("name,email,user");
    expect(lines).toHaveLength(12);
    expect(lines.filter((l) => l.endsWith(",deleted"))).toHaveLength(10);
    expect(lines.filter((l) => l.startsWith("Opal Operator,"))).toEqual([expect.stringMatching(/,stays \(belongs elsewhere too\)$/)]);
    const d = await requestCustomerDeletion(p.admin, p.partner, { customers: [one.identifier, two.identifier] }, { confirmation: "2" });
    expect(d.impact).toMatchObject({ customers: 2, users: 10, usersKept: 1 });
    process.env.DELETION_CHUNK = "10";
    try {
      expect(await finish(d.id, { admin: p.admin, identifier: p.partner, id: p.partnerId })).toEqual({ state: "done" });
    } finally {
      delete process.env.DELETION_CHUNK;
    }
    const [{ left }] = (await db.execute(sql`
      select count(*)::int as left from users where id = any(${sql.param([xenia.id, ...others])}::uuid[])`)) as unknown as { left: number }[];
    expect(left).toBe(0);
    expect(await getCustomerDeletion(p.admin, p.partner, d.id)).toMatchObject({ customers_done: 2, users_done: 10 });
    const [opalNow] = (await db.execute(sql`
      select (select count(*)::int from users where id = ${opal.id}) as users, (select count(*)::int from memberships where user_id = ${opal.id}) as memberships`)) as unknown as {
      users: number;
      memberships: number;
    }[];
    expect(opalNow).toEqual({ users: 1, memberships: 0 });
  });

  it("finishes after its worker is killed with SIGKILL mid-way, and leaves no row pointing at what it deleted", async () => {
    const p = await newPartner();
    // 60 customers with 20 people each, deleted 10 people or 2 customers a step: many steps to be killed in.
    const [{ ids }] = (await db.execute(sql`
      with c as (insert into customers (identifier, name, parent_id) select ${unique("k")} || '-' || g, 'Killed ' || g, ${p.partnerId}::uuid
        from generate_series(1, 60) g returning id),
      u as (insert into users (email, name) select ${unique("kill")} || '-' || g || '@example.test', 'Person ' || g from generate_series(1, 1200) g returning id),
      nu as (select id, row_number() over () - 1 as n from u), nc as (select id, row_number() over () - 1 as n from c)
      insert into memberships (user_id, customer_id, "group") select nu.id, nc.id, 'customer_employee' from nu join nc on nc.n = nu.n % 60
      returning (select array_agg(id) from c) as ids`)) as unknown as { ids: string[] }[];
    const identifiers = (await db.execute(sql`select identifier from customers where parent_id = ${p.partnerId}`)) as unknown as { identifier: string }[];
    const d = await requestCustomerDeletion(p.admin, p.partner, { filter: {} }, { confirmation: String(identifiers.length) });
    expect(d.impact).toMatchObject({ customers: 60, users: 1200 });
    expect((await getPartnerOverview(p.admin, p.partner)).users).toBe(0);
    await db.execute(sql`update customer_deletions set undo_until = now() where id = ${d.id}`);
    const env = { DELETION_CHUNK: "10", JOB_STALLED_INTERVAL_MS: "1000", JOB_LOCK_MS: "2000", JOB_SWEEP_INTERVAL_MS: "1000" };
    const first = await WorkerProcess.start(env);
    await waitFor(async () => (await getCustomerDeletion(p.admin, p.partner, d.id)).users_done >= 30, 60_000, "the first worker to make progress");
    await first.kill();
    const midway = await getCustomerDeletion(p.admin, p.partner, d.id);
    expect(midway.status).toBe("running");
    expect(midway.users_done).toBeLessThan(1200);
    // Half-way, the people not yet deleted are still in partner_stats and still left out of the count.
    expect((await getPartnerOverview(p.admin, p.partner)).users).toBe(0);
    const second = await WorkerProcess.start(env);
    try {
      await waitFor(async () => (await getCustomerDeletion(p.admin, p.partner, d.id)).status === "done", 120_000, "the deletion to finish");
    } finally {
      await second.stop();
    }
    const done = await getCustomerDeletion(p.admin, p.partner, d.id);
    expect(done).toMatchObject({ customers_done: 60, users_done: 1200 });
    const [dangling] = (await db.execute(sql`
      select (select count(*)::int from customers where id = any(${sql.param(ids)}::uuid[])) as customers,
        (select count(*)::int from memberships where customer_id = any(${sql.param(ids)}::uuid[])) as memberships,
        (select count(*)::int from memberships m where not exists (select 1 from users u where u.id = m.user_id)) as orphan_memberships,
        (select count(*)::int from customers c where c.parent_id is not null and not exists (select 1 from customers p where p.id = c.parent_id)) as orphan_customers,
        (select count(*)::int from partner_members pm where pm.partner_id = ${p.partnerId}) as partner_members,
        (select users from partner_stats where partner_id = ${p.partnerId}) as stats_users,
        (select count(*)::int from outbound_emails where template = 'deletion-report' and customer_id = ${p.partnerId}) as reports`)) as unknown as Record<
      string,
      number
    >[];
    expect(dangling).toEqual({ customers: 0, memberships: 0, orphan_memberships: 0, orphan_customers: 0, partner_members: 0, stats_users: 0, reports: 1 });
  }, 240_000);
});

describe("the schema a deletion walks", () => {
  it("indexes every foreign key, so deleting a row never scans a referencing table once per row", async () => {
    // PostgreSQL cascades or sets null one referenced row at a time, looking the referencing rows up by the key's
    // columns: without an index led by them, deleting a million people would scan the audit trail a million times.
    const unindexed = (await db.execute(sql`
      select c.conrelid::regclass::text || '.' || a.attname as key
      from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      where c.contype = 'f' and c.connamespace = 'public'::regnamespace
        and not exists (select 1 from pg_index i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1])
      order by 1`)) as unknown as { key: string }[];
    expect(unindexed.map((r) => r.key)).toEqual([]);
  });
});
