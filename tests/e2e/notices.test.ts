// A partner writes to a customer's two users from the envelope icon of its Customers list, and both see it appear
// without reloading. Single read only: one acknowledges, the other's panel clears by itself, and the tracking page names
// who closed it. All must read: both acknowledge and the progress bar reaches 100 % on the sender's open page.
import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb } from "@/db/client";
import { sendNotice } from "@/lib/notices";
import { createManagedCustomer, setAccountKind } from "@/lib/partners";
import { DESKTOP, useBrowser } from "../support/browser";
import { signInViaUi } from "../support/e2e";
import { PASSWORD, SYSTEM, addMember, as, newAccount, newUser, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

const SHOTS = "/work/notes/shots";
const shot = async (page: Page, name: string) => {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/notices-${name}.png`, fullPage: true });
};

/** Marks the page's JavaScript world: the mark survives re-renders and is gone after a reload. */
const mark = (page: Page) => page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
const notReloaded = (page: Page) => page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload === true);
const panel = (page: Page) => page.getByTestId("notice-panel");

it("delivers Single read only and All must read notices live, and tracks them to the last acknowledgement", async () => {
  const tag = unique("n").slice(2, 8);
  const owner = await newAccount({ fullName: "Petra Partner", accountName: `Notice Partner ${tag}` });
  const partner = (await setAccountKind(SYSTEM, owner.customer.identifier, "partner")).identifier;
  const customer = await createManagedCustomer(as(owner.user), partner, { name: `Harbour Logistics ${tag}`, identifier: `harbour-${tag}` });
  const alice = await newUser("Alice Anchor");
  const bob = await newUser("Bob Buoy");
  await addMember(alice.id, customer.id, "customer_admin");
  await addMember(bob.id, customer.id, "customer_employee");

  const sender = await (await browser().newContext(DESKTOP)).newPage();
  const a = await (await browser().newContext(DESKTOP)).newPage();
  const b = await (await browser().newContext({ viewport: { width: 375, height: 800 } })).newPage();
  await signInViaUi(sender, baseUrl, owner.user.email, PASSWORD);
  for (const [page, user] of [
    [a, alice],
    [b, bob],
  ] as const) {
    await signInViaUi(page, baseUrl, user.email, PASSWORD);
    await page.goto(`${baseUrl}/${customer.identifier}/projects`);
    expect(await panel(page).count()).toBe(0);
    await mark(page);
  }

  // From the envelope icon of the customer's row to the compose form, with a preview and the reach.
  await sender.goto(`${baseUrl}/${partner}/admin/customers`);
  await sender.getByRole("link", { name: `Send a notice to ${customer.name}` }).click();
  await sender.waitForURL((url) => url.pathname.endsWith("/admin/notices/new"));
  const form = sender.getByRole("form", { name: "New notice" });
  expect(await form.getByLabel("Customer identifiers").inputValue()).toBe(customer.identifier);
  await form.getByLabel("Title").fill("Rotate your deploy keys");
  await form.getByLabel("Message").fill("Our signing keys change on **Monday**.\n\n- rotate the key\n- confirm here <script>alert(1)</script>");
  await form.getByRole("radio", { name: /Single read only/ }).check();
  await form.getByLabel("Importance").selectOption("action_required");
  await form.getByRole("button", { name: "Preview" }).click();
  const preview = sender.getByTestId("notice-preview");
  await expect.poll(() => preview.getByRole("heading", { level: 2 }).textContent()).toBe("Preview · 1 customer, 2 people");
  expect(await preview.locator("strong").textContent()).toBe("Monday");
  expect(await preview.innerHTML()).not.toContain("<script");
  await shot(sender, "compose");
  await form.getByRole("button", { name: "Send notice" }).click();
  await sender.waitForURL((url) => /\/admin\/notices\/[0-9a-f-]{36}$/.test(url.pathname));
  const trackingUrl = sender.url();

  // Both see it without reloading.
  for (const page of [a, b]) {
    await expect.poll(() => panel(page).getByRole("heading", { name: "Rotate your deploy keys" }).count(), { timeout: 15_000 }).toBe(1);
    expect(await notReloaded(page)).toBe(true);
  }
  await shot(a, "panel");
  await shot(b, "panel-phone");

  // Alice acknowledges; Bob's panel clears by itself.
  await panel(a).getByRole("button", { name: "Acknowledge" }).click();
  await expect.poll(() => panel(a).count(), { timeout: 15_000 }).toBe(0);
  await expect.poll(() => panel(b).count(), { timeout: 15_000 }).toBe(0);
  expect(await notReloaded(b)).toBe(true);
  // The notice centre keeps it, closed by Alice.
  await b.goto(`${baseUrl}/${customer.identifier}/notices`);
  await expect.poll(() => b.getByTestId("notice").first().textContent()).toContain("Acknowledged by Alice Anchor");

  await sender.goto(trackingUrl);
  const row = sender.getByTestId("tracking-customer").filter({ hasText: customer.name });
  await expect.poll(() => row.textContent()).toContain(`Closed by Alice Anchor (${alice.email})`);
  expect(await sender.getByRole("progressbar", { name: "Customers closed" }).getAttribute("aria-valuetext")).toBe("1 of 1 (100 %)");
  await shot(sender, "tracking-single");

  // All must read: both acknowledge; the sender's open tracking page follows to 100 %.
  await sender.goto(`${baseUrl}/${partner}/admin/notices/new?customer=${customer.identifier}`);
  await form.getByLabel("Title").fill("New office hours");
  await form.getByLabel("Message").fill("From next week we answer from 8 to 18 UTC.");
  await form.getByRole("button", { name: "Send notice" }).click();
  await sender.waitForURL((url) => /\/admin\/notices\/[0-9a-f-]{36}$/.test(url.pathname) && url.href !== trackingUrl);
  await mark(sender);
  const bar = sender.getByRole("progressbar", { name: "Acknowledgements", exact: true });
  expect(await bar.getAttribute("aria-valuetext")).toBe("0 of 2 (0 %)");
  await b.goto(`${baseUrl}/${customer.identifier}/projects`);
  for (const page of [a, b]) {
    await expect.poll(() => panel(page).getByRole("heading", { name: "New office hours" }).count(), { timeout: 15_000 }).toBe(1);
    await panel(page).getByRole("button", { name: "Acknowledge" }).click();
    await expect.poll(() => panel(page).count(), { timeout: 15_000 }).toBe(0);
  }
  await expect.poll(() => bar.getAttribute("aria-valuetext"), { timeout: 15_000 }).toBe("2 of 2 (100 %)");
  expect(await notReloaded(sender)).toBe(true);
  expect(await sender.getByRole("status").filter({ hasText: "Everyone has acknowledged it." }).count()).toBe(1);
  await shot(sender, "tracking-all");
  const csv = await (await sender.request.get(`${sender.url()}/export`)).text();
  expect(csv.split("\r\n")[0]).toBe("customer,customer name,name,email,status,acknowledged at (UTC)");
  for (const user of [alice, bob]) expect(csv).toMatch(new RegExp(`${user.email},acknowledged,\\d{4}-`));

  await sender.goto(`${baseUrl}/${partner}/admin/notices`);
  expect(await sender.getByTestId("notice-row").count()).toBe(2);
  await shot(sender, "list");

  // The server refuses what the UI never offers: a recipient acknowledging in an account that isn't theirs.
  const stranger = await newAccount({ fullName: "Sid Stranger" });
  const s = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(s, baseUrl, stranger.user.email, PASSWORD);
  expect((await s.goto(`${baseUrl}/${customer.identifier}/notices`))!.status()).toBe(404);
  expect((await s.goto(`${baseUrl}/${partner}/admin/notices`))!.status()).toBe(404);
});

it("composes a notice for the customers ticked in the Customers list", async () => {
  const tag = unique("s").slice(2, 8);
  const owner = await newAccount({ fullName: "Sami Selector", accountName: `Selecting Partner ${tag}` });
  const partner = (await setAccountKind(SYSTEM, owner.customer.identifier, "partner")).identifier;
  const picked = [];
  for (const name of ["Alder", "Birch", "Cedar"])
    picked.push(await createManagedCustomer(as(owner.user), partner, { name: `${name} ${tag}`, identifier: `${name.toLowerCase()}-${tag}` }));
  const page = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(page, baseUrl, owner.user.email, PASSWORD);
  await page.goto(`${baseUrl}/${partner}/admin/customers`);
  await page.getByRole("checkbox", { name: `Select ${picked[0].name}` }).check();
  await page.getByRole("checkbox", { name: `Select ${picked[2].name}` }).check();
  await page.getByRole("link", { name: "Send a notice…" }).click();
  await page.waitForURL((url) => url.pathname.endsWith("/admin/notices/new"));
  const form = page.getByRole("form", { name: "New notice" });
  // The two ticked, not the third; the preview counts them.
  expect((await form.getByLabel("Customer identifiers").inputValue()).split(/\s+/).sort()).toEqual([picked[0].identifier, picked[2].identifier].sort());
  await form.getByLabel("Title").fill("Maintenance window");
  await form.getByLabel("Message").fill("Saturday night.");
  await form.getByRole("button", { name: "Preview" }).click();
  await expect.poll(() => form.textContent()).toContain("2 customers");
});

it("pages a big notice's customers and open people on their own, with first and last pages", async () => {
  const tag = unique("np").slice(2, 8);
  const owner = await newAccount({ fullName: "Paula Pages", accountName: `Paging Partner ${tag}` });
  const partner = (await setAccountKind(SYSTEM, owner.customer.identifier, "partner")).identifier;
  // 23 customers of 3 people each: 23 customer rows (pages of 20) and 69 open people (pages of 50).
  const identifiers: string[] = [];
  for (let i = 0; i < 23; i++) {
    const c = await createManagedCustomer(as(owner.user), partner, { name: `Paged ${String(i).padStart(2, "0")} ${tag}`, identifier: `pg${i}-${tag}` });
    for (let j = 0; j < 3; j++) await addMember((await newUser(`Reader ${i}.${j}`)).id, c.id, j === 0 ? "customer_admin" : "customer_employee");
    identifiers.push(c.identifier);
  }
  const sent = await sendNotice(as(owner.user), partner, {
    title: "Paged notice",
    body: "Read me.",
    mode: "all_must_read",
    to: "customers",
    customers: identifiers,
  });

  const page = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(page, baseUrl, owner.user.email, PASSWORD);
  await page.goto(`${baseUrl}/${partner}/admin/notices/${sent.id}`);
  const customers = page.getByRole("navigation", { name: "Customers pages" });
  const people = page.getByRole("navigation", { name: "Open people pages" });
  const customerNames = () => page.getByTestId("tracking-customer").locator("td:first-child span.font-medium").allTextContents();
  expect(await customerNames()).toHaveLength(20);
  expect((await customerNames())[0]).toBe(`Paged 00 ${tag}`);
  expect(await customers.getByRole("link", { name: "Previous" }).count()).toBe(0);
  expect(await page.getByTestId("open-person").count()).toBe(50);

  // The last page is the last twenty, as a mail client's is; "Previous" from there shows the three before them.
  const names = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `Paged ${String(from + i).padStart(2, "0")} ${tag}`);
  await customers.getByRole("link", { name: "Last page" }).click();
  await expect.poll(customerNames).toEqual(names(3, 23));
  expect(await customers.getByRole("link", { name: "Next" }).count()).toBe(0);
  // The people's pager moves on its own and keeps the customers where they are.
  await people.getByRole("link", { name: "Next" }).click();
  await expect.poll(() => page.getByTestId("open-person").count()).toBe(19);
  expect(await customerNames()).toEqual(names(3, 23));
  await shot(page, "tracking-last-pages");
  await customers.getByRole("link", { name: "Previous" }).click();
  await expect.poll(customerNames).toEqual(names(0, 3));
  expect(await customers.getByRole("link", { name: "Previous" }).count()).toBe(0);
  expect(await page.getByTestId("open-person").count()).toBe(19);
});
