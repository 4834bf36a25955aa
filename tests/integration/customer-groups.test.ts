// Customer groups (the implicit All, several groups, deleting a group keeps its customers) and the Customers list's
// filters, sorts and counters kept by the database.
import { sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { AppError, NotFoundError } from "@/lib/core";
import {
  createCustomerGroup,
  deleteCustomerGroup,
  getCustomerGroup,
  listCustomerGroups,
  listGroupsOfCustomer,
  setCustomerGroupMembership,
  updateCustomerGroup,
} from "@/lib/customer-groups";
import { inviteMember } from "@/lib/invitations";
import { addMyself, createManagedCustomer, getPartnerOverview, listManagedCustomers, setAccountKind, setCustomerQuota } from "@/lib/partners";
import { createProject } from "@/lib/projects";
import { addMember, as, newAccount, newUser, SYSTEM, unique } from "../support/factories";

afterAll(closeDb);

async function newPartner() {
  const account = await newAccount({ fullName: "Greta Groups" });
  const partner = await setAccountKind(SYSTEM, account.customer.identifier, "partner");
  return { admin: as(account.user), partner: partner.identifier, partnerId: partner.id };
}

async function customersOf(p: { admin: ReturnType<typeof as>; partner: string }, names: string[], extra: { groups?: string[]; parent?: string } = {}) {
  const out = [];
  for (const name of names)
    out.push(await createManagedCustomer(p.admin, p.partner, { name, identifier: unique(name.toLowerCase().replace(/\W/g, "")), ...extra }));
  return out;
}

const namesIn = async (p: { admin: ReturnType<typeof as>; partner: string }, opts: Parameters<typeof listManagedCustomers>[2]) =>
  (await listManagedCustomers(p.admin, p.partner, opts)).rows.map((r) => r.name);

describe("customer groups", () => {
  it("keeps every customer in the implicit All, lets a customer be in several groups, and deleting a group keeps its customers", async () => {
    const p = await newPartner();
    const north = await createCustomerGroup(p.admin, p.partner, { name: "North", description: "Northern region" });
    expect(north).toEqual({ id: expect.any(String), name: "North", description: "Northern region", customers: 0 });
    const gold = await createCustomerGroup(p.admin, p.partner, { name: "Gold" });
    const [alpha] = await customersOf(p, ["Alpha"], { groups: [north.id, gold.id] });
    const [beta, gamma] = await customersOf(p, ["Beta", "Gamma"]);
    // Not stored: a customer created without groups is in no group row, and the unfiltered list (All) has everyone.
    const [{ n }] = (await db.execute(sql`select count(*)::int as n from customer_group_members where customer_id = ${beta.id}`)) as unknown as { n: number }[];
    expect(n).toBe(0);
    expect(await namesIn(p, {})).toEqual(["Alpha", "Beta", "Gamma"]);
    expect(await namesIn(p, { group: north.id })).toEqual(["Alpha"]);
    await setCustomerGroupMembership(p.admin, p.partner, { groupId: north.id, customers: [beta.identifier, gamma.identifier, alpha.identifier], member: true });
    expect(await namesIn(p, { group: north.id })).toEqual(["Alpha", "Beta", "Gamma"]);
    expect((await getCustomerGroup(p.admin, p.partner, north.id)).customers).toBe(3);
    const alphaRow = (await listManagedCustomers(p.admin, p.partner, { q: "Alpha" })).rows[0];
    expect(alphaRow.group_names).toEqual(["Gold", "North"]);
    const ofAlpha = await listGroupsOfCustomer(p.admin, p.partner, alpha.identifier);
    expect(ofAlpha.rows.filter((g) => g.member).map((g) => g.name)).toEqual(["Gold", "North"]);
    expect(ofAlpha.canManage).toBe(true);

    await setCustomerGroupMembership(p.admin, p.partner, { groupId: north.id, customers: [beta.identifier], member: false });
    expect(await namesIn(p, { group: north.id })).toEqual(["Alpha", "Gamma"]);

    // "All that match" a filter: whatever it matches now, set-based; the same filter again changes nothing.
    const byFilter = await setCustomerGroupMembership(p.admin, p.partner, { groupId: gold.id, filter: { q: "a" }, member: true });
    expect(byFilter).toMatchObject({ changed: 2, unchanged: 1 });
    expect(await namesIn(p, { group: gold.id })).toEqual(["Alpha", "Beta", "Gamma"]);
    expect(await setCustomerGroupMembership(p.admin, p.partner, { groupId: gold.id, filter: { group: north.id }, member: false })).toMatchObject({
      changed: 2,
    });
    expect(await namesIn(p, { group: gold.id })).toEqual(["Beta"]);
    await expect(setCustomerGroupMembership(p.admin, p.partner, { groupId: gold.id, member: true })).rejects.toMatchObject({
      fieldErrors: { customers: "Select at least one customer." },
    });

    await deleteCustomerGroup(p.admin, p.partner, north.id);
    expect(await namesIn(p, {})).toEqual(["Alpha", "Beta", "Gamma"]);
    expect((await listCustomerGroups(p.admin, p.partner)).rows.map((g) => [g.name, g.customers])).toEqual([["Gold", 1]]);
    await expect(getCustomerGroup(p.admin, p.partner, north.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("renames a group, keeps names unique per partner (case-insensitively), and checks its fields", async () => {
    const p = await newPartner();
    const other = await newPartner();
    const g = await createCustomerGroup(p.admin, p.partner, { name: "Resellers" });
    await createCustomerGroup(other.admin, other.partner, { name: "Resellers" });
    await expect(createCustomerGroup(p.admin, p.partner, { name: "resellers" })).rejects.toMatchObject({
      fieldErrors: { name: expect.stringMatching(/already/) },
    });
    await expect(createCustomerGroup(p.admin, p.partner, { name: " " })).rejects.toMatchObject({ fieldErrors: { name: expect.any(String) } });
    await expect(createCustomerGroup(p.admin, p.partner, { name: "x".repeat(81) })).rejects.toMatchObject({ fieldErrors: { name: expect.any(String) } });
    const renamed = await updateCustomerGroup(p.admin, p.partner, g.id, { name: "Partners of ours", description: "Resell us" });
    expect(renamed).toMatchObject({ name: "Partners of ours", description: "Resell us" });
    // Another partner's group is not found, whether read, renamed, deleted or used.
    await expect(updateCustomerGroup(other.admin, other.partner, g.id, { name: "Mine" })).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteCustomerGroup(other.admin, other.partner, g.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it("refuses the whole change when one of the selected customers isn't the partner's, and the database refuses it too", async () => {
    const p = await newPartner();
    const other = await newPartner();
    const g = await createCustomerGroup(p.admin, p.partner, { name: "Mixed" });
    const [mine] = await customersOf(p, ["Mine"]);
    const [theirs] = await customersOf(other, ["Theirs"]);
    await expect(
      setCustomerGroupMembership(p.admin, p.partner, { groupId: g.id, customers: [mine.identifier, theirs.identifier], member: true }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await getCustomerGroup(p.admin, p.partner, g.id)).customers).toBe(0);
    await expect(db.execute(sql`insert into customer_group_members (group_id, customer_id) values (${g.id}, ${theirs.id})`)).rejects.toMatchObject({
      cause: { constraint_name: "customer_group_members_same_partner" },
    });
    // A group of another partner can't be given when creating either.
    const foreignGroup = await createCustomerGroup(other.admin, other.partner, { name: "Theirs" });
    await expect(createManagedCustomer(p.admin, p.partner, { name: "Sneaky", identifier: unique("sneaky"), groups: [foreignGroup.id] })).rejects.toMatchObject({
      fieldErrors: { groups: expect.any(String) },
    });
    expect(await namesIn(p, { q: "Sneaky" })).toEqual([]);
  });

  it("is read-only for a Partner Employee and invisible to a customer's own admin", async () => {
    const p = await newPartner();
    const g = await createCustomerGroup(p.admin, p.partner, { name: "Team" });
    const employee = await newUser();
    await addMember(employee.id, p.partnerId, "partner_employee");
    expect((await listCustomerGroups(as(employee), p.partner)).rows).toHaveLength(1);
    await expect(createCustomerGroup(as(employee), p.partner, { name: "Nope" })).rejects.toMatchObject({ code: "forbidden" });
    await expect(deleteCustomerGroup(as(employee), p.partner, g.id)).rejects.toMatchObject({ code: "forbidden" });
    const [c] = await customersOf(p, ["Outsider"]);
    const customerAdmin = await newUser();
    await addMember(customerAdmin.id, c.id, "customer_admin");
    await expect(listCustomerGroups(as(customerAdmin), p.partner)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("the Customers list", () => {
  it("filters by subtree and quota state, sorts by counters with keyset pages, and searches contact e-mails and members", async () => {
    const p = await newPartner();
    const [a, b, c] = await customersOf(p, ["Acme", "Bolt", "Crane"]);
    const [a1] = await customersOf(p, ["Acme Child"], { parent: a.identifier });
    const [a11] = await customersOf(p, ["Acme Grandchild"], { parent: a1.identifier });
    // The partner reaches every level.
    expect(await namesIn(p, {})).toEqual(["Acme", "Acme Child", "Acme Grandchild", "Bolt", "Crane"]);
    expect(await namesIn(p, { parent: a.identifier })).toEqual(["Acme Child", "Acme Grandchild"]);
    const rows = (await listManagedCustomers(p.admin, p.partner, { q: "Acme Grandchild" })).rows;
    expect(rows[0]).toMatchObject({ depth: 3, parent_identifier: a1.identifier, children: 0 });
    expect((await listManagedCustomers(p.admin, p.partner, { q: "Acme Child" })).rows[0]).toMatchObject({ depth: 2, children: 1 });

    // Quota states come from counters kept by the database.
    await addMyself(p.admin, p.partner, b.identifier);
    await setCustomerQuota(p.admin, b.identifier, 1);
    await createProject(p.admin, b.identifier, { name: "Only", identifier: unique("only") });
    await addMyself(p.admin, p.partner, c.identifier);
    await setCustomerQuota(p.admin, c.identifier, 5);
    for (let i = 0; i < 4; i++) await createProject(p.admin, c.identifier, { name: `P${i}`, identifier: unique("proj") });
    expect(await namesIn(p, { quota: "at" })).toEqual(["Bolt"]);
    expect(await namesIn(p, { quota: "near" })).toEqual(["Crane"]);
    expect(await namesIn(p, { quota: "under" })).toEqual(["Acme", "Acme Child", "Acme Grandchild"]);

    // Sorting by a counter, descending, walked page by page forwards and back.
    const byProjects = await listManagedCustomers(p.admin, p.partner, { sort: "projects", dir: "desc", limit: 2 });
    expect(byProjects.rows.map((r) => [r.name, r.projects])).toEqual([
      ["Crane", 4],
      ["Bolt", 1],
    ]);
    const next = await listManagedCustomers(p.admin, p.partner, { sort: "projects", dir: "desc", limit: 2, after: byProjects.next! });
    expect(next.rows.map((r) => r.projects)).toEqual([0, 0]);
    const last = await listManagedCustomers(p.admin, p.partner, { sort: "projects", dir: "desc", limit: 2, after: next.next! });
    expect(last.rows).toHaveLength(1);
    expect(last.next).toBeNull();
    const seen = [...byProjects.rows, ...next.rows, ...last.rows].map((r) => r.id);
    expect(new Set(seen).size).toBe(5);
    const back = await listManagedCustomers(p.admin, p.partner, { sort: "projects", dir: "desc", limit: 2, before: last.prev! });
    expect(back.rows.map((r) => r.id)).toEqual(next.rows.map((r) => r.id));

    // Search: a member's e-mail and the contact e-mail.
    const member = await newUser();
    await addMember(member.id, a11.id, "customer_employee");
    expect(await namesIn(p, { q: member.email.toUpperCase() })).toEqual(["Acme Grandchild"]);
    const contact = `${unique("billing")}@crane.test`;
    await db.execute(sql`update customers set contact_email = ${contact} where id = ${c.id}`);
    expect(await namesIn(p, { q: contact.slice(0, 12) })).toEqual(["Crane"]);
  });

  it("keeps the overview numbers right as customers, members, invitations and projects change (compared with a recount)", async () => {
    const p = await newPartner();
    const [x, y] = await customersOf(p, ["Xeno", "Yarrow"]);
    const [z] = await customersOf(p, ["Zinc"], { parent: x.identifier });
    const shared = await newUser();
    await addMember(shared.id, x.id, "customer_admin");
    await addMember(shared.id, z.id, "customer_employee");
    await addMember((await newUser()).id, y.id, "customer_employee");
    await addMyself(p.admin, p.partner, y.identifier);
    await inviteMember(p.admin, y.identifier, { fullName: "Pending One", email: `${unique("pending")}@example.test`, group: "customer_employee" });
    await setCustomerQuota(p.admin, y.identifier, 1);
    await createProject(p.admin, y.identifier, { name: "Full", identifier: unique("full") });
    const recount = async () => {
      const [row] = (await db.execute(sql`
        select count(*)::int as customers,
          (select count(distinct m.user_id)::int from memberships m join customers c on c.id = m.customer_id where c.partner_id = ${p.partnerId}) as users,
          (select count(*)::int from invitations i join customers c on c.id = i.customer_id where c.partner_id = ${p.partnerId} and i.accepted_at is null) as pending_invitations,
          count(*) filter (where (select count(*) from projects pr where pr.customer_id = c.id) >= c.project_quota)::int as at_quota,
          count(*) filter (where (select count(*) from projects pr where pr.customer_id = c.id) >= 0.8 * c.project_quota
            and (select count(*) from projects pr where pr.customer_id = c.id) < c.project_quota)::int as near_quota
        from customers c where c.partner_id = ${p.partnerId}`)) as unknown as Record<string, number>[];
      return row;
    };
    const overview = await getPartnerOverview(p.admin, p.partner);
    expect(overview).toEqual(await recount());
    // The shared person counts once; the partner's admin (Add Myself into Yarrow) counts too.
    expect(overview).toMatchObject({ customers: 3, users: 3, pending_invitations: 1, at_quota: 1 });
    await db.execute(sql`delete from memberships where user_id = ${shared.id} and customer_id = ${x.id}`);
    expect(await getPartnerOverview(p.admin, p.partner)).toEqual(await recount());
    await db.execute(sql`delete from memberships where user_id = ${shared.id}`);
    expect(await getPartnerOverview(p.admin, p.partner)).toMatchObject({ users: 2 });
    expect(await getPartnerOverview(p.admin, p.partner)).toEqual(await recount());
  });

  it("answers a group id that isn't the partner's with an empty list, and an unknown subtree with nothing", async () => {
    const p = await newPartner();
    const other = await newPartner();
    await customersOf(p, ["Kept"]);
    const [theirs] = await customersOf(other, ["Theirs"]);
    const theirGroup = await createCustomerGroup(other.admin, other.partner, { name: "Theirs" });
    await setCustomerGroupMembership(other.admin, other.partner, { groupId: theirGroup.id, customers: [theirs.identifier], member: true });
    expect(await namesIn(p, { group: theirGroup.id })).toEqual([]);
    expect(await namesIn(p, { group: "not-a-uuid" })).toEqual([]);
    expect(await namesIn(p, { parent: theirs.identifier })).toEqual([]);
    await expect(listManagedCustomers(p.admin, other.partner, {})).rejects.toBeInstanceOf(AppError);
  });
});
