// A partner's day with many customers: the list's cards follow its filter, every column is in sight at 1280 px (and
// folds into the row on a phone), selections span pages and filters, the notice panel stays small.
import type { Page } from "playwright-core";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb } from "@/db/client";
import { createCustomerGroup, setCustomerGroupMembership } from "@/lib/customer-groups";
import { addMyself, createManagedCustomer, setAccountKind } from "@/lib/partners";
import { DESKTOP, PHONE, screenshot, useBrowser } from "../support/browser";
import { signInViaUi } from "../support/e2e";
import { PASSWORD, SYSTEM, as, newAccount, unique } from "../support/factories";

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
