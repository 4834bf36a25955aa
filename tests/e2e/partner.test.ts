// A partner walks Administration › Customers the way the reference describes it: creates a customer, adds themself,
// switches to it and invites its first user, then raises and (unsuccessfully) lowers its quota. Another partner, an
// ordinary customer and a Partner Employee only get what they may: a 404, or a read-only view the server enforces.
import { and, eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { customers, memberships, users } from "@/db/schema";
import { addMyself, createManagedCustomer, setAccountKind, setCustomerQuota } from "@/lib/partners";
import { createProject } from "@/lib/projects";
import { DESKTOP, screenshot, useBrowser } from "../support/browser";
import { postForm, serverActionFields, signInViaUi, signUpViaUi } from "../support/e2e";
import { PASSWORD, addMember, newAccount, newUser, unique, as, SYSTEM } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

/** Settings menu (the gear) › Administration, then Customers in the menu on the left. */
async function openAdministrationCustomers(page: Page, partner: string) {
  await page.getByLabel("Settings menu").click();
  await page.getByTestId("settings-menu").getByRole("link", { name: "Administration" }).click();
  await page.getByRole("navigation", { name: "Administration" }).getByRole("link", { name: "Customers" }).click();
  await page.waitForURL(`${baseUrl}/${partner}/admin/customers`);
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Customers");
}

async function switchAccount(page: Page, name: string, identifier: string) {
  const switcher = page.getByTestId("account-switcher");
  await switcher.locator("summary").click();
  // A customer's entry also names its partner ("under …"): the account's own entry starts with its name.
  await switcher.getByRole("link", { name: new RegExp(`^${name}`) }).click();
  await page.waitForURL(`${baseUrl}/${identifier}`);
}

const overview = (page: Page, label: string) =>
  page
    .getByTestId("overview-card")
    .filter({ has: page.getByText(label, { exact: true }) })
    .getByTestId("overview-value")
    .textContent();

const customerRow = (page: Page, identifier: string) => page.getByTestId("customer-row").filter({ hasText: identifier });

const quotaOf = async (customerId: string) => (await db.select().from(customers).where(eq(customers.id, customerId)))[0].projectQuota;

it("creates a customer, adds the partner to it, invites its first user there, and manages its quota", async () => {
  const suffix = unique("x").slice(2);
  const partnerName = `Partner ${suffix}`;
  const customerName = `Globex ${suffix}`;
  const customerId = `globex-${suffix}`;
  const inviteeEmail = `carla-${suffix}@example.test`;

  const context = await browser().newContext(DESKTOP);
  const page = await context.newPage();
  const { identifier: partner, email: partnerEmail } = await signUpViaUi(page, baseUrl, { fullName: "Pat Partner", accountName: partnerName });

  // Not a partner yet: no Administration in the settings menu.
  await page.getByLabel("Settings menu").click();
  expect(await page.getByTestId("settings-menu").getByRole("link", { name: "Administration" }).count()).toBe(0);

  // What `npm run admin -- make-partner` does.
  await setAccountKind(SYSTEM, partner, "partner");
  await page.reload();

  // Settings › Administration › Customers: nothing yet.
  await openAdministrationCustomers(page, partner);
  expect(await overview(page, "Customers")).toBe("0");
  expect(await page.getByText("No managed customers yet.").count()).toBe(1);

  // On the top of the table: name and identifier (suggested from the name), with the warning that it is final.
  const form = page.getByRole("form", { name: "New customer" });
  await form.getByLabel("Customer name").fill(customerName);
  await expect.poll(() => form.getByLabel("Customer identifier").inputValue()).toBe(customerId);
  expect(await form.getByText("The identifier can never be changed.").isVisible()).toBe(true);

  // Mistakes are answered next to the identifier, and what was typed stays.
  await form.getByLabel("Customer identifier").fill("9lobex");
  await form.getByRole("button", { name: "Create customer" }).click();
  await expect.poll(() => form.locator('[data-field-error="identifier"]').textContent()).toMatch(/must start with a letter/);
  expect(await form.getByLabel("Customer name").inputValue()).toBe(customerName);
  await form.getByLabel("Customer identifier").fill(partner);
  await form.getByRole("button", { name: "Create customer" }).click();
  await expect.poll(() => form.locator('[data-field-error="identifier"]').textContent()).toMatch(/already taken/);

  await form.getByLabel("Customer identifier").fill(customerId);
  await form.getByRole("button", { name: "Create customer" }).click();
  await expect.poll(() => form.getByRole("status").textContent()).toBe(`Customer ${customerName} (${customerId}) created.`);
  expect(await form.getByLabel("Customer name").inputValue()).toBe("");
  await expect.poll(() => customerRow(page, customerId).count()).toBe(1);
  expect(await overview(page, "Customers")).toBe("1");
  const [created] = await db.select().from(customers).where(eq(customers.identifier, customerId));
  const [partnerAccount] = await db.select().from(customers).where(eq(customers.identifier, partner));
  expect(created.parentId).toBe(partnerAccount.id);
  expect(await db.select().from(memberships).where(eq(memberships.customerId, created.id))).toHaveLength(0);

  // Its Users icon › Customer Users › Add Myself (top right).
  await page.getByRole("link", { name: `Users of ${customerName}` }).click();
  await page.waitForURL(`${baseUrl}/${partner}/admin/customers/${customerId}/users`);
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(customerName);
  expect(await page.getByText(`Identifier ${customerId}`).count()).toBe(1);
  expect(await page.getByText("No users yet.").count()).toBe(1);
  await page.getByRole("button", { name: "Add Myself" }).click();
  const done = page.getByTestId("add-myself-done");
  await expect.poll(() => done.getAttribute("role")).toBe("status");
  expect(await done.textContent()).toContain(`You are now a Customer Admin of ${customerName}.`);
  expect(await done.textContent()).toContain("account switcher at the top left");
  expect(await done.getByRole("link").getAttribute("href")).toBe(`/${customerId}/users`);
  await expect.poll(() => page.getByTestId("member-row").filter({ hasText: partnerEmail }).textContent()).toContain("Customer Admin");
  const [partnerUser] = await db.select().from(users).where(eq(users.email, partnerEmail));
  const [joined] = await db
    .select()
    .from(memberships)
    .where(and(eq(memberships.customerId, created.id), eq(memberships.userId, partnerUser.id)));
  expect(joined.group).toBe("customer_admin");
  // Coming back later, the page says so instead of offering the button again.
  await page.reload();
  expect(await page.getByRole("button", { name: "Add Myself" }).count()).toBe(0);
  expect(await done.textContent()).toContain(`You are a Customer Admin of ${customerName}.`);

  // The customer is now in the account switcher at the top left.
  await switchAccount(page, customerName, customerId);

  // Account › Users: invite the customer's first user.
  await page.getByLabel("Settings menu").click();
  await page.getByTestId("settings-menu").getByRole("link", { name: "Account › Users" }).click();
  await page.waitForURL(`${baseUrl}/${customerId}/users`);
  const invite = page.getByRole("form", { name: "Invite a person" });
  await invite.getByLabel("Full name", { exact: true }).fill("Carla Customer");
  await invite.getByLabel("E-mail", { exact: true }).fill(inviteeEmail);
  await invite.getByLabel("Group", { exact: true }).selectOption("customer_admin");
  await invite.getByRole("button", { name: "Invite", exact: true }).click();
  await expect.poll(() => invite.getByRole("status").textContent()).toBe(`Invitation sent to ${inviteeEmail}.`);

  // Back in the partner account's Administration the list counts them; Customer Users shows both.
  await switchAccount(page, partnerName, partner);
  await openAdministrationCustomers(page, partner);
  const row = customerRow(page, customerId);
  // What shows, not what is folded away for narrower screens.
  const cells = async () => (await row.locator("td").allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim());
  // A selection box, then name and identifier, parent (none: directly under the partner), groups (All only), users, pending invitations.
  expect((await cells()).slice(1, 6)).toEqual([`${customerName} ${customerId}`, "—", "All only", "1", "1"]);
  expect(await overview(page, "Users")).toBe("1");
  expect(await overview(page, "Pending invitations")).toBe("1");

  // Search looks at names, identifiers and members' e-mail addresses.
  const search = page.getByRole("searchbox", { name: "Search customers" });
  await search.fill(partnerEmail);
  await search.press("Enter");
  await page.waitForURL((url) => url.searchParams.get("q") === partnerEmail);
  await expect.poll(() => page.getByTestId("customer-row").count()).toBe(1);
  await search.fill("nothing-like-this");
  await search.press("Enter");
  await page.waitForURL((url) => url.searchParams.get("q") === "nothing-like-this");
  await expect.poll(() => page.getByText("Clear the search").count()).toBe(1);
  await page.getByRole("link", { name: "Clear the search" }).click();
  await expect.poll(() => customerRow(page, customerId).count()).toBe(1);

  await row.getByRole("link", { name: `Users of ${customerName}` }).click();
  await page.waitForURL(`${baseUrl}/${partner}/admin/customers/${customerId}/users`);
  const invitationRow = page.getByTestId("invitation-row").filter({ hasText: inviteeEmail });
  expect(await invitationRow.textContent()).toContain("Carla Customer");
  expect(await invitationRow.textContent()).toContain("Pat Partner");
  // The Partner Admin manages the customer's invitations from here too; removing its users stays inside the account.
  expect(await page.getByRole("button", { name: `Resend invitation to ${inviteeEmail}` }).count()).toBe(1);
  expect(await page.getByRole("button", { name: /^Remove/ }).count()).toBe(0);
  await screenshot(page, "admin-customer-users");

  // Quota icon: raise it from the default to 8.
  await page.getByRole("link", { name: "← Customers" }).click();
  await page.waitForURL(`${baseUrl}/${partner}/admin/customers`);
  await customerRow(page, customerId)
    .getByRole("link", { name: `Quota of ${customerName}` })
    .click();
  await page.waitForURL(`${baseUrl}/${partner}/admin/customers/${customerId}/quota`);
  const initialQuota = await quotaOf(created.id);
  expect(await page.getByTestId("quota-usage").textContent()).toBe(`0 of ${initialQuota} used`);
  const quotaField = page.getByRole("spinbutton", { name: "Project quota" });
  expect(await quotaField.inputValue()).toBe(String(initialQuota));
  await quotaField.fill("8");
  await page.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toBe(`The project quota of ${customerName} is now 8 projects.`);
  await expect.poll(() => page.getByTestId("quota-usage").textContent()).toBe("0 of 8 used");
  expect(await quotaOf(created.id)).toBe(8);

  // With 2 projects in use, lowering it to 1 is refused next to the field, naming both numbers; nothing changes.
  await createProject(as(partnerUser), customerId, { name: "Web Shop", identifier: "web-shop" });
  await createProject(as(partnerUser), customerId, { name: "Data Lake", identifier: "data-lake" });
  await page.reload();
  expect(await page.getByTestId("quota-usage").textContent()).toBe("2 of 8 used");
  await quotaField.fill("1");
  await page.getByRole("button", { name: "Save" }).click();
  const quotaError = page.locator('[data-field-error="quota"]');
  await expect
    .poll(() => quotaError.textContent())
    .toBe(`${customerName} already has 2 projects, so its quota can't be lowered to 1. Remove projects first, or choose 2 or more.`);
  expect(await quotaField.getAttribute("aria-invalid")).toBe("true");
  expect(await quotaField.inputValue()).toBe("1");
  expect(await quotaOf(created.id)).toBe(8);
  expect(await page.getByTestId("quota-usage").textContent()).toBe("2 of 8 used");
  await screenshot(page, "admin-customer-quota");
  // An empty field is a mistake too, not a quota of 0.
  await quotaField.fill("");
  await page.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => quotaError.textContent()).toBe("Enter a number of projects.");
  expect(await quotaOf(created.id)).toBe(8);

  // The list shows the use against the new quota.
  await page.getByRole("link", { name: "← Customers" }).click();
  await page.waitForURL(`${baseUrl}/${partner}/admin/customers`);
  expect(await customerRow(page, customerId).getByTestId("customer-quota").textContent()).toBe("2 / 8");
  await screenshot(page, "admin-customers");

  // On a phone the menu sits above the page, and the table scrolls inside its card.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(page, "admin-customers-phone");

  await context.close();
});

