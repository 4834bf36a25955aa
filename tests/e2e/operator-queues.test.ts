// The machinery in the operator area: an operator sees each queue's counts and the e-mails that failed, and retries
// one, which the worker then sends; everyone else gets a 404 on those pages. The health endpoints answer without a
// session.
import { eq } from "drizzle-orm";
import { afterAll, expect, inject, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { outboundEmails } from "@/db/schema";
import { DESKTOP, screenshot, useBrowser } from "../support/browser";
import { operatorPage, signInViaUi } from "../support/e2e";
import { setOperator } from "@/lib/operators";
import { PASSWORD, SYSTEM, newAccount, newUser, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

const PAGES = ["/operator/queues", "/operator/queues/email", "/operator/emails"];

it("answers 404 on the queue and e-mail pages to a signed-in non-operator, and sends the signed-out to sign in", async () => {
  // The installation has an operator already, so signing up doesn't make one (the first sign-up would).
  await setOperator(SYSTEM, (await newUser("Ida Installation")).email, true);
  const someone = await newAccount({ fullName: "Nadia Nonoperator" });
  const context = await browser().newContext(DESKTOP);
  for (const path of PAGES) {
    const res = await context.request.get(`${baseUrl}${path}`, { maxRedirects: 0 });
    expect(res.status(), path).toBe(307);
    expect(res.headers().location, path).toContain("/sign-in");
  }
  await signInViaUi(await context.newPage(), baseUrl, someone.user.email, PASSWORD);
  for (const path of PAGES) {
    const res = await context.request.get(`${baseUrl}${path}`, { maxRedirects: 0 });
    expect(res.status(), path).toBe(404);
    const html = await res.text();
    expect(html, path).not.toContain('data-testid="queue-row"');
    expect(html, path).not.toContain('data-testid="undelivered-email-row"');
  }
  await context.close();
});

it("shows an operator the queues with their counts, and retries a failed e-mail that the worker then sends", async () => {
  const to = `${unique("failed")}@example.test`;
  const [failed] = await db
    .insert(outboundEmails)
    .values({
      template: "welcome",
      to,
      props: { name: "Fay", accountName: "Failing Co", identifier: "failing-co", accountUrl: `${baseUrl}/failing-co` },
      status: "failed",
      attempts: 6,
      lastError: "Resend answered 503: scripted outage",
    })
    .returning();

  const page = await operatorPage(browser(), baseUrl);
  await page.goto(`${baseUrl}/operator`);
  await page.getByRole("navigation", { name: "Operator" }).getByRole("link", { name: "Queues" }).click();
  await page.waitForURL(`${baseUrl}/operator/queues`);
  const row = page.getByTestId("queue-row").filter({ hasText: "email" });
  await expect.poll(() => row.count()).toBe(1);
  for (const count of ["waiting", "active", "delayed", "failed", "completed"])
    expect(await row.locator(`[data-count="${count}"]`).innerText()).toMatch(/^\d+$/);
  await screenshot(page, "operator-queues");

  await page.getByRole("navigation", { name: "Operator" }).getByRole("link", { name: "E-mails" }).click();
  await page.waitForURL(`${baseUrl}/operator/emails`);
  const email = page.getByTestId("undelivered-email-row").filter({ hasText: to });
  await expect.poll(() => email.count()).toBe(1);
  expect(await email.innerText()).toContain("scripted outage");
  await screenshot(page, "operator-emails");
  await email.getByRole("button", { name: `Retry the e-mail to ${to}` }).click();
  await page.waitForURL(/retried=/);
  expect(await page.getByRole("status").innerText()).toContain("queued again");
  // No provider in the browser tests: the worker delivers it to the dev mailbox.
  await expect.poll(async () => (await db.select().from(outboundEmails).where(eq(outboundEmails.id, failed.id)))[0].status, { timeout: 20_000 }).toBe("sent");
  await page.reload();
  expect(await page.getByTestId("undelivered-email-row").filter({ hasText: to }).count()).toBe(0);
  await page.context().close();
});

it("answers the health endpoints without a session, revealing nothing else", async () => {
  const live = await fetch(`${baseUrl}/api/healthz`);
  expect(live.status).toBe(200);
  expect(await live.json()).toEqual({ status: "ok" });
  const ready = await fetch(`${baseUrl}/api/readyz`);
  expect(ready.status).toBe(200);
  expect(ready.headers.get("cache-control")).toContain("no-store");
  expect(await ready.json()).toEqual({ database: "ok", queue: "ok" });
});
