// A partner deletes a whole group of customers from the list: one confirmation with the summed impact, the progress
// bar filling up without a reload, the customers gone. Another deletion is undone inside its window: all back.
import { sql } from "drizzle-orm";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { createCustomerGroup, setCustomerGroupMembership } from "@/lib/customer-groups";
import { createManagedCustomer, setAccountKind } from "@/lib/partners";
import { DESKTOP, screenshot, useBrowser } from "../support/browser";
import { signInViaUi } from "../support/e2e";
import { PASSWORD, SYSTEM, addMember, as, newAccount, newUser, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

it("deletes a group's customers with progress, and undoes another deletion in time", async () => {
  const tag = unique("d").slice(2, 8);
  const owner = await newAccount({ fullName: "Dana Delete", accountName: `Deleting Partner ${tag}` });
  const partner = (await setAccountKind(SYSTEM, owner.customer.identifier, "partner")).identifier;
  const admin = as(owner.user);
  const doomed = [];
  for (const n of ["Ant", "Bee", "Cat"])
    doomed.push(await createManagedCustomer(admin, partner, { name: `${n} ${tag}`, identifier: `${n.toLowerCase()}-${tag}` }));
  const child = await createManagedCustomer(admin, partner, { name: `Ant Kid ${tag}`, identifier: `antkid-${tag}`, parent: doomed[0].identifier });
  const keeper = await createManagedCustomer(admin, partner, { name: `Keeper ${tag}`, identifier: `keeper-${tag}` });
  const group = await createCustomerGroup(admin, partner, { name: "Churned" });
  await setCustomerGroupMembership(admin, partner, { groupId: group.id, customers: doomed.map((c) => c.identifier), member: true });
  for (const [i, c] of [...doomed, child].entries()) {
    const u = await newUser(`Person ${i}`);
    await addMember(u.id, c.id, "customer_employee");
  }
  const shared = await newUser("Sid Shared");
  await addMember(shared.id, doomed[1].id, "customer_employee");
  await addMember(shared.id, keeper.id, "customer_employee");

  const page = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(page, baseUrl, owner.user.email, PASSWORD);

  // From the list filtered by the group: select all rows, Delete selected….
  await page.goto(`${baseUrl}/${partner}/admin/customers?group=${group.id}`);
  await page.getByRole("checkbox", { name: "Select all customers on this page" }).check();
  await expect.poll(() => page.getByTestId("selected-count").textContent()).toBe("3 selected");
  await page.getByRole("link", { name: "Delete selected…" }).click();
  await page.waitForURL((url) => url.pathname.endsWith("/admin/deletions/new"));
  const impact = page.getByTestId("deletion-impact");
  const figure = (label: string) =>
    impact
      .locator("div")
      .filter({ has: page.getByText(label, { exact: true }) })
      .locator("dd")
      .textContent();
  expect(await figure("Customers")).toBe("3");
  expect(await figure("Sub-customers below them")).toBe("1");
  expect(await figure("Users (who belong nowhere else)")).toBe("4");
  expect(await figure("People who stay (they belong elsewhere too)")).toBe("1");
  // It names them: whose users go, and who stays because they belong elsewhere too; the full list downloads.
  const going = await page.getByTestId("people-deleted").locator("li").allTextContents();
  expect(going.map((t) => t.replace(/ \S+@\S+$/, ""))).toEqual(["Person 0", "Person 1", "Person 2", "Person 3"]);
  expect(await page.getByTestId("people-kept").locator("li").allTextContents()).toEqual([`Sid Shared ${shared.email}`]);
  const download = await page.getByRole("link", { name: /Download everyone/ }).getAttribute("href");
  const csv = await (await page.request.get(`${baseUrl}${download}`)).text();
  expect(csv.trim().split("\r\n")).toHaveLength(6);
  expect(csv).toContain(`Sid Shared,${shared.email},stays (belongs elsewhere too)`);
  expect(download).not.toContain("$ACTION");
  await screenshot(page, "deletion-confirmation");
  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId("deletion-people").scrollIntoViewIfNeeded();
  await screenshot(page, "deletion-confirmation-phone");
  await page.setViewportSize(DESKTOP.viewport);
  const confirm = page.getByRole("form", { name: "Confirm the deletion" });
  await confirm.getByLabel("Type 3 to confirm").fill("2");
  await confirm.getByRole("button", { name: "Delete 3 customers and 1 sub-customer" }).click();
  await expect.poll(() => confirm.locator('[data-field-error="confirmation"]').textContent()).toBe("Type 3 (the number of customers to delete) to confirm.");
  await confirm.getByLabel("Type 3 to confirm").fill("3");
  await confirm.getByRole("button", { name: "Delete 3 customers and 1 sub-customer" }).click();
  await page.waitForURL((url) => /\/admin\/deletions\/[0-9a-f-]{36}$/.test(url.pathname));
  const progressPage = page.url();

  // Gone at once from the list (in another tab), while the deletion waits out its undo window.
  const list = await page.context().newPage();
  await list.goto(`${baseUrl}/${partner}/admin/customers`);
  expect(await list.getByTestId("customer-row").allTextContents()).toHaveLength(1);

  // The progress bar fills up by itself, no reload. The window (ten minutes) is cut short in the database, as an
  // installation with DELETION_UNDO_MINUTES=0 would have it; the worker looks again within seconds.
  const bar = page.getByRole("progressbar", { name: /Deletion of/ });
  await expect.poll(() => page.getByTestId("undo-left").textContent(), { timeout: 10_000 }).toMatch(/left to undo/);
  await db.execute(sql`update customer_deletions set undo_until = now() where id = ${progressPage.split("/").pop()!}`);
  await expect.poll(() => bar.getAttribute("aria-valuenow"), { timeout: 90_000, interval: 500 }).toBe("100");
  await expect.poll(() => page.getByTestId("deletion-status").textContent()).toBe("Status: deleted");
  expect(page.url()).toBe(progressPage);
  await screenshot(page, "deletion-progress");
  const [left] = (await db.execute(sql`
    select (select count(*)::int from customers where identifier like ${`%-${tag}`} and identifier <> ${keeper.identifier}) as customers,
      (select count(*)::int from memberships where user_id = ${shared.id}) as shared_memberships`)) as unknown as {
    customers: number;
    shared_memberships: number;
  }[];
  expect(left).toEqual({ customers: 0, shared_memberships: 1 });

  // Another deletion, undone inside the window: the customer is back.
  await page.goto(`${baseUrl}/${partner}/admin/customers`);
  await page.getByRole("link", { name: `Delete Keeper ${tag}` }).click();
  const again = page.getByRole("form", { name: "Confirm the deletion" });
  await again.getByLabel(`Type ${keeper.identifier} to confirm`).fill(keeper.identifier);
  await again.getByRole("button", { name: `Delete Keeper ${tag}` }).click();
  await page.waitForURL((url) => /\/admin\/deletions\/[0-9a-f-]{36}$/.test(url.pathname));
  await page.getByRole("button", { name: "Undo the deletion" }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toBe("Undone by Dana Delete: every customer is back, exactly as it was.");
  expect(await page.getByTestId("deletion-status").textContent()).toBe("Status: undone");
  await page.goto(`${baseUrl}/${partner}/admin/customers`);
  await expect.poll(() => page.getByTestId("customer-row").filter({ hasText: keeper.identifier }).count()).toBe(1);
  await page.goto(`${baseUrl}/${partner}/admin/deletions`);
  expect(await page.getByTestId("deletion-row").allTextContents()).toEqual([expect.stringContaining("undone"), expect.stringContaining("deleted")]);
});
