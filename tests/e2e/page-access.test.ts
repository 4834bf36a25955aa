// Every page of an account, requested over HTTP by someone signed in to another account (and by a partner for a
// customer it does not manage), answers 404 with none of the account's data in it. The page list is read from app/, so
// a new page is covered the day it is added.
import { readdirSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { closeDb } from "@/db/client";
import { requestCustomerDeletion } from "@/lib/deletions";
import { inviteMember } from "@/lib/invitations";
import { sendNotice } from "@/lib/notices";
import { addMyself, createManagedCustomer, setAccountKind } from "@/lib/partners";
import { createProject } from "@/lib/projects";
import { DESKTOP, useBrowser } from "../support/browser";
import { signInViaUi } from "../support/e2e";
import { PASSWORD, SYSTEM, as, newAccount, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

/** Routes outside any account, and why a stranger may open them. */
const NOT_ACCOUNT_PAGES: Record<string, string> = {
  "/": "the landing page",
  "/sign-in": "signing in",
  "/sign-up": "signing up",
  "/sign-up/sent": "the answer to every sign-up, with no data",
  "/forgot-password": "asking for a password reset",
  "/reset-password/[token]": "the link's token is the permission",
  "/reset-password/done": "a confirmation with no data",
  "/verify-email/[token]": "the link's token, and being its addressee, are the permission",
  "/profile": "the signed-in person's own profile",
  "/profile/accounts": "the signed-in person's own accounts (tested in account-switcher.test.ts)",
  "/invitations/[token]": "the link's token is the permission",
  "/operator": "the operator area: 404 to all but operators (tested below)",
  "/operator/operators": "the operator area",
  "/operator/mailbox": "the operator area",
  "/operator/queues": "the operator area (tested in operator-queues.test.ts)",
  "/operator/queues/[queue]": "the operator area (tested in operator-queues.test.ts)",
  "/operator/emails": "the operator area (tested in operator-queues.test.ts)",
  "/operator/mailbox/[id]": "the operator area",
};

function pageRoutes(dir = "app", prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === "page.tsx") out.push(prefix || "/");
    if (!entry.isDirectory()) continue;
    // Route groups such as (auth) add nothing to the path.
    const segment = /^\(.*\)$/.test(entry.name) ? "" : `/${entry.name}`;
    out.push(...pageRoutes(path.join(dir, entry.name), prefix + segment));
  }
  return out;
}

let secret: { partner: string; customer: string; project: string; customerProject: string; notice: string; deletion: string; names: string[] };

beforeAll(async () => {
  const tag = unique("s").slice(2);
  const owner = await newAccount({ accountName: `Secret Partner ${tag}`, fullName: `Owner ${tag}` });
  await setAccountKind(SYSTEM, owner.customer.identifier, "partner");
  const customer = await createManagedCustomer(as(owner.user), owner.customer.identifier, { name: `Secret Customer ${tag}`, identifier: `secret-${tag}` });
  await addMyself(as(owner.user), owner.customer.identifier, customer.identifier);
  const project = await createProject(as(owner.user), owner.customer.identifier, { name: `Secret Project ${tag}`, identifier: `sp-${tag}` });
  const customerProject = await createProject(as(owner.user), customer.identifier, { name: `Secret Customer Project ${tag}`, identifier: `scp-${tag}` });
  await inviteMember(as(owner.user), customer.identifier, { fullName: `Invitee ${tag}`, email: `invitee-${tag}@example.test`, group: "customer_employee" });
  // A notice and a deletion (of another customer, still in its undo window), so their own pages have real ids to show.
  const notice = await sendNotice(as(owner.user), owner.customer.identifier, {
    title: `Secret Notice ${tag}`,
    body: "For the customer's eyes.",
    mode: "all_must_read",
    to: "customers",
    customers: [customer.identifier],
  });
  const doomed = await createManagedCustomer(as(owner.user), owner.customer.identifier, { name: `Secret Doomed ${tag}`, identifier: `doomed-${tag}` });
  const deletion = await requestCustomerDeletion(
    as(owner.user),
    owner.customer.identifier,
    { customers: [doomed.identifier] },
    { confirmation: doomed.identifier },
  );
  secret = {
    partner: owner.customer.identifier,
    customer: customer.identifier,
    project: project.identifier,
    customerProject: customerProject.identifier,
    notice: notice.id,
    deletion: deletion.id,
    // What must never show: the names of the accounts, projects and people, and their addresses (the identifiers are in
    // the URL itself, so they are not a sign of a leak).
    names: [
      `Secret Partner ${tag}`,
      `Secret Customer ${tag}`,
      `Secret Project ${tag}`,
      `Secret Customer Project ${tag}`,
      `Owner ${tag}`,
      owner.user.email,
      `invitee-${tag}@example.test`,
      `Secret Notice ${tag}`,
      `Secret Doomed ${tag}`,
    ],
  };
});

