// The browser-facing defences: a Content-Security-Policy with a fresh nonce on every page (and every page still works
// under it), no framing by other sites, the fixed security headers, session cookies a script cannot read, sign-in
// redirects that stay on this site, and server actions that refuse a post from another origin.
import { readdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { eq } from "drizzle-orm";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, describe, expect, inject, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { customers } from "@/db/schema";
import { requestCustomerDeletion } from "@/lib/deletions";
import { addMyself, createManagedCustomer, setAccountKind } from "@/lib/partners";
import { sendNotice } from "@/lib/notices";
import { setOperator } from "@/lib/operators";
import { createProject } from "@/lib/projects";
import { DESKTOP, useBrowser } from "../support/browser";
import { E2E_PASSWORD, serverActionFields, signInViaUi, signUpViaUi } from "../support/e2e";
import { PASSWORD, SYSTEM, as, newAccount, unique } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

const NONCE = /'nonce-([A-Za-z0-9+/_=-]+)'/;

/** The directives of a CSP header, by name. */
function directives(csp: string): Map<string, string[]> {
  return new Map(
    csp
      .split(";")
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name.toLowerCase(), values]),
  );
}

/** Collects what the browser reports about blocked content, from the page and its frames (the console messages Chromium writes). */
function watchCsp(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error" && /Content[ -]Security[ -]Policy/i.test(message.text())) violations.push(`${page.url()}: ${message.text()}`);
  });
  return violations;
}

/** Next's client runtime ran (its bootstrap sets window.next): the page's scripts were allowed to execute. */
async function expectScriptsRan(page: Page, url: string) {
  await page
    .waitForFunction(() => Boolean((window as { next?: { version?: string } }).next?.version), undefined, { timeout: 15_000 })
    .catch(() => expect.fail(`the scripts of ${url} did not run`));
}

async function cookieHeader(context: BrowserContext): Promise<string> {
  return (await context.cookies(baseUrl)).map((c) => `${c.name}=${c.value}`).join("; ");
}

/** Page routes as they are on disk (route groups add nothing to the path), so a new page is covered the day it is added. */
function pageRoutes(dir = "app", prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name === "page.tsx") out.push(prefix || "/");
    if (!entry.isDirectory()) continue;
    const segment = /^\(.*\)$/.test(entry.name) ? "" : `/${entry.name}`;
    out.push(...pageRoutes(path.join(dir, entry.name), prefix + segment));
  }
  return out;
}

