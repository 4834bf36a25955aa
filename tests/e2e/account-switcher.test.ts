// The account switcher of someone in many accounts (a Partner Admin who added themselves to their customers): it lists
// the first twenty, partner account first, finds any other one as the person types, and leads to the Accounts page,
// which lists them all, searchable and page by page. No page carries every account.
import { afterAll, expect, inject, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { customers } from "@/db/schema";
import { setAccountKind } from "@/lib/partners";
import { DESKTOP, PHONE, screenshot, useBrowser } from "../support/browser";
import { signInViaUi } from "../support/e2e";
import { PASSWORD, SYSTEM, addMember, newAccount, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

it("lists twenty accounts, finds the others by typing, and lists them all on the Accounts page", async () => {
  const tag = unique("w").slice(2, 8);
  // The partner's name sorts last: the switcher still lists it first.
  const owner = await newAccount({ fullName: "Wanda Wide", accountName: `Zz Partner ${tag}` });
  const partner = (await setAccountKind(SYSTEM, owner.customer.identifier, "partner")).identifier;
  const many = await db
    .insert(customers)
    .values(
      Array.from({ length: 60 }, (_, i) => ({ identifier: `w${tag}-${String(i).padStart(2, "0")}`, name: `Customer ${tag} ${String(i).padStart(2, "0")}` })),
    )
    .returning();
  for (const c of many) await addMember(owner.user.id, c.id, "customer_admin");

  const page = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(page, baseUrl, owner.user.email, PASSWORD);
  await page.goto(`${baseUrl}/${partner}`);
  const switcher = page.getByTestId("account-switcher");
  await switcher.locator("summary").click();
  const entries = switcher.getByRole("list", { name: "Your accounts" }).getByRole("link");
  expect(await entries.count()).toBe(20);
  expect(await entries.first().textContent()).toContain(`Zz Partner ${tag}`);
  expect(await switcher.getByRole("link", { name: `Customer ${tag} 45` }).count()).toBe(0);

  // Typing finds an account beyond the twenty, and following it switches to it.
  await switcher.getByLabel("Find one of your accounts").fill(`${tag} 45`);
  const found = switcher.getByRole("list", { name: "Accounts found" }).getByRole("link");
  await expect.poll(() => found.allTextContents()).toEqual([expect.stringContaining(`Customer ${tag} 45`)]);
  await screenshot(page, "account-switcher-search");
  await found.first().click();
  await page.waitForURL(`${baseUrl}/w${tag}-45`);
  // The button names the current account even though the switcher's first twenty leave it out.
  expect(await page.getByTestId("account-switcher").locator("summary").getAttribute("aria-label")).toContain(`Customer ${tag} 45`);

  // The Accounts page: all 61, fifty a page, searchable; Enter in the switcher's search opens it with the search.
  await page.getByTestId("account-switcher").locator("summary").click();
  await page.getByLabel("Find one of your accounts").fill(`${tag} 1`);
  await page.getByLabel("Find one of your accounts").press("Enter");
  await page.waitForURL((url) => url.pathname === "/profile/accounts");
  await expect.poll(() => page.getByTestId("my-account-row").count()).toBe(10);
  await page.goto(`${baseUrl}/profile/accounts`);
  expect(await page.getByTestId("my-account-row").count()).toBe(50);
  expect(await page.getByTestId("my-account-row").first().textContent()).toContain("Partner Admin");
  await page.getByRole("link", { name: "Next" }).click();
  await expect.poll(() => page.getByTestId("my-account-row").count()).toBe(11);
  expect(await page.getByTestId("my-account-row").last().textContent()).toContain(`Customer ${tag} 59`);

  const phone = await (await browser().newContext(PHONE)).newPage();
  await signInViaUi(phone, baseUrl, owner.user.email, PASSWORD);
  await phone.goto(`${baseUrl}/profile/accounts`);
  await screenshot(phone, "my-accounts-phone");
  expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

  // The switcher's search answers the signed-in person about their own accounts, and nobody else.
  const signedOut = (await browser().newContext()).request;
  expect((await signedOut.get(`${baseUrl}/profile/accounts/options?q=${tag}`)).status()).toBe(401);
  const stranger = await newAccount({ fullName: "Sam Stranger" });
  const strangerPage = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(strangerPage, baseUrl, stranger.user.email, PASSWORD);
  const answer = await strangerPage.context().request.get(`${baseUrl}/profile/accounts/options?q=${tag}`);
  expect(await answer.json()).toEqual({ accounts: [], more: false });
});
