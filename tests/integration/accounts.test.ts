// Sign-up, identifiers and account settings against the real database.
import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { customers, memberships, outbox, outboundEmails, users } from "@/db/schema";
import { getAccount, listMyAccounts, signUp, updateSettings } from "@/lib/accounts";
import { authorizeAccount, findAccountAccess } from "@/lib/authz";
import { verifyPassword } from "@/lib/auth";
import { ForbiddenError, NotFoundError, settingsSchema, violatedConstraint } from "@/lib/core";
import { ANONYMOUS, addMember, as, newAccount, newUser, PASSWORD, unique } from "../support/factories";

afterAll(closeDb);

const baseSettings = settingsSchema.parse({ name: "Renamed", paymentMethod: "invoice" });

describe("sign-up", () => {
  it("creates the user, the customer account, a Customer Admin membership and queues the welcome e-mail, together", async () => {
    const { user, customer } = await newAccount({ accountName: "Acme Cloud" });
    expect(customer.kind).toBe("customer");
    expect(customer.projectQuota).toBe(5);
    const [m] = await db.select().from(memberships).where(eq(memberships.customerId, customer.id));
    expect(m).toMatchObject({ userId: user.id, group: "customer_admin" });
    const [mail] = await db.select().from(outboundEmails).where(eq(outboundEmails.customerId, customer.id));
    expect(mail).toMatchObject({ template: "welcome", to: user.email, status: "queued" });
    const intents = await db
      .select()
      .from(outbox)
      .where(eq(outbox.jobId, `email-${mail.id}`));
    expect(intents).toHaveLength(1);
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it("answers a taken address (in any letter case) exactly as a new one, creates nothing, and e-mails its owner instead", async () => {
    const email = `${unique("case")}@Example.test`;
    const { user: owner } = await newAccount({ email, fullName: "Olga Owner" });
    const attempt = (address: string, identifier: string) =>
      signUp(ANONYMOUS, { fullName: "Mallory", email: address, password: "another-passphrase-1", accountName: "Shadow", identifier });
    const freshAddress = `${unique("fresh")}@example.test`;
    const fresh = await attempt(freshAddress, unique("fresh"));
    const takenIdentifier = unique("shadow");
    const taken = await attempt(email.toUpperCase(), takenIdentifier);
    // The same answer, but for the address each was given.
    expect(taken).toEqual({ email: email.toLowerCase() });
    expect(fresh).toEqual({ email: freshAddress });
    expect(Object.keys(taken)).toEqual(Object.keys(fresh));

    // Nothing was created: no second user, no account, no membership; the owner's password is the same.
    const sameAddress = await db
      .select()
      .from(users)
      .where(sql`lower(email) = ${email.toLowerCase()}`);
    expect(sameAddress.map((u) => u.id)).toEqual([owner.id]);
    expect(await verifyPassword(sameAddress[0].passwordHash!, PASSWORD)).toBe(true);
    expect(await db.select().from(customers).where(eq(customers.identifier, takenIdentifier))).toHaveLength(0);
    expect(await db.select().from(memberships).where(eq(memberships.userId, owner.id))).toHaveLength(1);

    // The owner is told, once an hour at most; the address gets nothing of a new account.
    const mails = async () => db.select().from(outboundEmails).where(eq(outboundEmails.to, owner.email));
    expect((await mails()).map((m) => m.template).sort()).toEqual(["sign-up-attempt", "verify-email", "welcome"]);
    const [notice] = (await mails()).filter((m) => m.template === "sign-up-attempt");
    expect(notice.props).toMatchObject({
      name: "Olga Owner",
      signInUrl: expect.stringMatching(/\/sign-in$/),
      resetUrl: expect.stringMatching(/\/forgot-password$/),
    });
    expect(await attempt(email, unique("again"))).toEqual({ email: email.toLowerCase() });
    expect((await mails()).filter((m) => m.template === "sign-up-attempt")).toHaveLength(1);
  });

  it("refuses a taken identifier alike, whether the address is new or has an account", async () => {
    const identifier = unique("held");
    const { user } = await newAccount({ identifier });
    const attempt = (address: string) =>
      signUp(ANONYMOUS, { fullName: "Mallory", email: address, password: "another-passphrase-1", accountName: "Shadow", identifier }).catch((e) => e);
    const forNew = await attempt(`${unique("new")}@example.test`);
    const forTaken = await attempt(user.email);
    expect(forNew.fieldErrors).toEqual({ identifier: expect.stringMatching(/already taken/) });
    expect(forTaken.fieldErrors).toEqual(forNew.fieldErrors);
    expect(forTaken.code).toBe(forNew.code);
  });

  it("refuses an identifier that is taken, with a field error", async () => {
    const identifier = unique("taken");
    await newAccount({ identifier });
    const err = await newAccount({ identifier, email: `${unique("other")}@example.test` }).catch((e) => e);
    expect(err.fieldErrors.identifier).toMatch(/already taken/);
  });

  it("leaves nothing behind when its last step fails", async () => {
    const identifier = unique("half");
    const email = `${identifier}@example.test`;
    const err = await signUp(
      ANONYMOUS,
      { fullName: "Half Written", email, password: PASSWORD, accountName: "Half", identifier },
      {
        beforeCommit: async () => {
          throw new Error("disk full");
        },
      },
    ).catch((e) => e);
    expect(err.message).toBe("disk full");
    expect(
      await db
        .select()
        .from(users)
        .where(sql`lower(email) = ${email}`),
    ).toHaveLength(0);
    expect(await db.select().from(customers).where(eq(customers.identifier, identifier))).toHaveLength(0);
    expect(await db.select().from(outboundEmails).where(eq(outboundEmails.to, email))).toHaveLength(0);
  });
});

describe("identifier invariants in the database", () => {
  it("refuses any UPDATE that changes an identifier, even in raw SQL", async () => {
    const { customer } = await newAccount();
    const err = await db.execute(sql`update customers set identifier = ${unique("new")} where id = ${customer.id}`).catch((e) => e);
    expect(err.cause.message).toMatch(/can never change/);
    expect(err.cause.constraint_name).toBe("customers_identifier_immutable");
    const [row] = await db.select().from(customers).where(eq(customers.id, customer.id));
    expect(row.identifier).toBe(customer.identifier);
    // Other columns still update.
    await db.execute(sql`update customers set name = 'Still editable' where id = ${customer.id}`);
  });

  it("refuses the same identifier in another letter case", async () => {
    const identifier = unique("caps");
    await newAccount({ identifier });
    // Identifiers are lowercase by the format check, which is what makes the plain unique index case-insensitive.
    const err = await db.execute(sql`insert into customers (identifier, name) values (${identifier.toUpperCase()}, 'Shadow')`).catch((e) => e);
    expect(violatedConstraint(err, "23514")).toBe("customers_identifier_format");
    const dup = await db.execute(sql`insert into customers (identifier, name) values (${identifier}, 'Shadow')`).catch((e) => e);
    expect(violatedConstraint(dup, "23505")).toBe("customers_identifier_key");
    const matches = await db.execute(sql`select 1 from customers where lower(identifier) = ${identifier}`);
    expect(matches).toHaveLength(1);
  });

  it("refuses badly formed identifiers", async () => {
    for (const bad of ["ab", "1abc", "has space", "UPPER", "-lead", "a".repeat(41)]) {
      const err = await db.execute(sql`insert into customers (identifier, name) values (${bad}, 'Bad')`).catch((e) => e);
      expect(violatedConstraint(err, "23514")).toBe("customers_identifier_format");
    }
  });
});

describe("account settings", () => {
  it("lets a Customer Admin change name, tax ID, address and payment method but never the identifier", async () => {
    const { user, customer } = await newAccount();
    // The raw form values, as a hostile client could post them: an identifier among them is ignored.
    const updated = await updateSettings(as(user), customer.identifier, {
      name: "Acme Renamed",
      taxId: "DE123456789",
      billingStreet: "Hauptstr. 1",
      billingPostalCode: "10115",
      billingCity: "Berlin",
      billingCountry: "Germany",
      paymentMethod: "sepa_debit",
      sepaAccountHolder: "Acme GmbH",
      sepaIban: "DE89 3704 0044 0532 0130 00",
      identifier: "sneaky-change",
    } as never);
    expect(updated).toMatchObject({ name: "Acme Renamed", identifier: customer.identifier, billing: { sepaIban: "DE89370400440532013000" } });
  });

  it("refuses a non-member, who cannot read the account either", async () => {
    const { customer } = await newAccount();
    const stranger = await newAccount();
    expect(await findAccountAccess(db, as(stranger.user), customer.identifier)).toBeNull();
    await expect(authorizeAccount(db, as(stranger.user), customer.identifier, "VIEW_ACCOUNT")).rejects.toBeInstanceOf(NotFoundError);
    await expect(updateSettings(as(stranger.user), customer.identifier, baseSettings)).rejects.toBeInstanceOf(NotFoundError);
    const [row] = await db.select().from(customers).where(eq(customers.id, customer.id));
    expect(row.name).toBe(customer.name);
  });

  it("lets an Employee read but not edit", async () => {
    const { customer } = await newAccount();
    const employee = await newUser();
    await addMember(employee.id, customer.id, "customer_employee");
    const access = await authorizeAccount(db, as(employee), customer.identifier, "VIEW_ACCOUNT");
    expect(access.membership?.group).toBe("customer_employee");
    expect(access.can("EDIT_SETTINGS")).toBe(false);
    await expect(updateSettings(as(employee), customer.identifier, baseSettings)).rejects.toBeInstanceOf(ForbiddenError);
    const [row] = await db.select().from(customers).where(eq(customers.id, customer.id));
    expect(row.name).toBe(customer.name);
  });

  it("sends billing details only to those who may edit them; an Employee sees a masked IBAN at most", async () => {
    const { user, customer } = await newAccount();
    const billing = {
      name: "Billed Co",
      taxId: "DE123456789",
      billingStreet: "Hauptstr. 1",
      billingPostalCode: "10115",
      billingCity: "Berlin",
      billingCountry: "Germany",
      paymentMethod: "sepa_debit",
      sepaAccountHolder: "Billed Co GmbH",
      sepaIban: "DE89 3704 0044 0532 0130 00",
    };
    await updateSettings(as(user), customer.identifier, settingsSchema.parse(billing));
    const employee = await newUser();
    await addMember(employee.id, customer.id, "customer_employee");
    const seen = (await getAccount(as(employee), customer.identifier)).customer;
    expect(seen).toMatchObject({ name: "Billed Co", paymentMethod: "sepa_debit", billing: null });
    expect(seen.maskedIban).toBe("DE•• •••• •••• •••• ••30 00");
    expect(JSON.stringify(seen)).not.toMatch(/DE123456789|Hauptstr|0532013000/);
    const own = (await getAccount(as(user), customer.identifier)).customer;
    expect(own.billing).toMatchObject({ taxId: "DE123456789", sepaIban: "DE89370400440532013000", billingCity: "Berlin" });
  });
});

describe("the accounts a person belongs to (the switcher and the Accounts page)", () => {
  async function personIn(names: { name: string; kind?: "customer" | "partner"; deleting?: boolean }[]) {
    const person = await newUser();
    const made = [];
    for (const n of names) {
      const [c] = await db
        .insert(customers)
        .values({ identifier: unique("mine"), name: n.name, kind: n.kind ?? "customer", deletingAt: n.deleting ? new Date() : null })
        .returning();
      await addMember(person.id, c.id, n.kind === "partner" ? "partner_admin" : "customer_employee");
      made.push(c);
    }
    return { person, made };
  }

  it("lists partner accounts first, then by name, page by page, each once, without accounts being deleted", async () => {
    const { person, made } = await personIn([
      { name: "Delta" },
      { name: "Zulu Partner", kind: "partner" },
      { name: "alpha" },
      { name: "Bravo" },
      { name: "Charlie" },
      { name: "Echo", deleting: true },
    ]);
    const seen: string[] = [];
    let after: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await listMyAccounts(as(person), { limit: 2, after });
      expect(page.rows.length).toBeLessThanOrEqual(2);
      seen.push(...page.rows.map((a) => a.name));
      if (!page.next) break;
      after = page.next;
    }
    expect(seen).toEqual(["Zulu Partner", "alpha", "Bravo", "Charlie", "Delta"]);
    const first = await listMyAccounts(as(person), { limit: 20 });
    expect(first.next).toBeNull();
    expect(first.rows[0]).toMatchObject({ name: "Zulu Partner", kind: "partner", group: "partner_admin", trail: [] });
    // Exactly one account by its identifier, in any case; one being deleted is not there to find.
    const delta = made.find((c) => c.name === "Delta")!;
    expect((await listMyAccounts(as(person), { identifier: delta.identifier.toUpperCase() })).rows.map((a) => a.name)).toEqual(["Delta"]);
    const echo = made.find((c) => c.name === "Echo")!;
    expect((await listMyAccounts(as(person), { identifier: echo.identifier })).rows).toEqual([]);
  });

  it("finds accounts by a part of the name (case and accents ignored) or of the identifier, and only the person's own", async () => {
    const { person, made } = await personIn([{ name: "Ünïcødé Works" }, { name: "Plain" }]);
    expect((await listMyAccounts(as(person), { q: "UNICODE" })).rows.map((a) => a.name)).toEqual(["Ünïcødé Works"]);
    const plain = made.find((c) => c.name === "Plain")!;
    expect((await listMyAccounts(as(person), { q: plain.identifier.slice(2) })).rows.map((a) => a.name)).toEqual(["Plain"]);
    expect((await listMyAccounts(as(person), { q: "%" })).rows).toEqual([]);
    const stranger = await newUser();
    expect((await listMyAccounts(as(stranger), { q: "Plain" })).rows).toEqual([]);
    expect((await listMyAccounts(as(stranger), { identifier: plain.identifier })).rows).toEqual([]);
    expect(await listMyAccounts(ANONYMOUS)).toEqual({ rows: [], next: null, prev: null });
  });
});
