// Account security as a person walks it: forgot password → the e-mailed link → a new password → signing in with it,
// the old one refused and the other sessions ended; confirming the address from its e-mail; and the profile page's
// password change, sign out everywhere and e-mail change, each keeping the current session only.
import type { Page } from "playwright-core";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb } from "@/db/client";
import { DESKTOP, screenshot, useBrowser } from "../support/browser";
import { E2E_PASSWORD, operatorPage, signInViaUi, signUpViaUi } from "../support/e2e";
import { unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

let mailbox: Page | undefined;

/** Waits for the newest e-mail to `email` with `subject` in the dev mailbox (an operator reads it), and returns its link to `path`. */
async function linkFromMailbox(email: string, subject: string, path: string): Promise<string> {
  mailbox ??= await operatorPage(browser(), baseUrl);
  const page = mailbox;
  const row = () => page.getByTestId("mailbox-row").filter({ hasText: email }).filter({ hasText: subject }).filter({ hasText: "sent" });
  await expect
    .poll(
      async () => {
        await page.goto(`${baseUrl}/operator/mailbox`);
        return row().count();
      },
      { timeout: 30_000, interval: 500 },
    )
    .toBeGreaterThan(0);
  await row().first().getByRole("link").click();
  const text = (await page.getByTestId("mail-text").textContent()) ?? "";
  const link = text.match(new RegExp(`https?://[^\\s\\])>]+${path}/[A-Za-z0-9_-]+`))?.[0];
  expect(link, `no ${path} link in:\n${text}`).toBeTruthy();
  return link!;
}

/** Whether the page's session still works: an account page answers, or the visitor is sent to sign in. */
async function signedIn(page: Page, path: string): Promise<boolean> {
  await page.goto(`${baseUrl}${path}`);
  return !new URL(page.url()).pathname.startsWith("/sign-in");
}

async function signInFails(page: Page, email: string, password: string): Promise<string | null> {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // Next's route announcer is an empty alert too: wait for the form's, which has words.
  const alert = page.getByRole("alert").filter({ hasText: /\S/ });
  await expect.poll(() => alert.count()).toBeGreaterThan(0);
  return alert.first().textContent();
}

it("resets a forgotten password from the e-mailed link: the new one signs in, the old one and every old session are refused", async () => {
  const oldSession = await (await browser().newContext(DESKTOP)).newPage();
  const { identifier, email } = await signUpViaUi(oldSession, baseUrl, { fullName: "Fran Forgetful" });

  const page = await (await browser().newContext(DESKTOP)).newPage();
  await page.goto(`${baseUrl}/forgot-password`);
  // Bad input is answered next to the field.
  await page.getByLabel("E-mail").fill("not-an-address");
  await page.getByRole("button", { name: "Send link" }).click();
  await expect.poll(() => page.locator('[data-field-error="email"]').textContent()).toMatch(/doesn't look like an e-mail address/);
  // An unknown address gets the same answer as a known one.
  const unknown = `${unique("nobody")}@example.test`;
  await page.getByLabel("E-mail").fill(unknown);
  await page.getByRole("button", { name: "Send link" }).click();
  await expect
    .poll(() => page.getByRole("status").textContent())
    .toBe(`If an account uses ${unknown}, we sent a link there to choose a new password. It works once, for one hour.`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByRole("button", { name: "Send link" }).click();
  await expect
    .poll(() => page.getByRole("status").textContent())
    .toBe(`If an account uses ${email}, we sent a link there to choose a new password. It works once, for one hour.`);

  const link = await linkFromMailbox(email, "Choose a new Tenancy password", "/reset-password");
  expect(link.startsWith(`${baseUrl}/reset-password/`)).toBe(true);
  await page.goto(link);
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Choose a new password");
  expect(await page.getByText(email).count()).toBeGreaterThan(0);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Set new password" }).click();
  await expect.poll(() => page.locator('[data-field-error="password"]').textContent()).toMatch(/at least 10 characters/);
  const newPassword = "fresh-start-passphrase-3";
  await page.getByLabel("Password").fill(newPassword);
  await page.getByRole("button", { name: "Set new password" }).click();
  await page.waitForURL((url) => url.pathname === "/reset-password/done");
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Password changed");
  await screenshot(page, "password-reset-done");
  await page.getByRole("link", { name: "Sign in with your new password" }).click();
  await page.waitForURL((url) => url.pathname === "/sign-in");
  expect(await page.getByLabel("E-mail").inputValue()).toBe(email);

  // The link worked once.
  await page.goto(link);
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("This link has already been used");

  // The old password is refused, the new one signs in; the session from before the reset has ended.
  expect(await signInFails(page, email, E2E_PASSWORD)).toMatch(/don't match/);
  await signInViaUi(page, baseUrl, email, newPassword);
  expect(await signedIn(page, `/${identifier}`)).toBe(true);
  expect(await signedIn(oldSession, `/${identifier}`)).toBe(false);
});

it("confirms the address from its e-mail while signed in; the link alone, signed out, confirms nothing", async () => {
  const page = await (await browser().newContext(DESKTOP)).newPage();
  const { email } = await signUpViaUi(page, baseUrl, { fullName: "Vera Verified" });
  await page.goto(`${baseUrl}/profile`);
  expect(await page.getByTestId("email-status").textContent()).toBe("Not verified");
  await page.getByRole("button", { name: "Send a new confirmation link" }).click();
  await expect
    .poll(() => page.getByRole("form", { name: "Confirm your address" }).getByRole("status").textContent())
    .toBe(`We sent a new confirmation link to ${email}.`);

  const link = await linkFromMailbox(email, "Confirm your e-mail address for Tenancy", "/verify-email");
  const stranger = await (await browser().newContext(DESKTOP)).newPage();
  await stranger.goto(link);
  expect(await stranger.getByRole("link", { name: "Sign in to confirm" }).count()).toBe(1);
  expect(await stranger.getByRole("link", { name: "choosing a new password" }).count()).toBe(1);

  await page.goto(link);
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Confirm your e-mail address");
  await page.getByRole("button", { name: `Confirm ${email}` }).click();
  await page.waitForURL(`${baseUrl}/profile`);
  expect(await page.getByTestId("email-status").textContent()).toBe("Verified");
  expect(await page.getByRole("button", { name: "Send a new confirmation link" }).count()).toBe(0);
});

it("changes the password and signs out everywhere from the profile, keeping this session; changes the address once confirmed", async () => {
  const page = await (await browser().newContext(DESKTOP)).newPage();
  const { identifier, email } = await signUpViaUi(page, baseUrl, { fullName: "Pat Profile" });
  const other = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(other, baseUrl, email, E2E_PASSWORD);

  // The profile is one click away in the settings menu.
  await page.getByLabel("Settings menu").click();
  await page.getByRole("link", { name: "Profile" }).click();
  await page.waitForURL(`${baseUrl}/profile`);

  const passwordForm = page.getByRole("form", { name: "Change password" });
  await passwordForm.getByLabel("Current password").fill("not-my-password-1");
  await passwordForm.getByLabel("New password").fill("another-passphrase-4");
  await passwordForm.getByRole("button", { name: "Change password" }).click();
  await expect.poll(() => passwordForm.locator('[data-field-error="currentPassword"]').textContent()).toBe("That is not your current password.");
  await passwordForm.getByLabel("Current password").fill(E2E_PASSWORD);
  await passwordForm.getByRole("button", { name: "Change password" }).click();
  await expect.poll(() => passwordForm.getByRole("status").textContent()).toBe("Password changed. You were signed out everywhere else.");
  expect(await signedIn(page, "/profile")).toBe(true);
  expect(await signedIn(other, `/${identifier}`)).toBe(false);

  await signInViaUi(other, baseUrl, email, "another-passphrase-4");
  await page.goto(`${baseUrl}/profile`);
  await page.getByRole("button", { name: "Sign out everywhere else" }).click();
  await expect
    .poll(() => page.getByRole("form", { name: "Sign out everywhere else" }).getByRole("status").textContent())
    .toBe("You were signed out on every other device and browser.");
  expect(await signedIn(page, "/profile")).toBe(true);
  expect(await signedIn(other, `/${identifier}`)).toBe(false);

  // A new address waits for its link, opened while signed in.
  const newEmail = `${unique("moved")}@example.test`;
  const emailForm = page.getByRole("form", { name: "Change e-mail address" });
  await emailForm.getByLabel("New e-mail address").fill(newEmail);
  await emailForm.getByLabel("Current password").fill("another-passphrase-4");
  await emailForm.getByRole("button", { name: "Send confirmation link" }).click();
  await expect.poll(() => emailForm.getByRole("status").textContent()).toMatch(`We sent a link to ${newEmail}.`);
  await page.reload();
  expect(await page.getByTestId("profile-email").textContent()).toBe(email);
  expect(await page.getByTestId("pending-email").textContent()).toContain(newEmail);
  await screenshot(page, "profile");

  const link = await linkFromMailbox(newEmail, "Confirm your new e-mail address for Tenancy", "/verify-email");
  await page.goto(link);
  await page.getByRole("button", { name: `Confirm ${newEmail}` }).click();
  await page.waitForURL(`${baseUrl}/profile`);
  expect(await page.getByTestId("profile-email").textContent()).toBe(newEmail);
  expect(await page.getByTestId("email-status").textContent()).toBe("Verified");
  await signInViaUi(other, baseUrl, newEmail, "another-passphrase-4");
  expect(await signedIn(other, `/${identifier}`)).toBe(true);
});
