// A Customer Admin creates projects up to the quota and manages who may use them.
import { eq } from "drizzle-orm";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { customers, projects } from "@/db/schema";
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

it("renames a project, deletes it after a confirmation naming who loses access, and a double-click creates one project", async () => {
  const page = await browser().newPage(DESKTOP);
  const { identifier } = await signUpViaUi(page, baseUrl);
  await page.goto(`${baseUrl}/${identifier}/projects`);

  // Double-click Create: one project, no "already exists" error.
  await page.getByLabel("Project name").fill("Twice Clicked");
  await expect.poll(() => page.getByLabel("Project identifier").inputValue()).toBe("twice-clicked");
  await page.getByRole("button", { name: "Create project" }).dblclick();
  await expect.poll(() => page.getByRole("status").first().textContent()).toContain("Project Twice Clicked (twice-clicked) created.");
  await page.waitForLoadState("networkidle");
  const [account] = await db.select().from(customers).where(eq(customers.identifier, identifier));
  expect(await db.select().from(projects).where(eq(projects.customerId, account.id))).toHaveLength(1);
  expect(await page.locator('[data-field-error="identifier"]').count()).toBe(0);
  expect(await page.locator('main [role="alert"]').count()).toBe(0);

  // Rename: the identifier stays.
  await page.getByRole("link", { name: "Twice Clicked" }).click();
  await page.waitForURL(`${baseUrl}/${identifier}/projects/twice-clicked`);
  const rename = page.getByRole("form", { name: "Rename the project" });
  await rename.getByLabel("Project name").fill("Clicked Once");
  await rename.getByRole("button", { name: "Rename" }).click();
  await expect.poll(() => page.getByRole("heading", { level: 1 }).textContent()).toBe("Clicked Once");
  // The answer has focus, for those who follow it with a screen reader.
  await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("status");
  expect(page.url()).toBe(`${baseUrl}/${identifier}/projects/twice-clicked`);

  // Delete: the confirmation names who loses access; then the list says it went.
  await page.getByRole("button", { name: "Delete project…" }).click();
  const dialog = page.getByRole("dialog", { name: "Delete Clicked Once?" });
  await dialog.waitFor();
  expect(await dialog.getByTestId("losing-access").textContent()).toContain("@");
  await screenshot(page, "project-delete-confirmation");
  await dialog.getByRole("button", { name: "Delete project" }).click();
  await page.waitForURL((url) => url.pathname === `/${identifier}/projects`);
  await expect.poll(() => page.getByRole("status").first().textContent()).toContain("Project Clicked Once (twice-clicked) deleted");
  expect(await db.select().from(projects).where(eq(projects.customerId, account.id))).toHaveLength(0);
});
