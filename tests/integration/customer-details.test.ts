// A managed customer's details page from the server's side: editing its details and home page (by its partner and by its
// own admins), where its users land after signing in, its projects and activity as its managers see them, and
// inviting and renaming its users from Administration.
import { and, desc, eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { auditEvents, customers, invitations, memberships, users } from "@/db/schema";
import { findHomePage, updateCustomerDetails, type CustomerView } from "@/lib/accounts";
import { listAuditEvents } from "@/lib/audit";
import { AppError, ForbiddenError, InvalidInputError, NotFoundError } from "@/lib/core";
import { inviteMember } from "@/lib/invitations";
import { changeMemberGroup, updateMember } from "@/lib/members";
import { createManagedCustomer, setAccountKind } from "@/lib/partners";
import { createProject, listCustomerProjects, setProjectAccess } from "@/lib/projects";
import { addMember, as, newAccount, newUser, unique, SYSTEM } from "../support/factories";

afterAll(closeDb);

async function newPartnerWithCustomer() {
  const owner = await newAccount({ fullName: "Paula Partner" });
  const partner = await setAccountKind(SYSTEM, owner.customer.identifier, "partner");
  const customer = await createManagedCustomer(as(owner.user), partner.identifier, { name: "Globex", identifier: unique("globex") });
  // A project made by the system: the partner is no member of its customer.
  const project = await createProject(SYSTEM, customer.identifier, { name: "Web Shop", identifier: "web-shop" });
  return { admin: owner.user, partner, customer, project };
}

const rowOf = async (id: string) => (await db.select().from(customers).where(eq(customers.id, id)))[0];
const auditsOf = (customerId: string, action: string) =>
  db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.customerId, customerId), eq(auditEvents.action, action)))
    .orderBy(desc(auditEvents.id));