it("shows another partner's customers and an ordinary account's Administration to no one (404)", async () => {
  const first = await newAccount({ fullName: "Fiona First" });
  await setAccountKind(SYSTEM, first.customer.identifier, "partner");
  const managed = await createManagedCustomer(as(first.user), first.customer.identifier, { name: "First's Customer", identifier: unique("firstc") });

  // A second partner, in a browser of its own, can't open the first partner's customer through its own Administration.
  const second = await browser().newContext(DESKTOP);
  const secondPage = await second.newPage();
  const { identifier: secondPartner } = await signUpViaUi(secondPage, baseUrl, { fullName: "Sam Second" });
  await setAccountKind(SYSTEM, secondPartner, "partner");
  for (const view of ["users", "quota"]) {
    const response = await secondPage.goto(`${baseUrl}/${secondPartner}/admin/customers/${managed.identifier}/${view}`);
    expect(response?.status(), view).toBe(404);
    expect(await secondPage.getByRole("heading", { level: 1 }).textContent()).toBe("Not found, or no access");
  }
  // Nor through the first partner's URL, nor as a member of the customer itself.
  expect((await secondPage.goto(`${baseUrl}/${first.customer.identifier}/admin/customers`))?.status()).toBe(404);
  expect((await secondPage.goto(`${baseUrl}/${managed.identifier}`))?.status()).toBe(404);
  await secondPage.goto(`${baseUrl}/${secondPartner}/admin/customers`);
  expect(await secondPage.getByTestId("customer-row").count()).toBe(0);
  expect(await secondPage.getByText("No managed customers yet.").count()).toBe(1);

  // A member of an ordinary customer account has no Administration: not in the menu, and 404 by URL.
  const ordinary = await browser().newContext(DESKTOP);
  const ordinaryPage = await ordinary.newPage();
  const { identifier: ordinaryAccount } = await signUpViaUi(ordinaryPage, baseUrl, { fullName: "Olli Ordinary" });
  await ordinaryPage.getByLabel("Settings menu").click();
  expect(await ordinaryPage.getByTestId("settings-menu").getByRole("link", { name: "Administration" }).count()).toBe(0);
  for (const path of ["admin/customers", "admin", `admin/customers/${managed.identifier}/users`]) {
    const response = await ordinaryPage.goto(`${baseUrl}/${ordinaryAccount}/${path}`);
    expect(response?.status(), path).toBe(404);
    expect(await ordinaryPage.getByRole("heading", { level: 1 }).textContent()).toBe("Not found, or no access");
  }
  // Even as a member of a managed customer: that account is a customer, not a partner.
  await addMember(
    (
      await db
        .select()
        .from(users)
        .where(eq(users.email, `${ordinaryAccount}@example.test`))
    )[0].id,
    managed.id,
    "customer_admin",
  );
  expect((await ordinaryPage.goto(`${baseUrl}/${managed.identifier}/admin/customers`))?.status()).toBe(404);

  await second.close();
  await ordinary.close();
});

