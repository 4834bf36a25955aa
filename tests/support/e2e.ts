// Steps browser tests share: signing up and in through the real forms, and posting a server-action form by hand.
import type { Browser, Page } from "playwright-core";
import { setOperator } from "@/lib/operators";
import { PASSWORD, SYSTEM, newUser, unique } from "./factories";

export const E2E_PASSWORD = "a-strong-passphrase-7";

export async function signUpViaUi(page: Page, baseUrl: string, opts: { fullName?: string; identifier?: string; accountName?: string; email?: string } = {}) {
  const identifier = opts.identifier ?? unique("e2e");
  const email = opts.email ?? `${identifier}@example.test`;
  await page.goto(`${baseUrl}/sign-up`);
  await page.getByLabel("Full name").fill(opts.fullName ?? "Ada Admin");
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByLabel("Account name").fill(opts.accountName ?? `Account ${identifier}`);
  await page.getByLabel("Account identifier").fill(identifier);
  await page.getByRole("button", { name: "Create account" }).click();
  // Sign-up answers every address alike and signs nobody in: the new person signs in next.
  await page.waitForURL(`${baseUrl}/sign-up/sent`);
  await signInViaUi(page, baseUrl, email, E2E_PASSWORD);
  await page.waitForURL(`${baseUrl}/${identifier}`);
  return { identifier, email };
}

export async function signInViaUi(page: Page, baseUrl: string, email: string, password: string) {
  await page.goto(`${baseUrl}/sign-in`);
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.pathname !== "/sign-in");
}

/** The hidden fields React renders into a server-rendered form whose action is a server action (its id, bound state). */
export async function serverActionFields(page: Page, formHasField: string): Promise<[string, string][]> {
  return page.evaluate(async (field) => {
    const html = await (await fetch(location.href)).text();
    const doc = new DOMParser().parseFromString(html, "text/html");
    const form = doc.querySelector(`input[name="${field}"]`)?.closest("form");
    if (!form) throw new Error("form not found in the server-rendered HTML");
    return [...form.querySelectorAll<HTMLInputElement>("input[type=hidden]")]
      .filter((i) => i.name.startsWith("$ACTION"))
      .map((i) => [i.name, i.value] as [string, string]);
  }, formHasField);
}

/** Posts a form to the current page the way a browser without JavaScript submits a server-action form. */
export async function postForm(page: Page, fields: [string, string][]): Promise<number> {
  return page.evaluate(async (entries) => {
    const body = new FormData();
    for (const [k, v] of entries) body.append(k, v);
    return (await fetch(location.href, { method: "POST", body })).status;
  }, fields);
}

/**
 * A page signed in as an operator of the installation (a user made operator for the test), in a context of its own:
 * the dev mailbox is theirs to read.
 */
export async function operatorPage(browser: Browser, baseUrl: string): Promise<Page> {
  const operator = await newUser("Olive Operator");
  await setOperator(SYSTEM, operator.email, true);
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await signInViaUi(page, baseUrl, operator.email, PASSWORD);
  return page;
}

/** How many e-mails to `email` the dev mailbox lists as sent, read afresh by an operator's page; poll it to wait for the worker. */
export async function countSentMails(operator: Page, baseUrl: string, email: string, subject?: string): Promise<number> {
  const page = operator;
  await page.goto(`${baseUrl}/operator/mailbox`);
  const rows = page.getByTestId("mailbox-row").filter({ hasText: email }).filter({ hasText: "sent" });
  return (subject ? rows.filter({ hasText: subject }) : rows).count();
}
