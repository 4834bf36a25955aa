// A Customer Admin creates projects up to the quota and manages who may use them.
import { eq } from "drizzle-orm";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { customers } from "@/db/schema";
import { DESKTOP, screenshot, useBrowser } from "../support/browser";
import { signUpViaUi } from "../support/e2e";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

it("creates projects until the quota is reached, with the quota and its use on the page", async () => {
  const page = await browser().newPage(DESKTOP);
  const { identifier } = await signUpViaUi(page, baseUrl);
  await db.update(customers).set({ projectQuota: 2 }).where(eq(customers.identifier, identifier));

  await page.goto(`${baseUrl}/${identifier}/projects`);
  expect(await page.getByTestId("quota-usage").textContent()).toBe("0 of 2 used");
  await page.getByLabel("Project name").fill("Web Shop");
  await expect.poll(() => page.getByLabel("Project identifier").inputValue()).toBe("web-shop");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect.poll(() => page.getByRole("status").first().textContent()).toContain("Project Web Shop (web-shop) created.");
  await expect.poll(() => page.getByTestId("quota-usage").textContent()).toBe("1 of 2 used");

  // Same identifier again: a clear error next to the field.
  await page.getByLabel("Project name").fill("Web Shop again");
  await page.getByLabel("Project identifier").fill("web-shop");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect.poll(() => page.locator('[data-field-error="identifier"]').textContent()).toMatch(/already has a project/);

  await page.getByLabel("Project identifier").fill("data-lake");
  await page.getByLabel("Project name").fill("Data Lake");
  await page.getByLabel("Project identifier").fill("data-lake");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect.poll(() => page.getByTestId("quota-usage").textContent()).toBe("2 of 2 used");
  await expect.poll(() => page.getByText("has reached its quota of 2 projects").count()).toBe(1);
  expect(await page.getByRole("button", { name: "Create project" }).isDisabled()).toBe(true);
  await screenshot(page, "projects-page");

  await page.getByRole("link", { name: "Web Shop" }).click();
  await page.waitForURL(`${baseUrl}/${identifier}/projects/web-shop`);
  expect(await page.getByLabel(/Project role of/).inputValue()).toBe("project_admin");
  await screenshot(page, "project-access");
});