it("shows a Partner Employee everything read-only, and the server refuses what the UI hides", async () => {
  const owner = await newAccount({ fullName: "Paula Partner" });
  const partner = owner.customer.identifier;
  await setAccountKind(SYSTEM, partner, "partner");
  const managed = await createManagedCustomer(as(owner.user), partner, { name: "Initech", identifier: unique("initech") });
  const employee = await newUser("Emil Employee");
  await addMember(employee.id, owner.customer.id, "partner_employee");
  const quotaUrl = `${baseUrl}/${partner}/admin/customers/${managed.identifier}/quota`;

  const employeeContext = await browser().newContext(DESKTOP);
  const employeePage = await employeeContext.newPage();
  await signInViaUi(employeePage, baseUrl, employee.email, PASSWORD);
  await employeePage.goto(`${baseUrl}/${partner}/admin/customers`);
  expect(await customerRow(employeePage, managed.identifier).count()).toBe(1);
  expect(await employeePage.getByRole("button", { name: "Create customer" }).count()).toBe(0);
  expect(await employeePage.getByText("Only Partner Admins can create customers").count()).toBe(1);
  await employeePage.goto(`${baseUrl}/${partner}/admin/customers/${managed.identifier}/users`);
  expect(await employeePage.getByRole("heading", { level: 1 }).textContent()).toBe("Initech");
  expect(await employeePage.getByRole("button", { name: "Add Myself" }).count()).toBe(0);
  await employeePage.goto(quotaUrl);
  expect(await employeePage.getByTestId("project-quota").textContent()).toBe("5");
  expect(await employeePage.getByRole("spinbutton", { name: "Project quota" }).count()).toBe(0);
  expect(await employeePage.getByRole("button", { name: "Save" }).count()).toBe(0);

  // The Partner Admin's quota form, posted like a browser without JavaScript, reaches the action...
  const adminContext = await browser().newContext(DESKTOP);
  const adminPage = await adminContext.newPage();
  await signInViaUi(adminPage, baseUrl, owner.user.email, PASSWORD);
  await adminPage.goto(quotaUrl);
  const actionFields = await serverActionFields(adminPage, "quota");
  expect(actionFields.some(([name]) => name.startsWith("$ACTION_"))).toBe(true);
  const quotaPost = (quota: number): [string, string][] => [...actionFields, ["account", partner], ["customer", managed.identifier], ["quota", String(quota)]];
  expect(await postForm(adminPage, quotaPost(7))).toBeLessThan(500);
  expect(await quotaOf(managed.id)).toBe(7);
  // ...and the same post from the employee changes nothing; neither does Add Myself called directly.
  expect(await postForm(employeePage, quotaPost(42))).toBeLessThan(500);
  expect(await quotaOf(managed.id)).toBe(7);
  await expect(addMyself(as(employee), partner, managed.identifier)).rejects.toThrow(/permission/);
  expect(await db.select().from(memberships).where(eq(memberships.customerId, managed.id))).toHaveLength(0);

  await employeeContext.close();
  await adminContext.close();
});

