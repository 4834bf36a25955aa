// Steps browser tests share: signing up through the real form.
import type { Page } from "playwright-core";
import { unique } from "./factories";

export const E2E_PASSWORD = "a-strong-passphrase-7";

export async function signUpViaUi(page: Page, baseUrl: string, opts: { fullName?: string; identifier?: string; accountName?: string } = {}) {
  const identifier = opts.identifier ?? unique("e2e");
  const email = `${identifier}@example.test`;
  await page.goto(`${baseUrl}/sign-up`);
  await page.getByLabel("Full name").fill(opts.fullName ?? "Ada Admin");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByLabel("Account name").fill(opts.accountName ?? `Account ${identifier}`);
  await page.getByLabel("Account identifier").fill(identifier);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(`${baseUrl}/${identifier}`);
  return { identifier, email };
}
