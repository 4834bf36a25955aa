// The operator area: an operator finds any account, turns it into a partner, sets its quota and names another
// operator, from the settings menu; everyone else gets a 404 on every page of it.
import { eq } from "drizzle-orm";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { customers, users } from "@/db/schema";
import { DESKTOP, screenshot, useBrowser } from "../support/browser";
import { operatorPage, signInViaUi } from "../support/e2e";
import { PASSWORD, newAccount, newUser } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

const OPERATOR_PAGES = ["/operator", "/operator/operators", "/operator/mailbox", "/operator/mailbox/00000000-0000-4000-8000-000000000000"];

it("answers 404 on every operator page to a signed-in non-operator, and sends the signed-out to sign in", async () => {
  const someone = await newAccount({ fullName: "Norma Nonoperator" });
  const context = await browser().newContext(DESKTOP);
  const page = await context.newPage();
  for (const path of OPERATOR_PAGES) {
    const res = await context.request.get(`${baseUrl}${path}`, { maxRedirects: 0 });
    expect(res.status(), path).toBe(307);
    expect(res.headers().location, path).toContain("/sign-in");
  }
  await signInViaUi(page, baseUrl, someone.user.email, PASSWORD);
  for (const path of OPERATOR_PAGES) {
    const res = await context.request.get(`${baseUrl}${path}`, { maxRedirects: 0 });
    expect(res.status(), path).toBe(404);
    expect(await res.text(), path).not.toContain('data-testid="mailbox-row"');
  }
  // Nor does their settings menu offer it.
  await page.goto(`${baseUrl}/${someone.customer.identifier}`);
  await page.getByLabel("Settings menu").click();
  expect(await page.getByTestId("settings-menu").getByRole("link", { name: "Operator" }).count()).toBe(0);
  await context.close();
});

it("lets an operator make an account a partner, set its quota and name another operator", async () => {
  const target = await newAccount({ accountName: `Initech ${Date.now()}` });
  const colleague = await newUser("Carl Colleague");
  const page = await operatorPage(browser(), baseUrl);
  // An operator who belongs to no account lands on the home page, which leads to the operator area.
  await page.goto(`${baseUrl}/`);
  await page.getByRole("link", { name: "Operator area", exact: true }).click();
  await page.waitForURL(`${baseUrl}/operator`);

  await page.getByRole("searchbox", { name: "Search accounts by name or identifier" }).fill(target.customer.identifier);
  await page.getByRole("button", { name: "Search" }).click();
  await page.waitForURL(/\?q=/);
  const row = page.getByTestId("operator-account-row").filter({ hasText: target.customer.identifier });
  await expect.poll(() => row.count()).toBe(1);

  await row.getByRole("button", { name: "Make partner" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Make partner" }).click();
  await expect.poll(async () => (await db.select().from(customers).where(eq(customers.id, target.customer.id)))[0].kind).toBe("partner");

  await row.getByRole("spinbutton", { name: `Project quota of ${target.customer.name}` }).fill("12");
  await row.getByRole("button", { name: `Save project quota of ${target.customer.name}` }).click();
  await expect.poll(async () => (await db.select().from(customers).where(eq(customers.id, target.customer.id)))[0].projectQuota).toBe(12);
  await screenshot(page, "operator-accounts");

  await page.getByRole("navigation", { name: "Operator" }).getByRole("link", { name: "Operators" }).click();
  await page.waitForURL(`${baseUrl}/operator/operators`);
  await page.getByLabel("E-mail of a user to make operator").fill(colleague.email);
  await page.getByRole("button", { name: "Make operator" }).click();
  await expect.poll(() => page.getByTestId("operator-row").filter({ hasText: colleague.email }).count()).toBe(1);
  expect((await db.select().from(users).where(eq(users.id, colleague.id)))[0].isOperator).toBe(true);
  await screenshot(page, "operator-operators");

  // On a phone the accounts table scrolls inside its card; the page itself doesn't.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${baseUrl}/operator`);
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
  await screenshot(page, "operator-accounts-phone");
  await page.context().close();
});