it("pages through many customers with keyset links that keep the search and the sort", async () => {
  const owner = await newAccount({ fullName: "Paula Partner" });
  const partner = owner.customer.identifier;
  await setAccountKind(SYSTEM, partner, "partner");
  const tag = unique("m").slice(2, 8);
  const created = [];
  for (let i = 1; i <= 27; i++)
    created.push(
      await createManagedCustomer(as(owner.user), partner, {
        name: `Customer ${String(i).padStart(2, "0")}`,
        identifier: `c${tag}-${String(i).padStart(2, "0")}`,
      }),
    );
  // One customer at its quota, one near it (4 of 5).
  const [full, near] = [created[0], created[1]];
  await addMyself(as(owner.user), partner, full.identifier);
  await addMyself(as(owner.user), partner, near.identifier);
  await setCustomerQuota(as(owner.user), full.identifier, 1);
  await createProject(as(owner.user), full.identifier, { name: "Only", identifier: "only" });
  for (const n of [1, 2, 3, 4]) await createProject(as(owner.user), near.identifier, { name: `P${n}`, identifier: `p-${n}` });

  const context = await browser().newContext(DESKTOP);
  const page = await context.newPage();
  await signInViaUi(page, baseUrl, owner.user.email, PASSWORD);
  const list = `${baseUrl}/${partner}/admin/customers`;
  await page.goto(list);
  expect(await overview(page, "Customers")).toBe("27");
  expect(await overview(page, "At quota")).toBe("1");
  expect(await overview(page, "Near quota")).toBe("1");
  // The first cell is the row's selection box; the name comes next.
  const names = () => page.getByTestId("customer-row").getByTestId("customer-name").allTextContents();

  expect(await names()).toHaveLength(25);
  expect((await names())[0]).toBe("Customer 01");
  expect(await page.getByRole("link", { name: "Previous" }).count()).toBe(0);
  await page.getByRole("link", { name: "Next" }).click();
  await page.waitForURL((url) => url.searchParams.has("after"));
  await expect.poll(names).toEqual(["Customer 26", "Customer 27"]);
  expect(await page.getByRole("link", { name: "Next" }).count()).toBe(0);
  await page.getByRole("link", { name: "Previous" }).click();
  await page.waitForURL((url) => url.searchParams.has("before"));
  await expect.poll(async () => (await names()).length).toBe(25);
  expect((await names())[0]).toBe("Customer 01");
  expect((await names())[24]).toBe("Customer 25");

  // Sort by identifier (its column heading, twice: ascending, then descending); the next page keeps search and sort.
  await page.getByRole("searchbox").fill(`c${tag}`);
  await page.getByRole("searchbox").press("Enter");
  await page.waitForURL((url) => url.searchParams.get("q") === `c${tag}`);
  const identifierHeading = page.getByRole("columnheader", { name: "Identifier" });
  await identifierHeading.getByRole("link", { name: /^Identifier/ }).click();
  await page.waitForURL((url) => url.searchParams.get("sort") === "identifier" && !url.searchParams.has("dir"));
  expect(await identifierHeading.getAttribute("aria-sort")).toBe("ascending");
  await identifierHeading.getByRole("link", { name: /^Identifier/ }).click();
  await page.waitForURL((url) => url.searchParams.get("sort") === "identifier" && url.searchParams.get("dir") === "desc");
  await expect.poll(() => identifierHeading.getAttribute("aria-sort")).toBe("descending");
  expect(new URL(page.url()).searchParams.get("q")).toBe(`c${tag}`);
  await expect.poll(async () => (await names())[0]).toBe("Customer 27");
  await page.getByRole("link", { name: "Next" }).click();
  await page.waitForURL((url) => url.searchParams.has("after"));
  const url = new URL(page.url());
  expect([url.searchParams.get("q"), url.searchParams.get("sort"), url.searchParams.get("dir")]).toEqual([`c${tag}`, "identifier", "desc"]);
  await expect.poll(names).toEqual(["Customer 02", "Customer 01"]);
  // The at-quota customer's bar is full and red.
  expect(await customerRow(page, full.identifier).getByTestId("customer-quota").textContent()).toBe("1 / 1");

  await context.close();
});
