// A partner makes a customer self-managed and invites its admin; that admin opens the Administration area of their own
// account, creates sub-customers (from the Customers list and from a customer's Sub-customers tab) and invites a user
// into one, while what the partner keeps (quotas, self-management) stays out of their reach. The account switcher shows
// where each account sits. Screenshots of the tab (laptop and phone) and of the switcher are taken to be looked at.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { and, eq, isNull } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { customers, invitations } from "@/db/schema";
import { setAccountKind } from "@/lib/partners";
import { DESKTOP, useBrowser } from "../support/browser";
import { countSentMails, operatorPage, signUpViaUi } from "../support/e2e";
import { SYSTEM, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

// Beside the other browser tests' screenshots, unless SHOTS_DIR says where to keep them.
const SHOTS = path.resolve(process.env.SHOTS_DIR ?? "test-results");
async function shot(page: Page, name: string, fullPage = true) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage });
}

const byIdentifier = async (identifier: string) => (await db.select().from(customers).where(eq(customers.identifier, identifier)))[0];

async function createCustomer(page: Page, formName: string, name: string, identifier: string) {
  const form = page.getByRole("form", { name: formName });
  await form.getByRole("textbox", { name: /name$/ }).fill(name);
  await form.getByRole("textbox", { name: /identifier$/ }).fill(identifier);
  await form.getByRole("button", { name: /^Create / }).click();
  await expect.poll(() => form.getByRole("status").textContent()).toBe(`Customer ${name} (${identifier}) created.`);
}

async function invite(page: Page, fullName: string, email: string, group: "customer_admin" | "customer_employee") {
  const form = page.getByRole("form", { name: "Invite a person" });
  await form.getByLabel("Full name", { exact: true }).fill(fullName);
  await form.getByLabel("E-mail", { exact: true }).fill(email);
  await form.getByLabel("Group", { exact: true }).selectOption(group);
  await form.getByRole("button", { name: "Invite", exact: true }).click();
  await expect.poll(() => form.getByRole("status").textContent()).toBe(`Invitation sent to ${email}.`);
}

async function addMyself(page: Page) {
  await page.getByRole("button", { name: "Add Myself" }).click();
  await expect.poll(() => page.getByTestId("add-myself-done").count()).toBe(1);
}

let mailbox: Page | undefined;
async function acceptLink(email: string): Promise<string> {
  mailbox ??= await operatorPage(browser(), baseUrl);
  await expect.poll(() => countSentMails(mailbox!, baseUrl, email), { timeout: 30_000, interval: 500 }).toBeGreaterThan(0);
  await mailbox.getByTestId("mailbox-row").filter({ hasText: email }).first().getByRole("link").click();
  const text = (await mailbox.getByTestId("mail-text").textContent()) ?? "";
  const link = text.match(/https?:\/\/[^\s\])>]+\/invitations\/[A-Za-z0-9_-]+/)?.[0];
  expect(link, `no accept link in:\n${text}`).toBeTruthy();
  return link!;
}

