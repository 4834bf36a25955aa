// The small things that make the app feel finished: no request answered 404 on a page's load (the site icon exists),
// menus that close on Escape with focus back on their button, a confirmation whose whole text shows on a laptop and
// on a phone, a phone's tabs that show they scroll, and a name of one long word that stays inside the page.
import type { Page, Response } from "playwright-core";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb } from "@/db/client";
import { createManagedCustomer, setAccountKind } from "@/lib/partners";
import { DESKTOP, PHONE, screenshot, useBrowser } from "../support/browser";
import { signInViaUi } from "../support/e2e";
import { PASSWORD, SYSTEM, addMember, as, newAccount, newUser, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

/** Whether every part of the element's text lies inside its box (nothing cut off, nothing overflowing). */
const textFits = (page: Page, selector: string) =>
  page.locator(selector).evaluate((el) => {
    const box = el.getBoundingClientRect();
    const range = document.createRange();
    range.selectNodeContents(el);
    const rects = [...range.getClientRects()];
    const inside = rects.every((r) => r.left >= box.left - 0.5 && r.right <= box.right + 0.5 && r.top >= box.top - 0.5 && r.bottom <= box.bottom + 0.5);
    return { inside, overflow: el.scrollWidth > el.clientWidth + 1, width: box.width, viewport: window.innerWidth, right: box.right };
  });

it("loads pages without a 404, and closes the menus on Escape with focus back on their button", async () => {
  const account = await newAccount({ fullName: "Fiona Finish" });
  const page = await (await browser().newContext(DESKTOP)).newPage();
  const missing: string[] = [];
  page.on("response", (r: Response) => void (r.status() === 404 && missing.push(r.url())));
  await signInViaUi(page, baseUrl, account.user.email, PASSWORD);
  await page.goto(`${baseUrl}/${account.customer.identifier}/users`);
  await page.waitForLoadState("networkidle");
  expect(missing).toEqual([]);
  expect(await page.locator('link[rel="icon"]').count()).toBeGreaterThan(0);

  for (const menu of ["account-switcher", "settings-menu"]) {
    const details = page.getByTestId(menu);
    await details.locator("summary").click();
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
    expect(await details.locator("summary").evaluate((s) => s === document.activeElement)).toBe(true);
  }
  // A click elsewhere closes it too.
  const switcher = page.getByTestId("account-switcher");
  await switcher.locator("summary").click();
  await page.locator("main").click({ position: { x: 5, y: 5 } });
  await expect.poll(() => switcher.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false);
});

it("shows the whole remove confirmation on a laptop and on a phone", async () => {
  const account = await newAccount({ fullName: "Rhea Remover" });
  const member = await newUser("Maximilian Alexander Featherstonehaugh-Worthington");
  await addMember(member.id, account.customer.id, "customer_employee");
  for (const [label, size] of [
    ["laptop", DESKTOP],
    ["phone", PHONE],
  ] as const) {
    const page = await (await browser().newContext(size)).newPage();
    await signInViaUi(page, baseUrl, account.user.email, PASSWORD);
    await page.goto(`${baseUrl}/${account.customer.identifier}/users`);
    await page.getByRole("button", { name: `Remove ${member.email}` }).click();
    const dialog = page.getByRole("dialog", { name: `Remove ${member.name}?` });
    await dialog.waitFor();
    const fit = await textFits(page, "dialog[open] p");
    expect(fit, `the confirmation's text on a ${label}`).toMatchObject({ inside: true, overflow: false });
    expect(fit.right).toBeLessThanOrEqual(fit.viewport);
    await screenshot(page, `finishing-remove-${label}`);
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.isVisible()).toBe(false);
  }
});

it("keeps a one-word name inside the page and shows the phone's tabs scroll", async () => {
  const tag = unique("w").slice(2, 8);
  const owner = await newAccount({ fullName: "Wanda Wide", accountName: `Wide Partner ${tag}` });
  const partner = (await setAccountKind(SYSTEM, owner.customer.identifier, "partner")).identifier;
  const long = `Supercalifragilisticexpialidocious${"X".repeat(40)}${tag}`;
  const customer = await createManagedCustomer(as(owner.user), partner, { name: long, identifier: `wide-${tag}` });
  const page = await (await browser().newContext(PHONE)).newPage();
  await signInViaUi(page, baseUrl, owner.user.email, PASSWORD);
  await page.goto(`${baseUrl}/${partner}/admin/customers/${customer.identifier}`);
  const heading = await textFits(page, "main h1");
  expect(heading.inside).toBe(true);
  expect(heading.right).toBeLessThanOrEqual(heading.viewport);
  // The page itself never scrolls sideways; the tabs do, and show it.
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  const tabs = page.getByRole("navigation", { name: "Account" });
  expect(await tabs.evaluate((n) => n.scrollWidth > n.clientWidth)).toBe(true);
  expect(await tabs.evaluate((n) => getComputedStyle(n).backgroundImage)).toContain("gradient");
  await screenshot(page, "finishing-long-name-phone");

  // On a laptop, the Customers list keeps each row's actions in sight, however long the name.
  const laptop = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(laptop, baseUrl, owner.user.email, PASSWORD);
  await laptop.goto(`${baseUrl}/${partner}/admin/customers`);
  const details = await laptop.getByRole("link", { name: `Delete ${long}` }).boundingBox();
  expect(details).not.toBeNull();
  expect(details!.x + details!.width).toBeLessThanOrEqual(1280);
  expect(await laptop.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await screenshot(laptop, "finishing-long-name-customers");
});
