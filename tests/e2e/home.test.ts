// The home page people land on: a new customer account's first steps (gone once done), its projects against the quota,
// its people and recent activity; a partner's customers in numbers and what needs attention.
import { eq, sql } from "drizzle-orm";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { customers } from "@/db/schema";
import { inviteMember } from "@/lib/invitations";
import { createManagedCustomer, setAccountKind } from "@/lib/partners";
import { createProject } from "@/lib/projects";
import { DESKTOP, PHONE, screenshot, useBrowser } from "../support/browser";
import { signInViaUi } from "../support/e2e";
import { PASSWORD, SYSTEM, as, newAccount, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

it("shows a new account its first steps until they are done, with its projects, people and activity", async () => {
  const account = await newAccount({ fullName: "Hana Home", accountName: `Homestead ${unique("h").slice(2, 8)}` });
  const page = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(page, baseUrl, account.user.email, PASSWORD);
  await page.goto(`${baseUrl}/${account.customer.identifier}`);
  const steps = page.getByTestId("first-steps");
  expect(await steps.getByRole("link").allTextContents()).toEqual(["Invite someone", "Create a project", "Complete the billing details"]);

  // Two steps done: they show as done, the third is still a link.
  await createProject(as(account.user), account.customer.identifier, { name: "Storefront", identifier: "storefront" });
  await inviteMember(as(account.user), account.customer.identifier, {
    fullName: "Ivan Invitee",
    email: `${unique("iv")}@example.test`,
    group: "customer_employee",
  });
  await page.reload();
  expect(await steps.getByRole("link").allTextContents()).toEqual(["Complete the billing details"]);
  expect(await page.getByRole("link", { name: /Storefront/ }).count()).toBe(1);
  expect(await page.getByTestId("audit-row").count()).toBeGreaterThan(0);
  await screenshot(page, "home-customer-laptop");
  const phone = await (await browser().newContext(PHONE)).newPage();
  await signInViaUi(phone, baseUrl, account.user.email, PASSWORD);
  await phone.goto(`${baseUrl}/${account.customer.identifier}`);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await screenshot(phone, "home-customer-phone");

  await db
    .update(customers)
    .set({ taxId: "DE123456789", billingStreet: "Main St 1", billingPostalCode: "10115", billingCity: "Berlin", billingCountry: "DE" })
    .where(eq(customers.id, account.customer.id));
  await page.reload();
  expect(await page.getByTestId("first-steps").count()).toBe(0);

  // The Activity log in sentences, on a laptop and a phone.
  await page.goto(`${baseUrl}/${account.customer.identifier}/activity`);
  expect(await page.getByTestId("audit-row").filter({ hasText: "created the project Storefront (storefront)" }).count()).toBe(1);
  await screenshot(page, "activity-laptop");
  await phone.goto(`${baseUrl}/${account.customer.identifier}/activity`);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await screenshot(phone, "activity-phone");
});

it("shows a partner its customers in numbers and what needs attention", async () => {
  const tag = unique("p").slice(2, 8);
  const owner = await newAccount({ fullName: "Pia Partner", accountName: `Home Partner ${tag}` });
  const partner = (await setAccountKind(SYSTEM, owner.customer.identifier, "partner")).identifier;
  const full = await createManagedCustomer(as(owner.user), partner, { name: `Full ${tag}`, identifier: `full-${tag}` });
  await createManagedCustomer(as(owner.user), partner, { name: `Roomy ${tag}`, identifier: `roomy-${tag}` });
  await db.update(customers).set({ projectQuota: 0 }).where(eq(customers.id, full.id));
  const { invitation } = await inviteMember(SYSTEM, full.identifier, { fullName: "Nobody", email: `${unique("nx")}@example.test`, group: "customer_employee" });
  // The test server's worker sends the e-mail meanwhile: once it has (a status it no longer changes), it is made to
  // have failed, so the worker can't record "sent" over it afterwards.
  const settled = async () =>
    ((await db.execute(sql`select status from outbound_emails where invitation_id = ${invitation.id}`)) as unknown as { status: string }[])[0]?.status;
  await expect.poll(settled, { timeout: 30_000 }).toMatch(/^(sent|failed)$/);
  await db.execute(sql`update outbound_emails set status = 'failed' where invitation_id = ${invitation.id}`);

  const page = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(page, baseUrl, owner.user.email, PASSWORD);
  await page.goto(`${baseUrl}/${partner}`);
  const stats = await page.getByTestId("home-stat").allTextContents();
  expect(stats.slice(0, 4)).toEqual(["2", "0", "1", "1"]);
  expect(await page.getByTestId("needs-attention").textContent()).toContain("1 customer is at quota");
  expect(await page.getByTestId("needs-attention").textContent()).toContain("1 invitation to a customer could not be delivered");
  await page.getByRole("link", { name: "1 customer is at quota" }).click();
  await page.waitForURL((url) => url.pathname === `/${partner}/admin/customers` && url.searchParams.get("quota") === "at");
  await page.goBack();
  await screenshot(page, "home-partner-laptop");
  const phone = await (await browser().newContext(PHONE)).newPage();
  await signInViaUi(phone, baseUrl, owner.user.email, PASSWORD);
  await phone.goto(`${baseUrl}/${partner}`);
  await screenshot(phone, "home-partner-phone");
});