it("a self-managed customer's admin manages its sub-customers from their own Administration area", async () => {
  const suffix = unique("x").slice(2);
  const partnerName = `Northwind ${suffix}`;
  const globex = { name: `Globex ${suffix}`, identifier: `globex-${suffix}` };
  const initech = { name: `Initech ${suffix}`, identifier: `initech-${suffix}` };
  const labs = { name: `Initech Labs ${suffix}`, identifier: `labs-${suffix}` };
  const carlaEmail = `carla-${suffix}@example.test`;
  const ullaEmail = `ulla-${suffix}@example.test`;

  // The partner creates Globex and opens its Sub-customers tab: not self-managed yet.
  const partnerPage = await (await browser().newContext(DESKTOP)).newPage();
  const { identifier: partner } = await signUpViaUi(partnerPage, baseUrl, { fullName: "Pat Partner", accountName: partnerName });
  await setAccountKind(SYSTEM, partner, "partner");
  await partnerPage.goto(`${baseUrl}/${partner}/admin/customers`);
  await createCustomer(partnerPage, "New customer", globex.name, globex.identifier);
  const globexTab = `${baseUrl}/${partner}/admin/customers/${globex.identifier}/sub-customers`;
  await partnerPage.goto(globexTab);
  expect(await partnerPage.getByRole("heading", { level: 1 }).textContent()).toBe(globex.name);
  const section = partnerPage.getByTestId("self-managed");
  expect(await section.textContent()).toContain("Not self-managed.");
  expect(await partnerPage.getByText(`${globex.name} has no sub-customers yet.`).count()).toBe(1);

  // Turning it on asks first; cancelling changes nothing.
  await section.getByRole("button", { name: "Make self-managed" }).click();
  const dialog = partnerPage.getByRole("dialog");
  expect(await dialog.textContent()).toContain("Quotas and this setting stay yours.");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  expect((await byIdentifier(globex.identifier)).selfManaged).toBe(false);
  await section.getByRole("button", { name: "Make self-managed" }).click();
  await dialog.getByRole("button", { name: "Make self-managed" }).click();
  await expect.poll(() => section.getByRole("status").textContent()).toMatch(/is now self-managed/);
  await expect.poll(() => section.textContent()).toContain("Self-managed. The Customer Admins");
  expect((await byIdentifier(globex.identifier)).selfManaged).toBe(true);

  // Add Myself, then invite Globex's admin from its own Users page.
  await partnerPage.goto(`${baseUrl}/${partner}/admin/customers/${globex.identifier}/users`);
  await addMyself(partnerPage);
  await partnerPage.goto(`${baseUrl}/${globex.identifier}/users`);
  await invite(partnerPage, "Carla Customer", carlaEmail, "customer_admin");

  // Carla joins from the e-mailed link and finds Administration in her own account's navigation.
  const carla = await (await browser().newContext(DESKTOP)).newPage();
  await carla.goto(await acceptLink(carlaEmail));
  await carla.getByLabel("Password").fill("carla-passphrase-2024");
  await carla.getByRole("button", { name: `Create account and join ${globex.name}` }).click();
  await carla.waitForURL(`${baseUrl}/${globex.identifier}`);
  await carla.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Administration" }).click();
  await carla.waitForURL(`${baseUrl}/${globex.identifier}/admin/customers`);

  // A sub-customer directly under Globex from the Customers list, and one under it from its Sub-customers tab.
  await createCustomer(carla, "New customer", initech.name, initech.identifier);
  expect((await byIdentifier(initech.identifier)).parentId).toBe((await byIdentifier(globex.identifier)).id);
  const initechTab = `${baseUrl}/${globex.identifier}/admin/customers/${initech.identifier}/sub-customers`;
  await carla.goto(initechTab);
  // The partner's switch is not hers; the tab says what Initech is.
  expect(await carla.getByTestId("self-managed").getByRole("button").count()).toBe(0);
  expect(await carla.getByTestId("self-managed").textContent()).toContain("Not self-managed.");
  expect(await carla.getByTestId("customer-path").textContent()).toBe(`${globex.name}›${initech.name}`);
  await createCustomer(carla, "New sub-customer", labs.name, labs.identifier);
  const labsRow = carla.getByTestId("sub-customer-row").filter({ hasText: labs.identifier });
  await expect.poll(() => labsRow.count()).toBe(1);
  expect(await labsRow.getByRole("link", { name: labs.name, exact: true }).getAttribute("href")).toBe(
    `/${globex.identifier}/admin/customers/${labs.identifier}`,
  );
  expect(await carla.getByRole("link", { name: "See its whole subtree →" }).getAttribute("href")).toBe(
    `/${globex.identifier}/admin/customers?parent=${initech.identifier}`,
  );
  const labsRecord = await byIdentifier(labs.identifier);
  expect(labsRecord.path).toEqual([(await byIdentifier(partner)).id, (await byIdentifier(globex.identifier)).id, (await byIdentifier(initech.identifier)).id]);
  await shot(carla, "sub-customers-tab-self-managed-admin");

  // The quota is the partner's to set.
  await carla.goto(`${baseUrl}/${globex.identifier}/admin/customers/${initech.identifier}/quota`);
  expect(await carla.getByText("Only Partner Admins can change it.").count()).toBe(1);
  expect(await carla.getByRole("spinbutton", { name: "Project quota" }).count()).toBe(0);

  // A user into Initech: Add Myself there, then invite from Initech's own Users page.
  await carla.goto(`${baseUrl}/${globex.identifier}/admin/customers/${initech.identifier}/users`);
  await addMyself(carla);
  await carla.goto(`${baseUrl}/${initech.identifier}/users`);
  await invite(carla, "Ulla User", ullaEmail, "customer_employee");
  const pending = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.email, ullaEmail), isNull(invitations.acceptedAt)));
  expect(pending.map((i) => i.customerId)).toEqual([(await byIdentifier(initech.identifier)).id]);

  // Initech isn't self-managed: its admin (Carla, there by Add Myself) has no Administration in it.
  expect(await carla.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Administration" }).count()).toBe(0);
  expect((await carla.goto(`${baseUrl}/${initech.identifier}/admin/customers`))?.status()).toBe(404);

  // The switcher says where each of her accounts sits.
  await carla.goto(`${baseUrl}/${initech.identifier}`);
  const switcher = carla.getByTestId("account-switcher");
  expect(await switcher.locator("summary").getAttribute("aria-label")).toBe(
    `Current account: ${initech.name}, under ${partnerName} › ${globex.name}. Switch account`,
  );
  await switcher.locator("summary").click();
  const entry = (identifier: string) => switcher.getByRole("link").filter({ hasText: identifier });
  expect(await entry(initech.identifier).getByTestId("account-trail").textContent()).toBe(`Under ${partnerName} › ${globex.name} ›`);
  expect(await entry(globex.identifier).getByTestId("account-trail").textContent()).toBe(`Under ${partnerName} ›`);
  await shot(carla, "account-switcher", false);

  // The partner sees the new sub-customers in Globex's tab, and on a phone.
  await partnerPage.goto(globexTab);
  await expect.poll(() => partnerPage.getByRole("link", { name: `1 sub-customer of ${initech.name}` }).count()).toBe(1);
  await shot(partnerPage, "sub-customers-tab-partner");
  const phone = await (await browser().newContext({ viewport: { width: 375, height: 800 } })).newPage();
  await phone.context().addCookies(await partnerPage.context().cookies());
  await phone.goto(globexTab);
  await shot(phone, "sub-customers-tab-phone");
});
