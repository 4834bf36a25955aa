// An admin invites people from Account › Users; the invitee follows the e-mailed link, signs up and joins; the admin
// changes their group and removes them. The server refuses what the UI hides from an employee.
import { and, eq, isNull } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { customers, invitations, memberships, users } from "@/db/schema";
import { acceptInvitation, acceptInvitationWithSignUp, inviteMember, revokeInvitation } from "@/lib/invitations";
import { DESKTOP, screenshot, useBrowser } from "../support/browser";
import { countSentMails, operatorPage, postForm, serverActionFields, signInViaUi, signUpViaUi } from "../support/e2e";
import { PASSWORD, newAccount, newUser, unique, as, ANONYMOUS } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

async function invite(page: Page, fullName: string, email: string, group: "customer_admin" | "customer_employee") {
  const form = page.getByRole("form", { name: "Invite a person" });
  await form.getByLabel("Full name", { exact: true }).fill(fullName);
  await form.getByLabel("E-mail", { exact: true }).fill(email);
  await form.getByLabel("Group", { exact: true }).selectOption(group);
  await form.getByRole("button", { name: "Invite", exact: true }).click();
  await expect.poll(() => form.getByRole("status").textContent()).toBe(`Invitation sent to ${email}.`);
  // The form is cleared for the next person.
  expect(await form.getByLabel("E-mail", { exact: true }).inputValue()).toBe("");
}

/** Waits until the worker has delivered the invitation to the dev mailbox, and returns the link from its text part. */
let mailbox: Page | undefined;
async function acceptLinkFromMailbox(_page: Page, email: string): Promise<string> {
  mailbox ??= await operatorPage(browser(), baseUrl);
  const page = mailbox;
  await expect.poll(() => countSentMails(page, baseUrl, email), { timeout: 30_000, interval: 500 }).toBeGreaterThan(0);
  await page.getByTestId("mailbox-row").filter({ hasText: email }).first().getByRole("link").click();
  const text = (await page.getByTestId("mail-text").textContent()) ?? "";
  const link = text.match(/https?:\/\/[^\s\])>]+\/invitations\/[A-Za-z0-9_-]+/)?.[0];
  expect(link, `no accept link in:\n${text}`).toBeTruthy();
  return link!;
}

const pendingInvitation = (customerId: string, email: string) =>
  db
    .select()
    .from(invitations)
    .where(and(eq(invitations.customerId, customerId), eq(invitations.email, email), isNull(invitations.acceptedAt)));