async function expectNoAccess(page: Page, urls: string[]) {
  for (const url of urls) {
    const res = await page.context().request.get(`${baseUrl}${url}`, { maxRedirects: 0 });
    const body = await res.text();
    expect(res.status(), url).toBe(404);
    for (const name of secret.names) expect(body.includes(name), `${url} shows ${name}`).toBe(false);
  }
}

function concrete(route: string, account: string, project: string): string {
  const filled = route
    .replace("[account]", account)
    .replace("[customer]", secret.customer)
    .replace("[project]", project)
    .replace("[notice]", secret.notice)
    .replace("[deletion]", secret.deletion);
  // A segment left unfilled would answer 404 on parsing, whatever the authorization does.
  expect(filled, "every dynamic segment gets a real id").not.toMatch(/\[[^\]]+\]/);
  return filled;
}

it("answers 404, with no data, to a member of another account on every account page", async () => {
  const routes = pageRoutes().filter((r) => !(r in NOT_ACCOUNT_PAGES));
  expect(routes.every((r) => r.startsWith("/[account]"))).toBe(true);
  expect(routes.length).toBeGreaterThanOrEqual(10);

  const stranger = await newAccount({ fullName: "Sam Stranger" });
  const context = await browser().newContext(DESKTOP);
  const page = await context.newPage();
  await signInViaUi(page, baseUrl, stranger.user.email, PASSWORD);
  // Signed in for real: their own account's pages answer.
  expect((await page.context().request.get(`${baseUrl}/${stranger.customer.identifier}/users`)).status()).toBe(200);

  await expectNoAccess(page, [
    ...routes.map((r) => concrete(r, secret.partner, secret.project)),
    ...routes.filter((r) => !r.includes("/admin")).map((r) => concrete(r, secret.customer, secret.customerProject)),
  ]);
  await context.close();
});

it("answers 404 to another partner's admin on the customer's pages and through their own Administration", async () => {
  const other = await newAccount({ fullName: "Otto Otherpartner" });
  await setAccountKind(SYSTEM, other.customer.identifier, "partner");
  const context = await browser().newContext(DESKTOP);
  const page = await context.newPage();
  await signInViaUi(page, baseUrl, other.user.email, PASSWORD);
  const routes = pageRoutes().filter((r) => r.startsWith("/[account]"));
  await expectNoAccess(page, [
    ...routes.filter((r) => !r.includes("/admin")).map((r) => concrete(r, secret.customer, secret.customerProject)),
    // Their own partner account's Administration, naming a customer another partner manages.
    ...routes.filter((r) => r.includes("[customer]")).map((r) => concrete(r, other.customer.identifier, secret.project)),
  ]);
  await context.close();
});

it("renders every account page to its own admin with no client reference in the markup", async () => {
  // A constant exported from a "use client" module reaches a server component as a client reference: used as a string
  // (a class list, a label), the page carries the text of a function instead, and nothing else fails.
  const context = await browser().newContext(DESKTOP);
  const page = await context.newPage();
  await signInViaUi(page, baseUrl, secret.names[5], PASSWORD);
  const routes = pageRoutes().filter((r) => r.startsWith("/[account]"));
  for (const url of routes.map((r) => concrete(r, secret.partner, secret.project))) {
    const res = await page.context().request.get(`${baseUrl}${url}`);
    const body = await res.text();
    expect(res.status(), url).toBe(200);
    expect(body.includes("from the server but"), `${url} renders a client reference as text`).toBe(false);
  }
  await context.close();
});
