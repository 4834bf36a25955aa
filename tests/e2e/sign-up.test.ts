// A person signs up, signs in to their new account, renames it, and finds the welcome e-mail in the dev mailbox.
import { eq } from "drizzle-orm";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { customers } from "@/db/schema";
import { DESKTOP, screenshot, useBrowser } from "../support/browser";
import { countSentMails, operatorPage, serverActionFields, signInViaUi, signUpViaUi } from "../support/e2e";
import { PASSWORD, newAccount, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

it("signs up into a new customer account, edits its name, keeps its identifier, and receives the welcome e-mail", async () => {
  const page = await browser().newPage(DESKTOP);
  const suffix = unique("x").slice(2);
  const email = `founder-${suffix}@example.test`;

  await page.goto(`${baseUrl}/sign-up`);
  await page.getByLabel("Full name").fill("Fiona Founder");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("weak");
  await page.getByLabel("Account name").fill(`Northwind ${suffix}`);
  // The identifier is suggested from the name and stays editable until submitted.
  await expect.poll(() => page.getByLabel("Account identifier").inputValue()).toBe(`northwind-${suffix}`);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect.poll(() => page.locator('[data-field-error="password"]').textContent()).toMatch(/at least 10 characters/);

  const identifier = `nw-${suffix}`;
  await page.getByLabel("Password").fill("a-strong-passphrase-7");
  await page.getByLabel("Account identifier").fill(identifier);
  await page.getByRole("button", { name: "Create account" }).click();
  // Sign-up signs nobody in: it answers every address alike, and the new person signs in next.
  await page.waitForURL(`${baseUrl}/sign-up/sent`);
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Check your e-mail");
  await page.getByRole("link", { name: "Sign in" }).last().click();
  await page.waitForURL(`${baseUrl}/sign-in`);
  await signInViaUi(page, baseUrl, email, "a-strong-passphrase-7");
  await page.waitForURL(`${baseUrl}/${identifier}`);
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe(`Northwind ${suffix}`);

  await page.getByRole("link", { name: "Settings" }).first().click();
  await page.waitForURL(`${baseUrl}/${identifier}/settings`);
  expect(await page.getByTestId("identifier").inputValue()).toBe(identifier);
  await page.getByLabel("Account name").fill("Northwind Traders");
  await page.getByLabel("Tax ID (optional)").fill("DE123456789");
  await page.getByLabel("SEPA direct debit").check();
  await page.getByLabel("Account holder").fill("Northwind Traders GmbH");
  await page.getByLabel("IBAN").fill("DE89 3704 0044 0532 0130 01");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect.poll(() => page.locator('[data-field-error="sepaIban"]').textContent()).toMatch(/IBAN is not valid/);
  await page.getByLabel("IBAN").fill("DE89 3704 0044 0532 0130 00");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toBe("Settings saved.");
  await page.reload();
  expect(await page.getByLabel("Account name").inputValue()).toBe("Northwind Traders");
  expect(await page.getByTestId("identifier").inputValue()).toBe(identifier);
  await screenshot(page, "settings-page");

  const [row] = await db.select().from(customers).where(eq(customers.identifier, identifier));
  expect(row).toMatchObject({ name: "Northwind Traders", identifier, paymentMethod: "sepa_debit", sepaIban: "DE89370400440532013000" });

  // The worker delivers the welcome e-mail to the dev mailbox, which an operator reads.
  const mailbox = await operatorPage(browser(), baseUrl);
  await expect.poll(() => countSentMails(mailbox, baseUrl, email, "Welcome to Tenancy"), { timeout: 20_000, interval: 500 }).toBe(1);
  // Sign-up also sent the link that confirms the address.
  expect(await countSentMails(mailbox, baseUrl, email, "Confirm")).toBe(1);
  await mailbox.getByTestId("mailbox-row").filter({ hasText: email }).filter({ hasText: "Welcome to Tenancy" }).getByRole("link").click();
  expect(await mailbox.getByTestId("mail-subject").textContent()).toBe("Welcome to Tenancy, Fiona Founder");
  const frame = mailbox.frameLocator("iframe");
  await expect.poll(() => frame.locator("body").textContent()).toContain(identifier);
  await mailbox.context().close();

  // On a phone the same page still works.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${baseUrl}/${identifier}/settings`);
  await screenshot(page, "settings-page-phone");
});

it("keeps non-members out of an account's settings", async () => {
  const owner = await browser().newContext();
  const stranger = await browser().newContext();
  const signUpAs = async (ctx: typeof owner, identifier: string) => {
    const page = await ctx.newPage();
    await signUpViaUi(page, baseUrl, { fullName: "Someone", identifier, accountName: identifier });
    return page;
  };
  const ownerId = unique("own");
  await signUpAs(owner, ownerId);
  const strangerPage = await signUpAs(stranger, unique("str"));
  const response = await strangerPage.goto(`${baseUrl}/${ownerId}/settings`);
  expect(response?.status()).toBe(404);
  expect(await strangerPage.getByRole("heading", { level: 1 }).textContent()).toBe("Not found, or no access");
  await owner.close();
  await stranger.close();
});

it("answers a sign-up with a taken address exactly as one with a new address, and e-mails the owner instead", async () => {
  const owner = await newAccount({ fullName: "Olga Owner" });
  const page = await browser().newPage(DESKTOP);
  await page.goto(`${baseUrl}/sign-up`);
  const actionFields = await serverActionFields(page, "email");
  // The form as a browser without JavaScript posts it, answered without following the redirect.
  const post = async (email: string, identifier: string) => {
    const body = new FormData();
    for (const [k, v] of actionFields) body.append(k, v);
    for (const [k, v] of Object.entries({ fullName: "Mallory", email, password: "another-passphrase-1", accountName: "Shadow", identifier })) body.append(k, v);
    const res = await fetch(`${baseUrl}/sign-up`, { method: "POST", body, redirect: "manual", headers: { origin: baseUrl } });
    return {
      status: res.status,
      location: res.headers.get("location"),
      cookies: res.headers.getSetCookie().map((c) => c.split("=")[0]),
      headers: [...res.headers.keys()].filter((k) => !["date", "set-cookie", "content-security-policy"].includes(k)).sort(),
    };
  };
  const fresh = await post(`${unique("fresh")}@example.test`, unique("fresh"));
  const takenIdentifier = unique("shadow");
  const taken = await post(owner.user.email.toUpperCase(), takenIdentifier);
  expect(fresh.status).toBe(303);
  expect(fresh.location).toBe("/sign-up/sent");
  expect(taken).toEqual(fresh);

  // In a browser: the same page, the same words.
  const answers: string[] = [];
  for (const email of [`${unique("fresh")}@example.test`, owner.user.email]) {
    await page.goto(`${baseUrl}/sign-up`);
    await page.getByLabel("Full name").fill("Mallory");
    await page.getByLabel("E-mail").fill(email);
    await page.getByLabel("Password").fill("another-passphrase-1");
    await page.getByLabel("Account name").fill("Shadow");
    await page.getByLabel("Account identifier").fill(unique("shadow"));
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`${baseUrl}/sign-up/sent`);
    answers.push((await page.locator("main").innerText()).trim());
  }
  expect(answers[1]).toBe(answers[0]);

  // Nothing was created for the taken address; the owner is told, once, and still signs in with their password.
  expect(await db.select().from(customers).where(eq(customers.identifier, takenIdentifier))).toHaveLength(0);
  const mailbox = await operatorPage(browser(), baseUrl);
  await expect
    .poll(() => countSentMails(mailbox, baseUrl, owner.user.email, "Someone tried to sign up with your address"), { timeout: 20_000, interval: 500 })
    .toBe(1);
  await mailbox.context().close();
  const ownerPage = await browser().newPage(DESKTOP);
  await signInViaUi(ownerPage, baseUrl, owner.user.email, PASSWORD);
  await ownerPage.waitForURL(`${baseUrl}/${owner.customer.identifier}`);
  await ownerPage.context().close();
  await page.context().close();
});