it("invites a person who signs up from the e-mailed link, then changes their group and removes them", async () => {
  const suffix = unique("x").slice(2);
  const identifier = `team-${suffix}`;
  const accountName = `Team ${suffix}`;
  const adminEmail = `ada-${suffix}@example.test`;
  const inviteeEmail = `ivy-${suffix}@example.test`;
  const pendingEmail = `paul-${suffix}@example.test`;

  const admin = await browser().newContext(DESKTOP);
  const adminPage = await admin.newPage();
  await signUpViaUi(adminPage, baseUrl, { fullName: "Ada Admin", email: adminEmail, accountName, identifier });
  const [customer] = await db.select().from(customers).where(eq(customers.identifier, identifier));
  const usersUrl = `${baseUrl}/${identifier}/users`;

  await adminPage.getByRole("link", { name: "Users" }).first().click();
  await adminPage.waitForURL(usersUrl);
  expect(await adminPage.getByRole("heading", { name: "Pending Invitations" }).count()).toBe(1);

  // Bad input is answered next to the field, and what was typed stays.
  const inviteForm = adminPage.getByRole("form", { name: "Invite a person" });
  await inviteForm.getByLabel("Full name", { exact: true }).fill("Ivy Invitee");
  await inviteForm.getByLabel("E-mail", { exact: true }).fill("not-an-address");
  await inviteForm.getByRole("button", { name: "Invite", exact: true }).click();
  await expect.poll(() => inviteForm.locator('[data-field-error="email"]').textContent()).toMatch(/doesn't look like an e-mail address/);
  expect(await inviteForm.getByLabel("Full name", { exact: true }).inputValue()).toBe("Ivy Invitee");

  await invite(adminPage, "Ivy Invitee", inviteeEmail, "customer_admin");
  await invite(adminPage, "Paul Pending", pendingEmail, "customer_employee");
  const ivyRow = adminPage.getByTestId("invitation-row").filter({ hasText: inviteeEmail });
  await expect.poll(() => ivyRow.textContent()).toContain("Customer Admin");
  expect(await ivyRow.textContent()).toContain("Ada Admin");
  // The delivery status follows the worker without a reload.
  await expect.poll(() => ivyRow.getByTestId("delivery-status").textContent(), { timeout: 20_000 }).toBe("sent");

  // Inviting the same address twice points to Resend instead of sending a second invitation.
  await inviteForm.getByLabel("Full name", { exact: true }).fill("Paul Again");
  await inviteForm.getByLabel("E-mail", { exact: true }).fill(pendingEmail);
  await inviteForm.getByRole("button", { name: "Invite", exact: true }).click();
  await expect.poll(() => inviteForm.locator('[data-field-error="email"]').textContent()).toMatch(/already has a pending invitation/);

  // Resend gives Paul a fresh link; the old one stops working.
  const [paulBefore] = await pendingInvitation(customer.id, pendingEmail);
  await adminPage.getByRole("button", { name: `Resend invitation to ${pendingEmail}` }).click();
  const paulRow = adminPage.getByTestId("invitation-row").filter({ hasText: pendingEmail });
  await expect.poll(() => adminPage.getByRole("status").filter({ hasText: "A new invitation was sent" }).textContent()).toContain(pendingEmail);
  const [paulAfter] = await pendingInvitation(customer.id, pendingEmail);
  expect(paulAfter.tokenHash).not.toBe(paulBefore.tokenHash);

  // Revoking asks first, then the row is gone and the list says so.
  const ritaEmail = `rita-${suffix}@example.test`;
  await invite(adminPage, "Rita Revoked", ritaEmail, "customer_employee");
  await adminPage.getByRole("button", { name: `Revoke invitation of ${ritaEmail}` }).click();
  await adminPage.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect.poll(() => adminPage.getByTestId("invitation-row").filter({ hasText: ritaEmail }).count()).toBe(0);
  expect(await adminPage.getByRole("status").filter({ hasText: "Invitation revoked" }).count()).toBe(1);
  expect(await pendingInvitation(customer.id, ritaEmail)).toHaveLength(0);

  // The worker delivers the e-mail; the invitee opens its link in a browser of their own and signs up.
  const link = await acceptLinkFromMailbox(adminPage, inviteeEmail);
  expect(link.startsWith(`${baseUrl}/invitations/`)).toBe(true);
  const invitee = await browser().newContext(DESKTOP);
  const inviteePage = await invitee.newPage();
  await inviteePage.goto(link);
  expect(await inviteePage.getByRole("heading", { level: 1 }).textContent()).toBe(`Join ${accountName}`);
  expect(await inviteePage.getByLabel("E-mail").inputValue()).toBe(inviteeEmail);
  expect(await inviteePage.getByLabel("E-mail").isEditable()).toBe(false);
  expect(await inviteePage.getByLabel("Full name").inputValue()).toBe("Ivy Invitee");
  await screenshot(inviteePage, "invitation-sign-up");
  await inviteePage.getByLabel("Password").fill("short");
  await inviteePage.getByRole("button", { name: `Create account and join ${accountName}` }).click();
  await expect.poll(() => inviteePage.locator('[data-field-error="password"]').textContent()).toMatch(/at least 10 characters/);
  await inviteePage.getByLabel("Password").fill("ivy-passphrase-2024");
  await inviteePage.getByRole("button", { name: `Create account and join ${accountName}` }).click();
  await inviteePage.waitForURL(`${baseUrl}/${identifier}`);

  const [ivy] = await db.select().from(users).where(eq(users.email, inviteeEmail));
  expect(ivy.name).toBe("Ivy Invitee");
  // Joining created a membership in this account and no customer account of her own.
  const ivyMemberships = await db.select().from(memberships).where(eq(memberships.userId, ivy.id));
  expect(ivyMemberships.map((m) => [m.customerId, m.group])).toEqual([[customer.id, "customer_admin"]]);

  // The admin sees Ivy under Users and no longer under Pending Invitations, and makes her a Customer Employee.
  await adminPage.goto(usersUrl);
  const ivyMemberRow = adminPage.getByTestId("member-row").filter({ hasText: inviteeEmail });
  expect(await ivyMemberRow.textContent()).toContain("Ivy Invitee");
  expect(await adminPage.getByTestId("invitation-row").filter({ hasText: inviteeEmail }).count()).toBe(0);
  await adminPage.getByLabel(`Group of ${inviteeEmail}`, { exact: true }).selectOption("customer_employee");
  await adminPage.getByRole("button", { name: `Save group of ${inviteeEmail}` }).click();
  await expect.poll(() => adminPage.getByRole("status").filter({ hasText: "Group changed" }).textContent()).toBe("Group changed to Customer Employee.");
  const [ivyMembership] = await db.select().from(memberships).where(eq(memberships.userId, ivy.id));
  expect(ivyMembership.group).toBe("customer_employee");

  // Now the only admin: demoting herself is refused, next to her row.
  await adminPage.getByLabel(`Group of ${adminEmail}`, { exact: true }).selectOption("customer_employee");
  await adminPage.getByRole("button", { name: `Save group of ${adminEmail}` }).click();
  await expect.poll(() => adminPage.getByRole("alert").filter({ hasText: "last Customer Admin" }).count()).toBe(1);
  await adminPage.getByLabel(`Group of ${adminEmail}`, { exact: true }).selectOption("customer_admin");

  await adminPage.reload();
  await expect.poll(() => paulRow.textContent()).toContain("Paul Pending");
  await screenshot(adminPage, "users-page");

  // As an employee, Ivy sees the members read-only and nothing to manage.
  await inviteePage.goto(usersUrl);
  expect(await inviteePage.getByTestId("member-row").filter({ hasText: adminEmail }).count()).toBe(1);
  expect(await inviteePage.getByText("Only Customer Admins can invite people").count()).toBe(1);
  expect(await inviteePage.getByRole("heading", { name: "Pending Invitations" }).count()).toBe(0);
  expect(await inviteePage.getByRole("button", { name: "Invite", exact: true }).count()).toBe(0);
  expect(await inviteePage.getByRole("combobox").count()).toBe(0);
  expect(await inviteePage.getByRole("button", { name: /^(Remove|Save group|Resend|Revoke)/ }).count()).toBe(0);
  await screenshot(inviteePage, "users-page-employee");

  // The server refuses what the UI hides. The admin's invite form, as the server renders it, names its server action;
  // posting it like a browser without JavaScript reaches the action (shown by the admin's own post creating a row)...
  const actionFields = await serverActionFields(adminPage, "fullName");
  expect(actionFields.some(([name]) => name.startsWith("$ACTION_"))).toBe(true);
  const inviteFields = (email: string): [string, string][] => [
    ...actionFields,
    ["account", identifier],
    ["fullName", "Direct Post"],
    ["email", email],
    ["group", "customer_admin"],
  ];
  const byAdmin = `direct-admin-${suffix}@example.test`;
  expect(await postForm(adminPage, inviteFields(byAdmin))).toBeLessThan(500);
  expect(await pendingInvitation(customer.id, byAdmin)).toHaveLength(1);
  // ...and the same post from the employee creates nothing.
  const byEmployee = `direct-employee-${suffix}@example.test`;
  expect(await postForm(inviteePage, inviteFields(byEmployee))).toBeLessThan(500);
  expect(await pendingInvitation(customer.id, byEmployee)).toHaveLength(0);
  expect(await db.select().from(invitations).where(eq(invitations.invitedBy, ivy.id))).toHaveLength(0);

  // The admin removes Ivy; her next page load of the account is refused.
  await adminPage.getByRole("button", { name: `Remove ${inviteeEmail}` }).click();
  const dialog = adminPage.getByRole("dialog");
  expect(await dialog.textContent()).toContain("all of its projects");
  await dialog.getByRole("button", { name: "Remove" }).click();
  await expect.poll(() => adminPage.getByTestId("member-row").filter({ hasText: inviteeEmail }).count()).toBe(0);
  expect(await adminPage.getByRole("status").filter({ hasText: "Member removed" }).count()).toBe(1);
  expect(await db.select().from(memberships).where(eq(memberships.userId, ivy.id))).toHaveLength(0);

  const denied = await inviteePage.goto(`${baseUrl}/${identifier}/users`);
  expect(denied?.status()).toBe(404);
  expect(await inviteePage.getByRole("heading", { level: 1 }).textContent()).toBe("Not found, or no access");

  // On a phone the page still fits (the tables scroll inside their cards), and the last admin can't leave.
  await adminPage.setViewportSize({ width: 390, height: 844 });
  await adminPage.goto(usersUrl);
  // Leaving is not offered to the last admin (the server refuses it too); the page says what to do instead.
  expect(await adminPage.getByRole("button", { name: `Remove ${adminEmail}` }).count()).toBe(0);
  expect(await adminPage.getByRole("button", { name: /^Leave / }).count()).toBe(0);
  expect(await adminPage.getByText("You are the last Customer Admin").isVisible()).toBe(true);
  expect(await adminPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await screenshot(adminPage, "users-page-phone");

  await admin.close();
  await invitee.close();
});

it("explains links that can't be used, and never accepts for the wrong person", async () => {
  const owner = await newAccount({ fullName: "Olga Owner" });
  const identifier = owner.customer.identifier;
  const accountName = owner.customer.name;
  const inviteAs = (email: string) => inviteMember(as(owner.user), identifier, { fullName: "Nora New", email, group: "customer_employee" });
  const context = await browser().newContext(DESKTOP);
  const page = await context.newPage();
  const open = async (token: string) => {
    await page.goto(`${baseUrl}/invitations/${token}`);
    return { heading: await page.getByRole("heading", { level: 1 }).textContent(), text: await page.locator("main").textContent() };
  };

  const expired = await inviteAs(`${unique("late")}@example.test`);
  await db
    .update(invitations)
    .set({ expiresAt: new Date(Date.now() - 60_000) })
    .where(eq(invitations.id, expired.invitation.id));
  const expiredPage = await open(expired.token);
  expect(expiredPage.heading).toBe("This invitation has expired");
  expect(expiredPage.text).toContain(accountName);
  expect(expiredPage.text).toContain(`Ask Olga Owner (${owner.user.email})`);

  const revoked = await inviteAs(`${unique("gone")}@example.test`);
  await revokeInvitation(as(owner.user), identifier, revoked.invitation.id);
  expect((await open(revoked.token)).heading).toBe("This invitation link doesn't work");
  expect((await open("made-up-token-that-matches-nothing")).heading).toBe("This invitation link doesn't work");

  const used = await inviteAs(`${unique("used")}@example.test`);
  await acceptInvitationWithSignUp(ANONYMOUS, used.token, { fullName: "Uma Used", password: PASSWORD });
  const usedPage = await open(used.token);
  expect(usedPage.heading).toBe("This invitation has already been used");
  expect(usedPage.text).toContain(owner.user.email);

  // Signed in as someone else: both addresses are named, nothing is accepted, and signing out returns to the link.
  const stranger = await newAccount({ fullName: "Sam Stranger" });
  const forNora = await inviteAs(`${unique("nora")}@example.test`);
  await signInViaUi(page, baseUrl, stranger.user.email, PASSWORD);
  const mismatch = await open(forNora.token);
  expect(mismatch.heading).toBe("This invitation is for someone else");
  await screenshot(page, "invitation-mismatch");
  expect(mismatch.text).toContain(forNora.invitation.email);
  expect(mismatch.text).toContain(stranger.user.email);
  expect(await page.getByRole("button", { name: /Join/ }).count()).toBe(0);
  // The server refuses too, whatever the page shows.
  await expect(acceptInvitation(as(stranger.user), forNora.token)).rejects.toMatchObject({ code: "forbidden" });
  const [stillPending] = await db.select().from(invitations).where(eq(invitations.id, forNora.invitation.id));
  expect(stillPending.acceptedAt).toBeNull();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(`${baseUrl}/invitations/${forNora.token}`);
  await expect.poll(() => page.getByRole("button", { name: `Create account and join ${accountName}` }).count()).toBe(1);

  // Someone who already has a Tenancy account signs in from the link, comes back to it, and joins.
  const existing = await newUser("Ed Existing");
  const forEd = await inviteAs(existing.email);
  await open(forEd.token);
  await page.getByRole("link", { name: "Sign in to accept" }).click();
  await page.waitForURL((url) => url.pathname === "/sign-in");
  expect(new URL(page.url()).searchParams.get("callbackUrl")).toBe(`/invitations/${forEd.token}`);
  expect(await page.getByLabel("E-mail").inputValue()).toBe(existing.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`${baseUrl}/invitations/${forEd.token}`);
  await page.getByRole("button", { name: `Join ${accountName}` }).click();
  await page.waitForURL(`${baseUrl}/${identifier}`);
  const edMemberships = await db.select().from(memberships).where(eq(memberships.userId, existing.id));
  expect(edMemberships.map((m) => [m.customerId, m.group])).toEqual([[owner.customer.id, "customer_employee"]]);

  await context.close();
});