describe("headers", () => {
  it("sends a CSP with a fresh nonce on every page, and the fixed security headers", async () => {
    const nonces = new Set<string>();
    for (const url of ["/sign-in", "/sign-in", "/sign-up", "/", "/no-such-page"]) {
      const res = await fetch(`${baseUrl}${url}`, { redirect: "manual" });
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp, url).not.toBe("");
      const policy = directives(csp);
      const nonce = csp.match(NONCE)?.[1];
      expect(nonce, url).toBeTruthy();
      nonces.add(nonce!);

      const scripts = policy.get("script-src") ?? [];
      expect(scripts, url).toEqual(expect.arrayContaining([`'nonce-${nonce}'`, "'strict-dynamic'"]));
      expect(scripts, url).not.toContain("'unsafe-inline'");
      // Production: no eval (`next dev` allows it, for React's debugging).
      expect(scripts, url).not.toContain("'unsafe-eval'");
      expect(policy.get("style-src"), url).toContain(`'nonce-${nonce}'`);
      expect(policy.get("style-src"), url).not.toContain("'unsafe-inline'");
      expect(policy.get("frame-ancestors"), url).toEqual(["'none'"]);
      expect(policy.get("object-src"), url).toEqual(["'none'"]);
      expect(policy.get("default-src"), url).toEqual(["'self'"]);
      // Served over http here: no upgrade, and no HSTS (both come when APP_URL is https).
      expect(policy.has("upgrade-insecure-requests"), url).toBe(false);
      expect(res.headers.get("strict-transport-security"), url).toBeNull();

      expect(res.headers.get("x-frame-options"), url).toBe("DENY");
      expect(res.headers.get("x-content-type-options"), url).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), url).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("x-powered-by"), url).toBeNull();

      // Every script element the server wrote carries this response's nonce (the page is rendered per request).
      const html = await res.text();
      const scriptTags = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scriptTags.length, url).toBeGreaterThan(0);
      for (const tag of scriptTags) expect(tag, url).toContain(`nonce="${nonce}"`);
    }
    expect(nonces.size).toBe(5);
  });

  it("sends the fixed headers on static files and API routes too", async () => {
    const html = await (await fetch(`${baseUrl}/sign-in`)).text();
    const asset = html.match(/src="(\/_next\/static\/[^"]+\.js)"/)?.[1];
    expect(asset).toBeTruthy();
    for (const url of [asset!, "/api/auth/csrf"]) {
      const res = await fetch(`${baseUrl}${url}`);
      expect(res.status, url).toBe(200);
      expect(res.headers.get("x-frame-options"), url).toBe("DENY");
      expect(res.headers.get("x-content-type-options"), url).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), url).toBe("strict-origin-when-cross-origin");
      expect(res.headers.get("x-powered-by"), url).toBeNull();
    }
  });

  it("keeps pages out of frames on other sites", async () => {
    // Another site (localhost is not 127.0.0.1) that embeds a page of ours.
    const server: Server = createServer((_req, res) => {
      res.setHeader("content-type", "text/html");
      res.end(`<!doctype html><title>framer</title><iframe id="victim" src="${baseUrl}/sign-in" width="600" height="400"></iframe>`);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const framerUrl = `http://localhost:${(server.address() as AddressInfo).port}/`;
    const context = await browser().newContext(DESKTOP);
    try {
      const page = await context.newPage();
      const refusals: string[] = [];
      page.on("console", (m) => {
        if (/frame-ancestors|X-Frame-Options/i.test(m.text())) refusals.push(m.text());
      });
      await page.goto(framerUrl, { waitUntil: "load" });
      await expect.poll(() => refusals.length).toBeGreaterThan(0);
      expect(refusals.join("\n")).toMatch(/frame-ancestors 'none'|X-Frame-Options/);
      // The browser shows its own error page in the frame instead of ours.
      const frame = page.frames().find((f) => f !== page.mainFrame());
      expect(frame?.url()).not.toContain(new URL(baseUrl).host);
      expect(await frame!.getByRole("button", { name: "Sign in" }).count()).toBe(0);
    } finally {
      await context.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("every page under the CSP", () => {
  it("renders and runs its scripts with no CSP violation, signed out and signed in, the mailbox's e-mail included", async () => {
    const tag = unique("c").slice(2);
    const owner = await newAccount({ accountName: `CSP Partner ${tag}`, fullName: `Csp Owner ${tag}` });
    const account = owner.customer.identifier;
    // A partner with a managed customer and a project, and an operator too: every page has something to show them.
    await setAccountKind(SYSTEM, account, "partner");
    const customer = await createManagedCustomer(as(owner.user), account, { name: `CSP Customer ${tag}`, identifier: `cspc-${tag}` });
    await addMyself(as(owner.user), account, customer.identifier);
    const project = await createProject(as(owner.user), account, { name: `CSP Project ${tag}`, identifier: `cspp-${tag}` });
    const doomed = await createManagedCustomer(as(owner.user), account, { name: `CSP Doomed ${tag}`, identifier: `cspd-${tag}` });
    const deletion = await requestCustomerDeletion(as(owner.user), account, { customers: [doomed.identifier] }, { confirmation: doomed.identifier });
    await setOperator(SYSTEM, owner.user.email, true);
    const notice = await sendNotice(as(owner.user), account, { title: `CSP notice ${tag}`, body: "**Read** me.", mode: "all_must_read", to: "all" });

    // Every page as it is on disk; a parameter this test has no value for gets one that names nothing (a 404 page,
    // rendered under the same layout and policy).
    const routes = pageRoutes();
    const concrete = (route: string) =>
      route
        .replace("[account]", account)
        .replace("[customer]", customer.identifier)
        .replace("[project]", project.identifier)
        .replace("[deletion]", deletion.id)
        .replace("[notice]", notice.id)
        .replace(/\[[^\]]+\]/g, `no-such-${tag}`);
    const accountPages = routes.filter((r) => r.startsWith("/[account]"));
    expect(accountPages.length).toBeGreaterThanOrEqual(10);
    const otherPages = [...routes.filter((r) => !r.startsWith("/[account]")).map(concrete), `/no-such-page-${tag}`];

    const context = await browser().newContext(DESKTOP);
    const page = await context.newPage();
    const violations = watchCsp(page);
    const visit = async (url: string, status?: number) => {
      const res = await page.goto(`${baseUrl}${url}`);
      if (status) expect(res?.status(), url).toBe(status);
      else expect(res?.status(), url).toBeLessThan(500);
      await expectScriptsRan(page, url);
    };
    for (const url of otherPages) await visit(url);
    // The sign-up form suggests an identifier as you type: its client code runs.
    await page.goto(`${baseUrl}/sign-up`);
    await page.getByLabel("Account name").fill(`Hydrated ${tag}`);
    await expect.poll(() => page.getByLabel("Account identifier").inputValue()).toBe(`hydrated-${tag}`);

    await signInViaUi(page, baseUrl, owner.user.email, PASSWORD);
    for (const route of accountPages) await visit(concrete(route), 200);
    for (const url of otherPages) await visit(url);
    // A client-side navigation loads the next page's code and styles under the same policy.
    await visit(`/${account}`, 200);
    await page.getByRole("link", { name: "Settings" }).first().click();
    await page.waitForURL(`${baseUrl}/${account}/settings`);
    await expect.poll(() => page.getByLabel("Account name").inputValue()).toBe(`CSP Partner ${tag}`);

    // The mailbox shows an e-mail's HTML in a sandboxed srcdoc frame, which takes the page's policy: it renders,
    // inline styles included.
    const mailbox = routes.find((r) => r.endsWith("/mailbox"));
    expect(mailbox, "the mailbox page").toBeTruthy();
    const sentTo = async () => {
      await visit(mailbox!, 200);
      return page.getByTestId("mailbox-row").filter({ hasText: owner.user.email }).filter({ hasText: "sent" }).count();
    };
    await expect.poll(sentTo, { timeout: 20_000, interval: 500 }).toBeGreaterThanOrEqual(1);
    await page.getByTestId("mailbox-row").filter({ hasText: owner.user.email }).filter({ hasText: "sent" }).getByRole("link").first().click();
    await page.waitForURL(new RegExp(`${mailbox}/[^/]+$`));
    await expectScriptsRan(page, `${mailbox}/[id]`);
    const mail = page.frameLocator("iframe");
    await expect.poll(() => mail.locator("body").textContent()).toContain("Tenancy");
    // Every e-mail's body has its background colour (#f4f5f7) in a style attribute.
    await expect.poll(() => mail.locator("body").evaluate((body) => getComputedStyle(body).backgroundColor)).toBe("rgb(244, 245, 247)");

    expect(violations).toEqual([]);
    // And the watch above does see a violation: an image from another site is refused (img-src 'self').
    await page.evaluate(() => {
      const img = document.createElement("img");
      img.src = "https://evil.example/pixel.png";
      document.body.append(img);
    });
    await expect.poll(() => violations.join("\n")).toMatch(/img-src/);
    await context.close();
  });
});

describe("session cookies", () => {
  it("are HttpOnly and SameSite=Lax, after signing up (our own cookie) and after signing in (next-auth's)", async () => {
    // Secure cannot be seen here: the tests run over http, where the cookies are not Secure by design. Over https
    // (NEXTAUTH_URL https://…) next-auth and startSession both set Secure and the __Secure- name prefix.
    const signedUp = await browser().newContext(DESKTOP);
    const page = await signedUp.newPage();
    const { email } = await signUpViaUi(page, baseUrl);
    const session = (await signedUp.cookies(baseUrl)).find((c) => c.name === "next-auth.session-token");
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false, path: "/" });
    expect(await page.evaluate(() => document.cookie)).not.toContain("session-token");
    await signedUp.close();

    const signedIn = await browser().newContext(DESKTOP);
    const again = await signedIn.newPage();
    await signInViaUi(again, baseUrl, email, E2E_PASSWORD);
    const cookies = await signedIn.cookies(baseUrl);
    expect(cookies.map((c) => c.name)).toContain("next-auth.session-token");
    for (const cookie of cookies.filter((c) => c.name.startsWith("next-auth."))) {
      expect(cookie, cookie.name).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    }
    expect(await again.evaluate(() => document.cookie)).toBe("");
    await signedIn.close();
  });
});

describe("sign-in redirects", () => {
  const HOSTILE = [
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    "/.//evil.example",
    " //evil.example",
    "https://evil.example/",
    "https:evil.example",
    "javascript:alert(1)",
    "/%2F%2Fevil.example",
  ];

  it("sends someone already signed in only to a path on this site", async () => {
    const context = await browser().newContext(DESKTOP);
    const page = await context.newPage();
    const { identifier } = await signUpViaUi(page, baseUrl);
    const cookie = await cookieHeader(context);
    const redirectFor = async (callbackUrl: string | string[]) => {
      const query = new URLSearchParams();
      for (const value of ([] as string[]).concat(callbackUrl)) query.append("callbackUrl", value);
      const res = await fetch(`${baseUrl}/sign-in?${query}`, { headers: { cookie }, redirect: "manual" });
      expect(res.status, String(callbackUrl)).toBeGreaterThanOrEqual(300);
      expect(res.status, String(callbackUrl)).toBeLessThan(400);
      return res.headers.get("location") ?? "";
    };
    for (const hostile of HOSTILE) expect(await redirectFor(hostile), hostile).toBe("/");
    expect(await redirectFor(["/one", "/two"])).toBe("/");
    expect(await redirectFor(`/${identifier}/settings?tab=1#billing`)).toBe(`/${identifier}/settings?tab=1#billing`);
    // next-auth hands over absolute URLs on this site: they become their path.
    expect(await redirectFor(`${baseUrl}/${identifier}/users`)).toBe(`/${identifier}/users`);
    await context.close();
  });

  it("lands on this site after signing in through the form, whatever the callbackUrl", async () => {
    const owner = await newAccount();
    const context = await browser().newContext(DESKTOP);
    const page = await context.newPage();
    for (const hostile of ["/\\evil.example", "/%09/evil.example", "//evil.example"]) {
      await context.clearCookies();
      await page.goto(`${baseUrl}/sign-in?callbackUrl=${encodeURIComponent(hostile)}`);
      await page.getByLabel("E-mail").fill(owner.user.email);
      await page.getByLabel("Password").fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(`${baseUrl}/${owner.customer.identifier}`);
    }
    // A legitimate callback is honoured.
    await context.clearCookies();
    await page.goto(`${baseUrl}/sign-in?callbackUrl=${encodeURIComponent(`/${owner.customer.identifier}/settings`)}`);
    await page.getByLabel("E-mail").fill(owner.user.email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${baseUrl}/${owner.customer.identifier}/settings`);
    await context.close();
  });

  it("gets a callbackUrl on this site from next-auth's own sign-in route", async () => {
    for (const hostile of ["https://evil.example/", "//evil.example", "/\\evil.example"]) {
      const res = await fetch(`${baseUrl}/api/auth/signin?callbackUrl=${encodeURIComponent(hostile)}`, { redirect: "manual" });
      expect(res.status, hostile).toBeGreaterThanOrEqual(300);
      const location = new URL(res.headers.get("location") ?? "", baseUrl);
      expect(location.origin, hostile).toBe(baseUrl);
      expect(location.pathname, hostile).toBe("/sign-in");
      // Whatever next-auth passes on, the sign-in page resolves it to a path here (checked above); it is never another site.
      const callback = location.searchParams.get("callbackUrl") ?? "/";
      expect(new URL(callback, baseUrl).origin, hostile).toBe(baseUrl);
    }
  });
});

describe("server actions", () => {
  it("refuses a post from another origin, and accepts the same post from this one", async () => {
    const context = await browser().newContext(DESKTOP);
    const page = await context.newPage();
    const { identifier } = await signUpViaUi(page, baseUrl, { accountName: "Before Csrf" });
    await page.goto(`${baseUrl}/${identifier}/settings`);
    const actionFields = await serverActionFields(page, "taxId");
    expect(actionFields.some(([name]) => name.startsWith("$ACTION_"))).toBe(true);
    const cookie = await cookieHeader(context);
    expect(cookie).toContain("next-auth.session-token=");

    const nameInDb = async () => (await db.select().from(customers).where(eq(customers.identifier, identifier)))[0].name;
    const post = async (origin: string | null, name: string) => {
      const body = new FormData();
      for (const [key, value] of actionFields) body.append(key, value);
      for (const [key, value] of Object.entries({ account: identifier, name, taxId: "", paymentMethod: "invoice" })) body.append(key, value);
      const headers: Record<string, string> = { cookie };
      if (origin !== null) headers.origin = origin;
      const res = await fetch(`${baseUrl}/${identifier}/settings`, { method: "POST", headers, body, redirect: "manual" });
      return { status: res.status, text: await res.text() };
    };

    for (const origin of ["https://evil.example", `http://evil.example:${new URL(baseUrl).port}`, "null"]) {
      const refused = await post(origin, "Changed by another site");
      expect(refused.status, origin).toBeGreaterThanOrEqual(400);
      expect(refused.text, origin).not.toContain("Settings saved.");
      expect(await nameInDb(), origin).toBe("Before Csrf");
    }

    const accepted = await post(baseUrl, "Changed here");
    expect(accepted.status).toBeLessThan(400);
    expect(await nameInDb()).toBe("Changed here");
    await context.close();
  });
});
