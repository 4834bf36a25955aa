// A Partner Admin opens a customer's details page from Administration › Customers: walks its tabs, edits its details
// and picks one of its projects as home page, invites its first user from the Users tab without joining it, and renames
// them. The invited user joins from the e-mailed link and, then and after every sign-in, lands on that project.
import { and, eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { auditEvents, customers, invitations, memberships, users } from "@/db/schema";
import { setAccountKind } from "@/lib/partners";
import { createProject } from "@/lib/projects";
import { DESKTOP, screenshot, useBrowser } from "../support/browser";
import { countSentMails, operatorPage, signInViaUi, signUpViaUi } from "../support/e2e";
import { SYSTEM, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

/** The invitation link from the dev mailbox, once the worker has delivered the e-mail. */
async function invitationLink(email: string): Promise<string> {
  const mailbox = await operatorPage(browser(), baseUrl);
  await expect.poll(() => countSentMails(mailbox, baseUrl, email), { timeout: 30_000, interval: 500 }).toBeGreaterThan(0);
  await mailbox.getByTestId("mailbox-row").filter({ hasText: email }).first().getByRole("link").click();
  const text = (await mailbox.getByTestId("mail-text").textContent()) ?? "";
  const link = text.match(/https?:\/\/[^\s\])>]+\/invitations\/[A-Za-z0-9_-]+/)?.[0];
  expect(link, `no accept link in:\n${text}`).toBeTruthy();
  await mailbox.context().close();
  return link!;
}

const tabs = (page: Page, name: string) => page.getByRole("navigation", { name: `Views of ${name}` });

async function openTab(page: Page, customerName: string, label: string, url: string) {
  await tabs(page, customerName).getByRole("link", { name: label, exact: true }).click();
  await page.waitForURL(url);
  expect(await tabs(page, customerName).getByRole("link", { name: label, exact: true }).getAttribute("aria-current")).toBe("page");
}