async function refusal(work: Promise<unknown>): Promise<AppError> {
  const err = await work.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe("editing a customer's details", () => {
  it("saves every field and the home page for its Partner Admin, audited on the customer and the partner in plain words", async () => {
    const { admin, partner, customer, project } = await newPartnerWithCustomer();
    const updated = await updateCustomerDetails(as(admin), customer.identifier, {
      name: "Globex Corporation",
      description: "Makes everything.",
      contactEmail: "office@globex.test",
      contactPhone: "+1 555 0100",
      country: "United States",
      state: "Oregon",
      city: "Cypress Creek",
      postalCode: "97000",
      addressLine1: "1 Globex Way",
      addressLine2: "Building 2",
      homeProject: project.id,
    });
    expect(updated).toMatchObject({
      name: "Globex Corporation",
      identifier: customer.identifier,
      contactEmail: "office@globex.test",
      state: "Oregon",
      addressLine2: "Building 2",
      homeProjectId: project.id,
    });
    const [onCustomer] = await auditsOf(customer.id, "customer.details_updated");
    const [onPartner] = await auditsOf(partner.id, "customer.details_updated");
    for (const event of [onCustomer, onPartner]) {
      expect(event.actorId).toBe(admin.id);
      expect(event.targetLabel).toBe(`Globex Corporation (${customer.identifier})`);
    }
    expect((onCustomer.details as { changed: string[] }).changed).toEqual([
      "name",
      "description",
      "contact e-mail",
      "contact phone",
      "country",
      "state",
      "city",
      "postal code",
      "address line 1",
      "address line 2",
      "home page",
    ]);

    // Only what changed is written and audited again; saving the same values writes nothing.
    await updateCustomerDetails(as(admin), customer.identifier, { ...detailsOf(updated), city: "Springfield" });
    expect(((await auditsOf(customer.id, "customer.details_updated"))[0].details as { changed: string[] }).changed).toEqual(["city"]);
    await updateCustomerDetails(as(admin), customer.identifier, { ...detailsOf(updated), city: "Springfield" });
    expect(await auditsOf(customer.id, "customer.details_updated")).toHaveLength(2);
    // Empty fields clear them; the home page back to the overview.
    await updateCustomerDetails(as(admin), customer.identifier, { name: "Globex Corporation", contactEmail: "", homeProject: "" });
    const cleared = await rowOf(customer.id);
    expect([cleared.contactEmail, cleared.city, cleared.homeProjectId]).toEqual([null, null, null]);
  });

  it("answers a bad e-mail next to its field and writes nothing", async () => {
    const { admin, customer } = await newPartnerWithCustomer();
    const before = await rowOf(customer.id);
    const err = await refusal(updateCustomerDetails(as(admin), customer.identifier, { name: "Renamed", contactEmail: "not-an-address", city: "Paris" }));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.fieldErrors.contactEmail).toBe("That doesn't look like an e-mail address.");
    expect(await rowOf(customer.id)).toEqual(before);
    expect(await auditsOf(customer.id, "customer.details_updated")).toHaveLength(0);
    // Too long, control characters, a phone number of letters: each answered on its field.
    const more = await refusal(
      updateCustomerDetails(as(admin), customer.identifier, { description: "x".repeat(1001), city: "Pa\u0000ris", contactPhone: "call me" }),
    );
    expect(Object.keys(more.fieldErrors).sort()).toEqual(["city", "contactPhone", "description"]);
  });

  it("refuses another customer's project as home page", async () => {
    const { admin, partner, customer } = await newPartnerWithCustomer();
    const sibling = await createManagedCustomer(as(admin), partner.identifier, { name: "Initech", identifier: unique("initech") });
    const theirs = await createProject(SYSTEM, sibling.identifier, { name: "TPS Reports", identifier: "tps" });
    const err = await refusal(updateCustomerDetails(as(admin), customer.identifier, { name: "Globex", homeProject: theirs.id }));
    expect(err.fieldErrors.homeProject).toMatch(/isn't one of this customer's/);
    expect((await rowOf(customer.id)).homeProjectId).toBeNull();
    expect(await auditsOf(customer.id, "customer.details_updated")).toHaveLength(0);
  });

  it("lets the customer's own admin edit (the name untouched when the form leaves it out)", async () => {
    const { customer, project } = await newPartnerWithCustomer();
    const own = await newUser("Carla Customer-Admin");
    await addMember(own.id, customer.id, "customer_admin");
    const updated = await updateCustomerDetails(as(own), customer.identifier, { contactPhone: "030 1234567", homeProject: project.id });
    expect([updated.name, updated.contactPhone, updated.homeProjectId]).toEqual(["Globex", "030 1234567", project.id]);
  });

  it("refuses a Partner Employee and a Customer Reader, and answers another partner's admin as if the customer did not exist", async () => {
    const { partner, customer } = await newPartnerWithCustomer();
    const employee = await newUser("Emil Employee");
    await addMember(employee.id, partner.id, "partner_employee");
    const reader = await newUser("Rita Reader");
    await addMember(reader.id, customer.id, "customer_reader");
    const other = await newAccount({ fullName: "Olga Other-Partner" });
    await setAccountKind(SYSTEM, other.customer.identifier, "partner");
    const before = await rowOf(customer.id);

    expect(await refusal(updateCustomerDetails(as(employee), customer.identifier, { name: "Hacked" }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(updateCustomerDetails(as(reader), customer.identifier, { name: "Hacked" }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(updateCustomerDetails(as(other.user), customer.identifier, { name: "Hacked" }))).toBeInstanceOf(NotFoundError);
    // Its projects through the other partner's Administration, or through this partner's by name: not found either.
    expect(await refusal(listCustomerProjects(as(other.user), other.customer.identifier, customer.identifier, page))).toBeInstanceOf(NotFoundError);
    expect(await refusal(listCustomerProjects(as(other.user), partner.identifier, customer.identifier, page))).toBeInstanceOf(NotFoundError);
    expect(await rowOf(customer.id)).toEqual(before);
  });
});

const page = { q: "", limit: 20 };

function detailsOf(c: CustomerView) {
  return {
    name: c.name,
    description: c.description,
    contactEmail: c.contactEmail,
    contactPhone: c.contactPhone,
    country: c.country,
    state: c.state,
    city: c.city,
    postalCode: c.postalCode,
    addressLine1: c.addressLine1,
    addressLine2: c.addressLine2,
    homeProject: c.homeProjectId,
  };
}

describe("the home page after signing in", () => {
  it("is the chosen project for those who may see it, else the account's overview", async () => {
    const { admin, customer, project } = await newPartnerWithCustomer();
    const customerAdmin = await newUser("Ada Admin");
    const employee = await newUser("Eve Employee");
    await addMember(customerAdmin.id, customer.id, "customer_admin");
    await addMember(employee.id, customer.id, "customer_employee");
    expect(await findHomePage(as(customerAdmin))).toBe(`/${customer.identifier}`);

    await updateCustomerDetails(as(admin), customer.identifier, { name: "Globex", homeProject: project.id });
    expect(await findHomePage(as(customerAdmin))).toBe(`/${customer.identifier}/projects/web-shop`);
    // An employee without access to the project lands on the overview, until given access.
    expect(await findHomePage(as(employee))).toBe(`/${customer.identifier}`);
    expect(await setProjectAccess(as(customerAdmin), customer.identifier, project.id, employee.id, "project_reader")).toEqual({
      projectId: project.id,
      userId: employee.id,
      role: "project_reader",
    });
    expect(await findHomePage(as(employee))).toBe(`/${customer.identifier}/projects/web-shop`);
    // No account, or one not theirs: nowhere.
    expect(await findHomePage(as(await newUser()))).toBeNull();
    expect(await findHomePage(as(employee), unique("nope"))).toBeNull();
    expect(await findHomePage(SYSTEM)).toBeNull();
  });
});

describe("a customer's projects and activity as its managers see them", () => {
  it("lists the projects with their users and the home page, and the customer's activity, to a Partner Employee too", async () => {
    const { admin, partner, customer, project } = await newPartnerWithCustomer();
    await createProject(SYSTEM, customer.identifier, { name: "Data Lake", identifier: "data-lake" });
    await updateCustomerDetails(as(admin), customer.identifier, { name: "Globex", homeProject: project.id });
    const employee = await newUser("Emil Employee");
    await addMember(employee.id, partner.id, "partner_employee");

    const list = await listCustomerProjects(as(employee), partner.identifier, customer.identifier, page);
    expect(list.rows.map((p) => [p.name, p.members])).toEqual([
      ["Data Lake", 0],
      ["Web Shop", 0],
    ]);
    expect(list.total).toBe(2);
    expect(list.home?.identifier).toBe("web-shop");
    const found = await listCustomerProjects(as(employee), partner.identifier, customer.identifier, { ...page, q: "lake" });
    expect(found.rows.map((p) => p.identifier)).toEqual(["data-lake"]);

    const { events } = await listAuditEvents(as(employee), customer.identifier);
    expect(events.map((e) => e.action)).toContain("customer.details_updated");
    // The customer's own Customer Reader sees neither.
    const reader = await newUser("Rita Reader");
    await addMember(reader.id, customer.id, "customer_reader");
    expect(await refusal(listCustomerProjects(as(reader), partner.identifier, customer.identifier, page))).toBeInstanceOf(NotFoundError);
    expect(await refusal(listAuditEvents(as(reader), customer.identifier))).toBeInstanceOf(ForbiddenError);
  });
});

describe("a customer's users, from Administration", () => {
  it("lets the Partner Admin invite the first user without joining, audited as the partner user", async () => {
    const { admin, customer } = await newPartnerWithCustomer();
    const email = `${unique("first")}@example.test`;
    const { invitation } = await inviteMember(as(admin), customer.identifier, { fullName: "First User", email, group: "customer_admin" });
    expect(invitation).toMatchObject({ customerId: customer.id, invitedBy: admin.id, group: "customer_admin" });
    const [event] = await auditsOf(customer.id, "invitation.created");
    expect([event.actorId, event.actorLabel, event.targetLabel]).toEqual([admin.id, `${admin.name} <${admin.email}>`, `First User <${email}>`]);
    expect(await db.select().from(invitations).where(eq(invitations.customerId, customer.id))).toHaveLength(1);
  });

  it("renames a user who belongs to the customer alone, and changes their group; a Partner Employee may do neither", async () => {
    const { admin, partner, customer } = await newPartnerWithCustomer();
    const carla = await newUser("Carla Customer");
    await addMember(carla.id, customer.id, "customer_admin");
    const bob = await newUser("Bob");
    await addMember(bob.id, customer.id, "customer_employee");

    // Each answers with a named shape for the caller, not the user's or membership's row (no password hash, no ids of rows).
    const renamed = await updateMember(as(admin), customer.identifier, bob.id, { name: "Bob Builder", group: "customer_employee" });
    // It names what changed: the name only, since the group was already that.
    expect(renamed).toEqual({
      member: { userId: bob.id, name: "Bob Builder", email: bob.email, group: "customer_employee" },
      changed: { name: { from: "Bob", to: "Bob Builder" } },
    });
    const [event] = await auditsOf(customer.id, "member.renamed");
    expect([event.actorId, event.details]).toEqual([admin.id, { from: "Bob", to: "Bob Builder" }]);
    expect(await changeMemberGroup(as(admin), customer.identifier, bob.id, "customer_reader")).toEqual({
      userId: bob.id,
      name: "Bob Builder",
      email: bob.email,
      group: "customer_reader",
    });
    // Name and group in one update: both changed, both named, both audited.
    expect(await updateMember(as(admin), customer.identifier, bob.id, { name: "Robert Builder", group: "customer_admin" })).toEqual({
      member: { userId: bob.id, name: "Robert Builder", email: bob.email, group: "customer_admin" },
      changed: { name: { from: "Bob Builder", to: "Robert Builder" }, group: { from: "customer_reader", to: "customer_admin" } },
    });
    expect((await auditsOf(customer.id, "member.group_changed"))[0].details).toEqual({ from: "customer_reader", to: "customer_admin" });
    // Nothing changed: nothing said, nothing audited.
    expect((await updateMember(as(admin), customer.identifier, bob.id, { name: "Robert Builder", group: "customer_admin" })).changed).toEqual({});

    const employee = await newUser("Emil Employee");
    await addMember(employee.id, partner.id, "partner_employee");
    expect(await refusal(updateMember(as(employee), customer.identifier, bob.id, { name: "Nope" }))).toBeInstanceOf(ForbiddenError);
    expect(await refusal(updateMember(as(admin), customer.identifier, bob.id, { name: " " }))).toBeInstanceOf(InvalidInputError);
    // Someone who also belongs to another account keeps their name: it is theirs everywhere. Said on the name field,
    // and the group change sent with it is not written either.
    const elsewhere = await newAccount({ fullName: "Nina Elsewhere" });
    await addMember(elsewhere.user.id, customer.id, "customer_employee");
    const kept = await refusal(updateMember(as(admin), customer.identifier, elsewhere.user.id, { name: "Renamed", group: "customer_reader" }));
    expect(kept).toBeInstanceOf(InvalidInputError);
    expect(Object.keys((kept as InvalidInputError).fieldErrors)).toEqual(["name"]);
    const [nina] = await db
      .select({ group: memberships.group })
      .from(memberships)
      .where(and(eq(memberships.userId, elsewhere.user.id), eq(memberships.customerId, customer.id)));
    expect(nina.group).toBe("customer_employee");
    // Nor can a user of another customer be reached through this one.
    const stranger = await newUser("Stan Stranger");
    expect(await refusal(updateMember(as(admin), customer.identifier, stranger.id, { name: "Renamed" }))).toBeInstanceOf(NotFoundError);
    const names = await db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, elsewhere.user.id));
    expect(names[0].name).toBe("Nina Elsewhere");
    expect((await db.select().from(users).where(eq(users.id, bob.id)))[0].name).toBe("Robert Builder");
  });
});
