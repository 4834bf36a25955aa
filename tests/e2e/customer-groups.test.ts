// A partner organises customers the way ThingsBoard's groups do: creates two groups, creates a customer straight into
// one, moves three customers into the other by selecting rows, filters by group from the filter and from the sidebar,
// renames and deletes a group (its customers stay), and sees the hierarchy in the list (parent column, sub-customer
// links, a subtree filter). A Partner Employee sees the groups but no tools to change them, and the server refuses them.
import type { Page } from "playwright-core";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb } from "@/db/client";
import { createCustomerGroup } from "@/lib/customer-groups";
import { createManagedCustomer, setAccountKind } from "@/lib/partners";
import { DESKTOP, screenshot, useBrowser } from "../support/browser";
import { postForm, serverActionFields, signInViaUi } from "../support/e2e";
import { PASSWORD, SYSTEM, addMember, as, newAccount, newUser, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

const rows = (page: Page) => page.getByTestId("customer-row");
const names = (page: Page) => rows(page).locator("td:nth-child(2) a:first-child").allTextContents();

it("groups customers by selection and by creation, filters by group, and shows the hierarchy", async () => {
  const tag = unique("g").slice(2, 8);
  const owner = await newAccount({ fullName: "Gina Groups", accountName: `Grouping Partner ${tag}` });
  const partner = (await setAccountKind(SYSTEM, owner.customer.identifier, "partner")).identifier;
  const admin = as(owner.user);
  const acme = await createManagedCustomer(admin, partner, { name: `Acme ${tag}`, identifier: `acme-${tag}` });
  for (const n of ["Bolt", "Crane", "Delta"]) await createManagedCustomer(admin, partner, { name: `${n} ${tag}`, identifier: `${n.toLowerCase()}-${tag}` });
  const child = await createManagedCustomer(admin, partner, { name: `Acme Labs ${tag}`, identifier: `acme-labs-${tag}`, parent: acme.identifier });
  await createManagedCustomer(admin, partner, { name: `Acme Labs Berlin ${tag}`, identifier: `acme-lab-b-${tag}`, parent: child.identifier });

  const context = await browser().newContext(DESKTOP);
  const page = await context.newPage();
  await signInViaUi(page, baseUrl, owner.user.email, PASSWORD);

  // Two groups from the Groups page.
  await page.goto(`${baseUrl}/${partner}/admin/groups`);
  const create = page.getByRole("form", { name: "New group" });
  for (const [name, description] of [
    ["Enterprise", "Customers on the enterprise plan"],
    ["Northern region", ""],
  ]) {
    await create.getByLabel("Group name").fill(name);
    await create.getByLabel("Description (optional)").fill(description);
    await create.getByRole("button", { name: "Create group" }).click();
    await expect.poll(() => create.getByRole("status").textContent()).toBe(`Group ${name} created.`);
  }
  // A second group of the same name is refused next to the field.
  await create.getByLabel("Group name").fill("enterprise");
  await create.getByRole("button", { name: "Create group" }).click();
  await expect.poll(() => create.locator('[data-field-error="name"]').textContent()).toBe("You already have a group with this name.");
  await expect.poll(() => page.getByTestId("group-row").count()).toBe(2);

  // A customer created straight into Enterprise.
  await page.goto(`${baseUrl}/${partner}/admin/customers`);
  const newCustomer = page.getByRole("form", { name: "New customer" });
  await newCustomer.getByLabel("Customer name").fill(`Echo ${tag}`);
  await newCustomer.getByRole("checkbox", { name: "Enterprise" }).check();
  await newCustomer.getByRole("button", { name: "Create customer" }).click();
  await expect.poll(() => newCustomer.getByRole("status").textContent()).toMatch(/^Customer Echo .* created\.$/);
  const sidebar = page.getByRole("list", { name: "Customer groups" });
  await sidebar.getByRole("link", { name: /Enterprise/ }).click();
  await page.waitForURL((url) => url.searchParams.has("group"));
  await expect.poll(() => names(page)).toEqual([`Echo ${tag}`]);
  expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe("Enterprise");

  // Three customers into Northern region by selection.
  await page.goto(`${baseUrl}/${partner}/admin/customers`);
  for (const n of ["Acme", "Bolt", "Crane"])
    await rows(page)
      .filter({ hasText: `${n} ${tag}` })
      .first()
      .getByRole("checkbox")
      .check();
  await expect.poll(() => page.getByTestId("selected-count").textContent()).toBe("3 selected");
  const bar = page.getByRole("form", { name: "Change the groups of the selected customers" });
  await bar.getByLabel("Group").selectOption({ label: "Northern region" });
  await bar.getByRole("button", { name: "Add to group" }).click();
  await expect.poll(() => bar.getByRole("status").textContent()).toBe("3 customers added to Northern region.");

  // Filtered by group from the filter form.
  await page.getByLabel("Group", { exact: true }).first().selectOption({ label: "Northern region" });
  await page.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL((url) => url.searchParams.has("group"));
  await expect.poll(() => names(page)).toEqual([`Acme ${tag}`, `Bolt ${tag}`, `Crane ${tag}`]);
  expect(await sidebar.getByRole("link", { name: /Northern region/ }).getAttribute("aria-current")).toBe("page");

  // The hierarchy: parent column, "n sub-customers", and the subtree filter.
  await page.goto(`${baseUrl}/${partner}/admin/customers`);
  await expect.poll(() => names(page)).toContain(`Acme Labs Berlin ${tag}`);
  const grandchild = rows(page).filter({ hasText: `acme-lab-b-${tag}` });
  expect((await grandchild.locator("td").nth(2).textContent())?.trim()).toBe(`Acme Labs ${tag}`);
  const acmeRow = rows(page)
    .filter({ hasText: `acme-${tag}` })
    .first();
  expect(await acmeRow.getByText("Northern region").filter({ visible: true }).count()).toBe(1);
  await screenshot(page, "customers-groups-hierarchy");
  await acmeRow.getByRole("link", { name: "1 sub-customer ›" }).click();
  await page.waitForURL((url) => url.searchParams.get("parent") === acme.identifier);
  await expect.poll(async () => (await names(page)).sort()).toEqual([`Acme Labs ${tag}`, `Acme Labs Berlin ${tag}`].sort());

  // Rename one group, delete the other: its customer stays.
  await page.goto(`${baseUrl}/${partner}/admin/groups`);
  const enterprise = page.getByTestId("group-row").filter({ hasText: "Enterprise" });
  await enterprise.getByLabel("Rename Enterprise").click();
  const edit = page.getByRole("form", { name: "Edit Enterprise" });
  await edit.getByLabel("Group name").fill("Enterprise plan");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect.poll(() => page.getByTestId("group-row").filter({ hasText: "Enterprise plan" }).count()).toBe(1);
  const north = page.getByTestId("group-row").filter({ hasText: "Northern region" });
  expect(await north.locator("td").nth(2).textContent()).toMatch(/^3/);
  await north.getByRole("button", { name: "Delete Northern region" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete the group Northern region?" });
  expect(await dialog.textContent()).toContain("its 3 customers stay");
  await dialog.getByRole("button", { name: "Delete group" }).click();
  await expect.poll(() => page.getByTestId("group-row").count()).toBe(1);
  await page.goto(`${baseUrl}/${partner}/admin/customers`);
  await expect.poll(async () => (await names(page)).length).toBe(7);

  // A customer's Groups tab: in Enterprise plan, taken out from there.
  await page.goto(`${baseUrl}/${partner}/admin/customers/echo-${tag}/groups`);
  const inPlan = page.getByTestId("customer-group-row").filter({ hasText: "Enterprise plan" });
  expect(await inPlan.locator("td").nth(3).textContent()).toBe("yes");
  await inPlan.getByRole("button", { name: "Remove from group" }).click();
  await expect.poll(() => inPlan.locator("td").nth(3).textContent()).toBe("no");
  expect(await page.getByTestId("groups-summary").textContent()).toMatch(/is in All only/);
  await context.close();

  // A Partner Employee sees the groups, but no tools; the server refuses a hand-made post.
  const employee = await newUser("Pia Employee");
  await addMember(employee.id, owner.customer.id, "partner_employee");
  const employeeContext = await browser().newContext(DESKTOP);
  const employeePage = await employeeContext.newPage();
  await signInViaUi(employeePage, baseUrl, employee.email, PASSWORD);
  await employeePage.goto(`${baseUrl}/${partner}/admin/groups`);
  await expect.poll(() => employeePage.getByTestId("group-row").count()).toBe(1);
  expect(await employeePage.getByRole("form", { name: "New group" }).count()).toBe(0);
  await employeePage.goto(`${baseUrl}/${partner}/admin/customers`);
  expect(await employeePage.getByRole("form", { name: "Change the groups of the selected customers" }).count()).toBe(0);
  // The owner's form fields, posted by the employee: refused, nothing created.
  const ownerPage = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(ownerPage, baseUrl, owner.user.email, PASSWORD);
  await ownerPage.goto(`${baseUrl}/${partner}/admin/groups`);
  const fields = await serverActionFields(ownerPage, "description");
  await employeePage.goto(`${baseUrl}/${partner}/admin/groups`);
  const status = await postForm(employeePage, [...fields, ["account", partner], ["name", "Sneaky"], ["description", ""]]);
  expect(status).toBeLessThan(500);
  await employeePage.goto(`${baseUrl}/${partner}/admin/groups`);
  expect(await employeePage.getByTestId("group-row").filter({ hasText: "Sneaky" }).count()).toBe(0);
  await employeeContext.close();
});

it("with more groups than a page lists, picks any of them by typing: to filter, to group a selection, to create a customer in", async () => {
  const tag = unique("m").slice(2, 8);
  const owner = await newAccount({ fullName: "Mona Many", accountName: `Many Groups ${tag}` });
  const partner = (await setAccountKind(SYSTEM, owner.customer.identifier, "partner")).identifier;
  const admin = as(owner.user);
  // 25 groups: more than the page renders as options, so the pickers search the server.
  const groups = [];
  for (let i = 1; i <= 25; i++) groups.push(await createCustomerGroup(admin, partner, { name: `Region ${String(i).padStart(2, "0")}` }));
  const last = groups[24];
  for (const n of ["Alpha", "Bravo"]) await createManagedCustomer(admin, partner, { name: `${n} ${tag}`, identifier: `${n.toLowerCase()}-${tag}` });

  const page = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(page, baseUrl, owner.user.email, PASSWORD);
  await page.goto(`${baseUrl}/${partner}/admin/customers`);
  // Only the first groups travel with the page: no select of every group.
  expect(await page.locator("option").filter({ hasText: "Region" }).count()).toBe(0);

  // Put Bravo into the 25th group from the selection bar, by typing part of its name.
  await rows(page)
    .filter({ hasText: `Bravo ${tag}` })
    .getByRole("checkbox")
    .check();
  const bar = page.getByRole("form", { name: "Change the groups of the selected customers" });
  const barPicker = bar.getByRole("combobox", { name: "Group" });
  await barPicker.fill("25");
  await expect.poll(() => page.getByRole("listbox").getByRole("option").allTextContents()).toEqual(["Region 25"]);
  await barPicker.press("Enter");
  expect(await barPicker.inputValue()).toBe("Region 25");
  await bar.getByRole("button", { name: "Add to group" }).click();
  await expect.poll(() => bar.getByRole("status").textContent()).toMatch(/Region 25/);

  // Filter by it: the combobox of the search form, then Apply; the URL carries the group, the picker its name.
  const search = page.getByRole("search");
  await search.getByRole("combobox", { name: "Group" }).fill("Region 2");
  await expect.poll(() => page.getByRole("listbox").getByRole("option").count()).toBe(6);
  await page.getByRole("listbox").getByRole("option", { name: "Region 25" }).click();
  await search.getByRole("button", { name: "Apply" }).click();
  await page.waitForURL((url) => url.searchParams.get("group") === last.id);
  await expect.poll(() => names(page)).toEqual([`Bravo ${tag}`]);
  expect(await search.getByRole("combobox", { name: "Group" }).inputValue()).toBe("Region 25");
  await screenshot(page, "group-picker-filtered");

  // A new customer created from the filtered list starts in that group; another group is added by typing.
  const form = page.getByRole("form", { name: "New customer" });
  expect(await form.getByRole("list", { name: "Picked groups" }).textContent()).toContain("Region 25");
  const formPicker = form.getByRole("combobox", { name: "Groups" });
  await formPicker.fill("Region 03");
  await page.getByRole("listbox").getByRole("option", { name: "Region 03" }).click();
  await form.getByLabel("Customer name").fill(`Charlie ${tag}`);
  await form.getByRole("button", { name: "Create customer" }).click();
  await expect.poll(() => form.getByRole("status").textContent()).toMatch(/^Customer Charlie .* created\.$/);
  await page.goto(`${baseUrl}/${partner}/admin/customers?group=${groups[2].id}`);
  await expect.poll(() => names(page)).toEqual([`Charlie ${tag}`]);
  await page.goto(`${baseUrl}/${partner}/admin/customers?group=${last.id}`);
  await expect.poll(() => names(page)).toEqual([`Bravo ${tag}`, `Charlie ${tag}`]);

  // The search answers only those who may see the groups.
  const stranger = await newAccount({ fullName: "Stan Stranger" });
  const other = await (await browser().newContext(DESKTOP)).newPage();
  await signInViaUi(other, baseUrl, stranger.user.email, PASSWORD);
  const res = await other.request.get(`${baseUrl}/${partner}/admin/groups/options?q=Region`);
  expect(res.status()).toBe(404);
  expect(await res.text()).not.toContain("Region");
});