it("edits a customer from its details page, invites its first user, and that user lands on the chosen home page", async () => {
  const suffix = unique("x").slice(2);
  const customerName = `Globex ${suffix}`;
  const customerId = `globex-${suffix}`;
  const inviteeEmail = `hank-${suffix}@example.test`;

  const context = await browser().newContext(DESKTOP);
  const page = await context.newPage();
  const { identifier: partner } = await signUpViaUi(page, baseUrl, { fullName: "Pat Partner" });
  await setAccountKind(SYSTEM, partner, "partner");

  // Create the customer with the form on top of the list.
  const list = `${baseUrl}/${partner}/admin/customers`;
  await page.goto(list);
  const form = page.getByRole("form", { name: "New customer" });
  await form.getByLabel("Customer name").fill(customerName);
  await expect.poll(() => form.getByLabel("Customer identifier").inputValue()).toBe(customerId);
  await form.getByRole("button", { name: "Create customer" }).click();
  await expect.poll(() => form.getByRole("status").textContent()).toBe(`Customer ${customerName} (${customerId}) created.`);
  // One of its projects, to be its home page (the partner is no member of it).
  const project = await createProject(SYSTEM, customerId, { name: "Web Shop", identifier: "web-shop" });

  // The customer's own address opens its Details tab.
  const base = `${list}/${customerId}`;
  await page.goto(base);
  await page.waitForURL(`${base}/details`);
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(customerName);
  const nav = tabs(page, customerName);
  expect(await nav.getByRole("link").allTextContents()).toEqual(["Details", "Users", "Projects", "Sub-customers", "Groups", "Activity", "Quota"]);
  expect(await nav.getByRole("link", { name: "Sub-customers" }).getAttribute("href")).toBe(`/${partner}/admin/customers/${customerId}/sub-customers`);
  expect(await nav.getByRole("link", { name: "Groups" }).getAttribute("href")).toBe(`/${partner}/admin/customers/${customerId}/groups`);

  // The identifier is shown, read-only, with its warning.
  const details = page.getByRole("form", { name: "Customer details" });
  expect(await details.getByTestId("identifier").inputValue()).toBe(customerId);
  expect(await details.getByTestId("identifier").isEditable()).toBe(false);
  expect(await details.getByText("It can never be changed.").count()).toBe(1);

  // A bad e-mail is answered next to its field; nothing is saved and what was typed stays.
  await details.getByLabel("Name", { exact: true }).fill(`${customerName} Corp`);
  await details.getByLabel("Description (optional)").fill("Makes everything.");
  await details.getByLabel("Contact e-mail").fill("not-an-address");
  await details.getByRole("button", { name: "Save details" }).click();
  await expect.poll(() => details.locator('[data-field-error="contactEmail"]').textContent()).toBe("That doesn't look like an e-mail address.");
  expect(await details.getByLabel("Contact e-mail").getAttribute("aria-invalid")).toBe("true");
  expect(await details.getByLabel("Name", { exact: true }).inputValue()).toBe(`${customerName} Corp`);
  const row = async () => (await db.select().from(customers).where(eq(customers.identifier, customerId)))[0];
  expect((await row()).name).toBe(customerName);

  await details.getByLabel("Contact e-mail").fill("office@globex.test");
  await details.getByLabel("Contact phone").fill("+1 555 0100");
  await details.getByLabel("Address line 1").fill("1 Globex Way");
  await details.getByLabel("Postal code").fill("97000");
  await details.getByLabel("City").fill("Cypress Creek");
  await details.getByLabel("State or region").fill("Oregon");
  await details.getByLabel("Country").fill("United States");
  await details.getByLabel("Users land on").selectOption({ label: "Project Web Shop (web-shop)" });
  await details.getByRole("button", { name: "Save details" }).click();
  await expect.poll(() => details.getByRole("status").textContent()).toBe(`The details of ${customerName} Corp are saved.`);
  const saved = await row();
  expect([saved.name, saved.contactEmail, saved.city, saved.homeProjectId]).toEqual([
    `${customerName} Corp`,
    "office@globex.test",
    "Cypress Creek",
    project.id,
  ]);
  const newName = `${customerName} Corp`;
  await page.reload();
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(newName);
  expect(await details.getByLabel("Users land on").inputValue()).toBe(project.id);
  await screenshot(page, "customer-details");

  // Projects: the one project, marked as the home page.
  await openTab(page, newName, "Projects", `${base}/projects`);
  const projectRow = page.getByTestId("project-row").filter({ hasText: "web-shop" });
  expect(await projectRow.textContent()).toContain("home page");

  // Users: invite the first user from here, without Add Myself.
  await openTab(page, newName, "Users", `${base}/users`);
  expect(await page.getByRole("button", { name: "Add Myself" }).count()).toBe(1);
  const invite = page.getByRole("form", { name: "Invite a person" });
  await invite.getByLabel("Full name", { exact: true }).fill("Hank Scorpio");
  await invite.getByLabel("E-mail", { exact: true }).fill(inviteeEmail);
  expect(await invite.getByLabel("Group", { exact: true }).inputValue()).toBe("customer_admin");
  await invite.getByRole("button", { name: "Invite", exact: true }).click();
  await expect.poll(() => invite.getByRole("status").textContent()).toBe(`Invitation sent to ${inviteeEmail}.`);
  const invitationRow = page.getByTestId("invitation-row").filter({ hasText: inviteeEmail });
  await expect.poll(() => invitationRow.textContent()).toContain("Pat Partner");
  const [partnerUser] = await db
    .select()
    .from(users)
    .where(eq(users.email, `${partner}@example.test`));
  const [invited] = await db.select().from(invitations).where(eq(invitations.email, inviteeEmail));
  expect(invited.invitedBy).toBe(partnerUser.id);

  // Activity: the edit and the invitation, by the partner user.
  await openTab(page, newName, "Activity", `${base}/activity`);
  await expect.poll(() => page.getByTestId("audit-row").filter({ hasText: "updated the details of" }).count()).toBe(1);
  expect(
    await page
      .getByTestId("audit-row")
      .filter({ hasText: `invited Hank Scorpio <${inviteeEmail}>` })
      .textContent(),
  ).toContain("Pat Partner");

  await openTab(page, newName, "Quota", `${base}/quota`);
  await openTab(page, newName, "Details", `${base}/details`);

  // The invitee signs up from the e-mailed link and lands on the home project.
  const link = await invitationLink(inviteeEmail);
  const inviteeContext = await browser().newContext(DESKTOP);
  const invitee = await inviteeContext.newPage();
  await invitee.goto(link);
  await invitee.getByLabel("Password").fill("hank-passphrase-2024");
  await invitee.getByRole("button", { name: `Create account and join ${newName}` }).click();
  await invitee.waitForURL(`${baseUrl}/${customerId}/projects/web-shop`);
  await inviteeContext.close();

  // The partner renames them and changes their group from the Users tab: one save per row takes both, and the
  // message names each change.
  await openTab(page, newName, "Users", `${base}/users`);
  // Hank is the customer's only admin: the partner adds themself first, so Hank may leave the admin group.
  await page.getByRole("button", { name: "Add Myself" }).click();
  await expect.poll(() => page.getByRole("status").filter({ hasText: "You are now" }).count()).toBe(1);
  const nameField = page.getByLabel(`Name of ${inviteeEmail}`, { exact: true });
  expect(await nameField.inputValue()).toBe("Hank Scorpio");
  expect(await page.getByRole("button", { name: `Save changes to ${inviteeEmail}` }).count()).toBe(1);
  await page.getByLabel(`Group of ${inviteeEmail}`, { exact: true }).selectOption("customer_reader");
  await nameField.fill("Hank Scorpio Jr.");
  await page.getByRole("button", { name: `Save changes to ${inviteeEmail}` }).click();
  await expect
    .poll(() => page.getByRole("status").filter({ hasText: "Saved" }).textContent())
    .toBe(`Saved ${inviteeEmail}: name changed to “Hank Scorpio Jr.” and group changed from Customer Admin to Customer Reader.`);
  const [hank] = await db.select().from(users).where(eq(users.email, inviteeEmail));
  expect(hank.name).toBe("Hank Scorpio Jr.");
  const [hankIn] = await db.select().from(memberships).where(eq(memberships.userId, hank.id));
  expect(hankIn.group).toBe("customer_reader");
  await screenshot(page, "customer-user-row-saved");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByLabel(`Group of ${inviteeEmail}`, { exact: true }).selectOption("customer_admin");
  await page.getByRole("button", { name: `Save changes to ${inviteeEmail}` }).click();
  await expect
    .poll(() => page.getByRole("status").filter({ hasText: "Saved" }).textContent())
    .toBe(`Saved ${inviteeEmail}: group changed from Customer Reader to Customer Admin.`);
  await screenshot(page, "customer-user-row-phone");
  await page.setViewportSize(DESKTOP.viewport);
  const renamed = await db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, "member.renamed"), eq(auditEvents.targetId, hank.id)));
  expect(renamed.map((e) => e.actorId)).toEqual([partnerUser.id]);
  await screenshot(page, "customer-users");

  // Signing in again, they land on the home project too.
  const againContext = await browser().newContext(DESKTOP);
  const again = await againContext.newPage();
  await signInViaUi(again, baseUrl, inviteeEmail, "hank-passphrase-2024");
  await again.waitForURL(`${baseUrl}/${customerId}/projects/web-shop`);
  expect(await again.getByRole("heading", { level: 1 }).textContent()).toContain("Web Shop");
  // Their own Settings show the same details form, without name and identifier (those are above it).
  await again.goto(`${baseUrl}/${customerId}/settings`);
  const own = again.getByRole("form", { name: "Customer details" });
  expect(await own.getByLabel("Contact e-mail").inputValue()).toBe("office@globex.test");
  expect(await own.getByLabel("Name", { exact: true }).count()).toBe(0);
  await againContext.close();

  // On a phone the details page fits the screen.
  await page.setViewportSize({ width: 375, height: 812 });
  await page.goto(`${base}/details`);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
  await screenshot(page, "customer-details-phone");
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${base}/users`);
  await screenshot(page, "customer-users-desktop");
  await context.close();
});
