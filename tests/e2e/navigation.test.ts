// Getting around without dead ends: after sign-in people land in their last-used account (a partner in its own
// account, not a managed customer); a link opened while signed out comes back whole, query included; someone removed
// from their last account gets a page with their name, sign-out, their invitations and a way to create an account;
// a member may leave an account; a message belongs to the action that caused it.
import { eq } from "drizzle-orm";
import type { Page } from "playwright-core";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { memberships, users } from "@/db/schema";
import { inviteMember } from "@/lib/invitations";
import { addMyself, createManagedCustomer, setAccountKind } from "@/lib/partners";
import { DESKTOP, screenshot, useBrowser } from "../support/browser";
import { signInViaUi } from "../support/e2e";
import { PASSWORD, SYSTEM, addMember, as, newAccount, newUser, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

const signOut = async (page: Page) => {
  await page.getByTestId("settings-menu").locator("summary").click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/sign-in");
};

it("lands a partner in its own account, then in the account it used last; a deep link survives sign-in", async () => {
  const tag = unique("n").slice(2, 8);
  // "Aardvark" sorts before the partner's own name: the old landing rule took the alphabetically first account.
  const owner = await newAccount({ fullName: "Nora Navigator", accountName: `Zeta Partner ${tag}` });
  const partner = (await setAccountKind(SYSTEM, owner.customer.identifier, "partner")).identifier;
  const customer = await createManagedCustomer(as(owner.user), partner, { name: `Aardvark ${tag}`, identifier: `aardvark-${tag}` });
  await addMyself(as(owner.user), partner, customer.identifier);

  const page = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(page, baseUrl, owner.user.email, PASSWORD);
  await expect.poll(() => new URL(page.url()).pathname).toBe(`/${partner}`);

  // Opening the customer makes it the last used: the next sign-in lands there.
  await page.goto(`${baseUrl}/${customer.identifier}/users`);
  await signOut(page);
  await signInViaUi(page, baseUrl, owner.user.email, PASSWORD);
  await expect.poll(() => new URL(page.url()).pathname).toBe(`/${customer.identifier}`);
  await signOut(page);

  // Signed out, a link with a query: sign-in brings back exactly it.
  await page.goto(`${baseUrl}/${partner}/admin/customers?q=aardvark&sort=name`);
  await page.waitForURL((url) => url.pathname === "/sign-in");
  await page.getByLabel("E-mail").fill(owner.user.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect.poll(() => new URL(page.url()).pathname + new URL(page.url()).search).toBe(`/${partner}/admin/customers?q=aardvark&sort=name`);
});

it("gives someone removed from their last account a way on: their invitations, or an account of their own", async () => {
  const tag = unique("s").slice(2, 8);
  const host = await newAccount({ fullName: "Hal Host", accountName: `Host ${tag}` });
  const other = await newAccount({ fullName: "Ola Other", accountName: `Other ${tag}` });
  const person = await newUser("Stella Stranded");
  await db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, person.id));
  await addMember(person.id, host.customer.id, "customer_employee");

  const page = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(page, baseUrl, person.email, PASSWORD);
  // A member leaves of their own accord, after a confirmation.
  await page.goto(`${baseUrl}/${host.customer.identifier}/users`);
  await page.getByRole("button", { name: `Leave ${host.customer.name}…` }).click();
  await page
    .getByRole("dialog", { name: `Leave ${host.customer.name}?` })
    .getByRole("button", { name: "Leave" })
    .click();
  await page.waitForURL(`${baseUrl}/`);
  expect(await db.select().from(memberships).where(eq(memberships.userId, person.id))).toHaveLength(0);

  // No dead end: their name, a sign-out, and an invitation sent to them meanwhile.
  await inviteMember(as(other.user), other.customer.identifier, { fullName: "Stella Stranded", email: person.email, group: "customer_employee" });
  await page.reload();
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Welcome, Stella Stranded");
  expect(await page.getByTestId("my-invitation").textContent()).toContain(other.customer.name);
  await page.getByTestId("settings-menu").locator("summary").click();
  expect(await page.getByRole("button", { name: "Sign out" }).isVisible()).toBe(true);
  await page.keyboard.press("Escape");
  await screenshot(page, "no-account-laptop");
  const phone = await (await browser().newContext({ viewport: { width: 390, height: 844 } })).newPage();
  await signInViaUi(phone, baseUrl, person.email, PASSWORD);
  await screenshot(phone, "no-account-phone");

  // An account of their own, created from that page: they land in it as its Customer Admin.
  const form = page.getByRole("form", { name: "Create an account of your own" });
  await form.getByLabel("Account name").fill(`Stella Works ${tag}`);
  await form.getByLabel("Account identifier").fill(`stella-${tag}`);
  await form.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${baseUrl}/stella-${tag}`);
  const [mine] = await db.select().from(memberships).where(eq(memberships.userId, person.id));
  expect(mine.group).toBe("customer_admin");
});

it("shows a message for the action that caused it, and drops it when the next action starts", async () => {
  const account = await newAccount({ fullName: "Mia Messages" });
  const member = await newUser("Max Member");
  await addMember(member.id, account.customer.id, "customer_employee");
  const page = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(page, baseUrl, account.user.email, PASSWORD);
  await page.goto(`${baseUrl}/${account.customer.identifier}/users`);

  const invite = page.getByRole("form", { name: "Invite a person" });
  await invite.getByLabel("Full name", { exact: true }).fill("Ivo Invited");
  await invite.getByLabel("E-mail").fill(`${unique("ivo")}@example.test`);
  await invite.getByRole("button", { name: "Invite", exact: true }).click();
  const sent = page.getByRole("status").filter({ hasText: "Invitation sent" });
  await expect.poll(() => sent.count()).toBe(1);

  // Another action starts (a member's group changes): the invitation's message goes.
  await page.getByLabel(`Group of ${member.email}`, { exact: true }).selectOption("customer_reader");
  await page.getByRole("button", { name: `Save group of ${member.email}` }).click();
  await expect.poll(() => page.getByText("Group changed to Customer Reader.").count()).toBe(1);
  expect(await sent.count()).toBe(0);

  // A field error takes the focus, so the person is where the problem is.
  await invite.getByLabel("Full name", { exact: true }).fill("No Address");
  await invite.getByLabel("E-mail").fill("not-an-address");
  await invite.getByRole("button", { name: "Invite", exact: true }).click();
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("email");
});
