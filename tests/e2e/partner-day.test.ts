// A partner's day with many customers: the list's cards follow its filter, every column is in sight at 1280 px (and
// folds into the row on a phone), selections span pages and filters, the notice panel stays small.
import type { Page } from "playwright-core";
import { afterAll, expect, inject, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { closeDb, db } from "@/db/client";
import { users } from "@/db/schema";
import { setOperator } from "@/lib/operators";
import { createCustomerGroup, setCustomerGroupMembership } from "@/lib/customer-groups";
import { sendNotice } from "@/lib/notices";
import { addMyself, createManagedCustomer, setAccountKind } from "@/lib/partners";
import { DESKTOP, PHONE, screenshot, useBrowser } from "../support/browser";
import { signInViaUi, signUpViaUi } from "../support/e2e";
import { PASSWORD, SYSTEM, addMember, as, newAccount, newUser, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

/** A partner with `n` customers named "<Letter> <tag>", and a signed-in page at each of the two widths. */
async function partnerWith(n: number) {
  const tag = unique("p").slice(2, 8);
  const owner = await newAccount({ fullName: "Pia Partner", accountName: `Busy Partner ${tag}` });
  const partner = (await setAccountKind(SYSTEM, owner.customer.identifier, "partner")).identifier;
  const admin = as(owner.user);
  const made = [];
  for (let i = 0; i < n; i++) {
    const name = `C${String(i).padStart(2, "0")} ${tag}`;
    made.push(await createManagedCustomer(admin, partner, { name, identifier: `c${String(i).padStart(2, "0")}-${tag}` }));
  }
  return { tag, owner, partner, admin, customers: made };
}

async function signedIn(email: string, size: typeof DESKTOP): Promise<Page> {
  const page = await (await browser().newContext(size)).newPage();
  await signInViaUi(page, baseUrl, email, PASSWORD);
  return page;
}

const card = (page: Page, label: string) =>
  page
    .getByTestId("overview-card")
    .filter({ has: page.getByText(label, { exact: true }) })
    .getByTestId("overview-value")
    .textContent();

it("counts what a filtered list shows in its cards, and says the totals beside them", async () => {
  const { partner, admin, owner, customers } = await partnerWith(12);
  const group = await createCustomerGroup(admin, partner, { name: "Enterprise" });
  await setCustomerGroupMembership(admin, partner, { groupId: group.id, customers: customers.slice(0, 4).map((c) => c.identifier), member: true });
  await addMyself(admin, partner, customers[0].identifier);
  await addMyself(admin, partner, customers[7].identifier);
  for (const size of [DESKTOP, PHONE]) {
    const page = await signedIn(owner.user.email, size);
    await page.goto(`${baseUrl}/${partner}/admin/customers`);
    expect(await card(page, "Customers")).toBe("12");
    expect(await page.getByTestId("overview-caption").textContent()).toBe("Every customer you manage, with its sub-customers.");
    await page.goto(`${baseUrl}/${partner}/admin/customers?group=${group.id}`);
    expect(await card(page, "Customers")).toBe("4");
    expect(await card(page, "Users")).toBe("1");
    expect(await page.getByTestId("overview-caption").textContent()).toBe("These numbers count the 4 customers the list below shows, of 12 in all.");
    await screenshot(page, `group-cards-${size.viewport.width}`);
    await page.context().close();
  }
});

it("shows every column at 1280 px, and folds the less important ones into the row on a phone", async () => {
  const { partner, admin, owner, customers } = await partnerWith(3);
  const group = await createCustomerGroup(admin, partner, { name: "Enterprise customers in the north" });
  await setCustomerGroupMembership(admin, partner, { groupId: group.id, customers: [customers[0].identifier], member: true });
  const child = await createManagedCustomer(admin, partner, {
    name: `A rather long customer name for the hierarchy ${customers[0].identifier}`,
    identifier: `kid-${customers[0].identifier}`,
    parent: customers[0].identifier,
  });

  const laptop = await signedIn(owner.user.email, DESKTOP);
  await laptop.goto(`${baseUrl}/${partner}/admin/customers`);
  // Every heading is in the viewport, whole, and the page doesn't scroll sideways.
  const headers = laptop.locator("table thead th");
  const labels = ["Name", "Parent", "Groups", "Users", "Pending", "Projects", "Created"];
  for (const label of labels) {
    const th = headers.filter({ hasText: new RegExp(`^${label}`, "i") });
    const box = await th.boundingBox();
    expect(box, label).not.toBeNull();
    expect(box!.x + box!.width, label).toBeLessThanOrEqual(1280);
    // Not cut: the heading's text fits its cell.
    expect(await th.evaluate((el) => el.scrollWidth <= el.clientWidth + 1), label).toBe(true);
  }
  const scroller = laptop.locator("table").locator("xpath=..");
  expect(await scroller.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  expect(await laptop.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  const kidRow = laptop.getByTestId("customer-row").filter({ hasText: child.identifier });
  expect(await kidRow.getByTestId("customer-quota").textContent()).toBe("0 / 5");
  expect(await kidRow.getByTestId("folded").isVisible()).toBe(false);
  await screenshot(laptop, "customers-columns-1280");

  // On a phone: no sideways scroll; the folded columns are said in the row.
  const phone = await signedIn(owner.user.email, PHONE);
  await phone.goto(`${baseUrl}/${partner}/admin/customers`);
  expect(
    await phone
      .locator("table")
      .locator("xpath=..")
      .evaluate((el) => el.scrollWidth <= el.clientWidth),
  ).toBe(true);
  expect(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  const folded = phone.getByTestId("customer-row").filter({ hasText: child.identifier }).getByTestId("folded");
  expect(await folded.isVisible()).toBe(true);
  expect(await folded.textContent()).toMatch(new RegExp(`under ${customers[0].name}.*0 users.*0 of 5 projects.*0 pending.*created \\d{4}-\\d{2}-\\d{2}`));
  const grouped = phone
    .getByTestId("customer-row")
    .filter({ has: phone.getByTestId("customer-identifier").getByText(customers[0].identifier, { exact: true }) })
    .getByTestId("folded");
  expect(await grouped.textContent()).toContain("Enterprise customers in the north");
  await screenshot(phone, "customers-columns-390");
});

it("keeps the notice panel small: the most pressing three, one line each, opened in place, and folded on the server", async () => {
  const { partner, admin, customers } = await partnerWith(1);
  const reader = await newUser("Rita Reader");
  await addMember(reader.id, customers[0].id, "customer_admin");
  const to = { to: "customers" as const, customers: [customers[0].identifier], mode: "all_must_read" as const, body: "Please read **this**." };
  const inDays = (d: number) => new Date(Date.now() + d * 86_400_000);
  for (const [title, extra] of [
    ["Newsletter one", {}],
    ["Newsletter two", {}],
    ["Price list", {}],
    ["Rotate keys", { importance: "action_required", dueAt: inDays(9) }],
    ["Sign the contract", { importance: "action_required", dueAt: inDays(2) }],
    ["Update billing", { importance: "action_required" }],
  ] as const)
    await sendNotice(admin, partner, { ...to, title, ...extra });

  for (const size of [DESKTOP, PHONE]) {
    const page = await signedIn(reader.email, size);
    await page.goto(`${baseUrl}/${customers[0].identifier}/projects`);
    const panel = page.getByTestId("notice-panel");
    expect(await panel.getByRole("heading", { level: 2 }).textContent()).toBe("6 notices for you");
    expect(await panel.getByTestId("panel-pressing").textContent()).toBe("3 need action");
    // Action required first, the soonest due first among them; three lines, then "3 more".
    expect(await panel.getByRole("heading", { level: 3 }).allTextContents()).toEqual(["Sign the contract", "Rotate keys", "Update billing"]);
    expect(await panel.getByTestId("panel-more").textContent()).toBe("3 more on the notices page");
    // One line each: the panel is no taller than a few lines, the bodies closed.
    const height = (await panel.boundingBox())!.height;
    expect(height).toBeLessThan(size === DESKTOP ? 260 : 420);
    expect(await panel.getByText("Please read").first().isVisible()).toBe(false);
    // Opened in place.
    await panel.getByRole("heading", { name: "Sign the contract" }).click();
    await expect.poll(() => panel.getByTestId("notice").first().getByText("Please read").isVisible()).toBe(true);
    await screenshot(page, `notice-panel-${size.viewport.width}`);
    await page.context().close();
  }

  // Folded, it stays folded on another device (the server keeps it), and says what presses in one line.
  const page = await signedIn(reader.email, DESKTOP);
  await page.goto(`${baseUrl}/${customers[0].identifier}/projects`);
  await page.getByTestId("notice-panel").getByRole("button", { name: "Fold" }).click();
  await expect.poll(() => page.getByTestId("notice-panel").getAttribute("data-folded")).toBe("true");
  const other = await signedIn(reader.email, PHONE);
  await other.goto(`${baseUrl}/${customers[0].identifier}/settings`);
  const folded = other.getByTestId("notice-panel");
  expect(await folded.getAttribute("data-folded")).toBe("true");
  expect(await folded.getByTestId("notice").count()).toBe(0);
  expect(await folded.getByTestId("panel-pressing").textContent()).toBe("3 need action");
  expect((await folded.boundingBox())!.height).toBeLessThan(110);
  await screenshot(other, "notice-panel-folded-390");
  await folded.getByRole("button", { name: "Show" }).click();
  await expect.poll(() => other.getByTestId("notice-panel").getByTestId("notice").count()).toBe(3);
});

it("explains a first run: the operator told once where their area is, an unconfirmed address said on every page", async () => {
  for (const size of [DESKTOP, PHONE]) {
    const page = await (await browser().newContext(size)).newPage();
    const { identifier, email } = await signUpViaUi(page, baseUrl, { fullName: "Otto First" });
    // The address is not confirmed yet: every page says so, with a new link a click away.
    for (const path of [`/${identifier}`, `/${identifier}/settings`, `/${identifier}/users`, "/profile"]) {
      await page.goto(`${baseUrl}${path}`);
      expect(await page.getByTestId("unverified-banner").textContent(), path).toContain(email);
    }
    await page.goto(`${baseUrl}/${identifier}/settings`);
    // The home page setting says why only the overview is offered: no projects yet.
    expect(await page.locator("#field-homeProject-hint").textContent()).toContain("It has no projects yet, so the overview is the only choice");
    await page.getByTestId("unverified-banner").getByRole("button", { name: "Send a new link" }).click();
    await expect.poll(() => page.getByTestId("unverified-banner").getByRole("status").textContent()).toBe(`We sent a new confirmation link to ${email}.`);

    // An operator (the first to sign up on a fresh installation; made one here) is told once what that means.
    await setOperator(SYSTEM, email, true);
    await page.goto(`${baseUrl}/${identifier}`);
    const welcome = page.getByTestId("operator-welcome");
    expect(await welcome.getByRole("heading").textContent()).toBe("You are an operator of this installation");
    expect(await welcome.getByRole("link", { name: "Open the Operator area" }).getAttribute("href")).toBe("/operator");
    await screenshot(page, `first-run-banners-${size.viewport.width}`);
    await welcome.getByRole("button", { name: "Got it" }).click();
    await expect.poll(() => page.getByTestId("operator-welcome").count()).toBe(0);
    const [me] = await db.select().from(users).where(eq(users.email, email));
    expect(me.operatorWelcomedAt).not.toBeNull();
    await page.goto(`${baseUrl}/${identifier}/settings`);
    expect(await page.getByTestId("operator-welcome").count()).toBe(0);
    expect(await page.getByTestId("unverified-banner").count()).toBe(1);
    await page.context().close();
  }
});

it("keeps a selection across pages and filters, and deletes exactly all that match", async () => {
  const { partner, admin, owner, customers, tag } = await partnerWith(30);
  const others = [];
  for (const n of ["Zed one", "Zed two"])
    others.push(await createManagedCustomer(admin, partner, { name: n, identifier: `${n.replace(" ", "-").toLowerCase()}-${tag}` }));
  const group = await createCustomerGroup(admin, partner, { name: "Eight" });
  await setCustomerGroupMembership(admin, partner, { groupId: group.id, customers: customers.slice(0, 8).map((c) => c.identifier), member: true });
  const target = await createCustomerGroup(admin, partner, { name: "Picked" });

  for (const size of [DESKTOP, PHONE]) {
    const page = await signedIn(owner.user.email, size);
    const list = `${baseUrl}/${partner}/admin/customers`;
    await page.goto(list);
    const count = () => page.getByTestId("selected-count").textContent();
    for (const c of customers.slice(1, 4)) await page.getByRole("checkbox", { name: `Select ${c.name}` }).check();
    await expect.poll(count).toBe("3 selected");
    // Page 2: the selection stays, and grows.
    await page.getByRole("link", { name: "Next" }).click();
    await page.waitForURL((u) => u.searchParams.has("after"));
    await expect.poll(count).toBe("3 selected");
    await page.getByRole("checkbox", { name: `Select ${customers[27].name}` }).check();
    await page.getByRole("checkbox", { name: `Select ${others[0].name}` }).check();
    await expect.poll(count).toBe("5 selected");
    // Another filter: still five, and those it shows are ticked.
    await page.goto(`${list}?group=${group.id}`);
    await expect.poll(count).toBe("5 selected");
    expect(await page.getByRole("checkbox", { name: `Select ${customers[1].name}` }).isChecked()).toBe(true);
    expect(await page.getByRole("checkbox", { name: `Select ${customers[5].name}` }).isChecked()).toBe(false);
    await page.getByTestId("selection-list").locator("summary").click();
    expect(await page.getByTestId("selection-list").locator("li").count()).toBe(5);
    await screenshot(page, `selection-across-pages-${size.viewport.width}`);
    await page.getByTestId("selection-list").locator("summary").click();

    // Into a group: all five, from wherever they were ticked.
    if (size === DESKTOP) {
      const bar = page.getByRole("form", { name: "Change the groups of the selected customers" });
      await bar.getByLabel("Group", { exact: true }).selectOption(target.id);
      await bar.getByRole("button", { name: "Add to group" }).click();
      await expect.poll(() => bar.getByRole("status").textContent()).toBe("5 customers added to Picked.");
    }
    // The deletion opens on a shareable address naming them, without a server action's fields.
    await page.getByRole("link", { name: "Delete selected…" }).click();
    await page.waitForURL((u) => u.pathname.endsWith("/admin/deletions/new"));
    expect(page.url()).not.toContain("ACTION");
    expect(new URL(page.url()).searchParams.get("customers")?.split(",").sort()).toEqual(
      [customers[1], customers[2], customers[3], customers[27], others[0]].map((c) => c.identifier).sort(),
    );
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Delete 5 customers?");
    await page.goto(list);
    await page.getByRole("button", { name: "Clear selection" }).click();
    await expect.poll(count).toMatch(/^Select customers to/);
    await page.context().close();
  }
  const inPicked = await db.execute(sql`select count(*)::int as n from customer_group_members where group_id = ${target.id}`);
  expect(inPicked[0].n).toBe(5);

  // All that match: a whole page ticked offers the rest; the deletion then takes exactly the filter's customers.
  const page = await signedIn(owner.user.email, DESKTOP);
  await page.goto(`${baseUrl}/${partner}/admin/customers?q=${tag}`);
  await page.getByRole("checkbox", { name: "Select all customers on this page" }).check();
  await expect.poll(() => page.getByTestId("selected-count").textContent()).toBe("25 selected");
  await page.getByTestId("select-all-matching").getByRole("button", { name: "Select all 32 customers that match" }).click();
  await expect.poll(() => page.getByTestId("selected-count").textContent()).toBe(`All 32 customers that match “${tag}” are selected`);
  await screenshot(page, "selection-all-matching-1280");
  await page.getByRole("button", { name: "Clear selection" }).click();
  // A filter that matches the thirty C-customers and not the Zed ones: their group.
  const thirty = await createCustomerGroup(admin, partner, { name: "Thirty" });
  await setCustomerGroupMembership(admin, partner, { groupId: thirty.id, customers: customers.map((c) => c.identifier), member: true });
  await page.goto(`${baseUrl}/${partner}/admin/customers?group=${thirty.id}`);
  await page.getByRole("checkbox", { name: "Select all customers on this page" }).check();
  const offer = page.getByTestId("select-all-matching").getByRole("button");
  const matching = Number((await offer.textContent())!.match(/Select all (\d+)/)![1]);
  await offer.click();
  await page.getByRole("link", { name: "Delete selected…" }).click();
  await page.waitForURL((u) => u.pathname.endsWith("/admin/deletions/new"));
  expect(new URL(page.url()).searchParams.get("all")).toBe("1");
  expect(new URL(page.url()).searchParams.get("filterGroup")).toBe(thirty.id);
  const confirm = page.getByRole("form", { name: "Confirm the deletion" });
  await confirm.getByLabel(`Type ${matching} to confirm`).fill(String(matching));
  await confirm.getByRole("button", { name: new RegExp(`^Delete ${matching} customers`) }).click();
  await page.waitForURL((u) => /\/admin\/deletions\/[0-9a-f-]{36}$/.test(u.pathname));
  const marked = await db.execute(
    sql`select identifier from customers where partner_id = (select id from customers where identifier = ${partner}) and deleting_at is not null`,
  );
  // Exactly the customers the filter matched: the 30 C-customers, not the Zed ones.
  expect(marked.map((r) => r.identifier).sort()).toEqual(customers.map((c) => c.identifier).sort());
  expect(matching).toBe(30);
});

it("invites a pasted list into one customer, every line checked first", async () => {
  for (const size of [DESKTOP, PHONE]) {
    const owner = await newAccount({ fullName: "Lena List" });
    const page = await signedIn(owner.user.email, size);
    await page.goto(`${baseUrl}/${owner.customer.identifier}/users`);
    const box = page.getByTestId("invite-list");
    await box.locator("summary").click();
    const form = page.getByRole("form", { name: "Invite a list of people" });
    const [a, b] = [unique("la"), unique("lb")].map((x) => `${x}@example.test`);
    await form.getByLabel("People, one per line").fill(`Ann Able <${a}>\nBen Baker, ${b}\nCarl Nomail, carl-at-example\nAnn Again <${a}>`);
    await form.getByRole("button", { name: "Check the list" }).click();
    await expect
      .poll(() => form.getByTestId("invite-list-lines").locator("li").allTextContents())
      .toEqual([
        `Line 1: Ann Able <${a}> — ready to invite`,
        `Line 2: Ben Baker <${b}> — ready to invite`,
        "Line 3: Carl Nomail <carl-at-example> — “carl-at-example” is not an e-mail address",
        `Line 4: Ann Again <${a}> — ${a} is on line 1 already`,
      ]);
    expect(await form.getByRole("alert").first().textContent()).toContain("2 of 4 lines need a change.");
    await screenshot(page, `invite-list-checked-${size.viewport.width}`);
    // Nobody is invited while a line is wrong; fixed, everyone is.
    await form.getByRole("button", { name: "Invite everyone" }).click();
    await expect.poll(() => form.locator('[data-field-error="people"]').textContent()).toMatch(/^Nobody was invited: 2 lines need a change/);
    expect(await page.getByTestId("invitation-row").count()).toBe(0);
    await form.getByLabel("People, one per line").fill(`Ann Able <${a}>\nBen Baker, ${b}`);
    await form.getByRole("button", { name: "Invite everyone" }).click();
    await expect.poll(() => form.getByRole("status").textContent()).toBe("2 invitations sent.");
    await expect.poll(() => page.getByTestId("invitation-row").count()).toBe(2);
    await page.context().close();
  }
});
