// Sessions that end for real: a copy of a cookie kept from before signing out opens nothing afterwards, and Profile
// lists the browsers and devices one is signed in on and signs any of them out, while this one goes on.
import type { BrowserContext, Cookie, Page } from "playwright-core";
import { afterAll, describe, expect, inject, it } from "vitest";
import { closeDb } from "@/db/client";
import { DESKTOP, PHONE, screenshot, useBrowser } from "../support/browser";
import { signInViaUi, signUpViaUi } from "../support/e2e";
import { PASSWORD, newAccount } from "../support/factories";

const baseUrl = inject("baseUrl");
const browser = useBrowser();
afterAll(closeDb);

const IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

const signOut = async (page: Page) => {
  await page.getByTestId("settings-menu").locator("summary").click();
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL((url) => url.pathname === "/sign-in");
};

const sessionCookies = async (context: BrowserContext): Promise<Cookie[]> =>
  (await context.cookies(baseUrl)).filter((c) => c.name.startsWith("next-auth.session-token"));

/** Where a browser holding only `cookies` ends up when it asks for /profile: the page itself, or sent to sign in. */
async function openProfileWith(cookies: Cookie[]): Promise<string> {
  const context = await browser().newContext(DESKTOP);
  await context.addCookies(cookies);
  const page = await context.newPage();
  const response = await page.goto(`${baseUrl}/profile`);
  const landed = new URL(page.url()).pathname;
  expect(response?.status()).toBe(200);
  await context.close();
  return landed;
}

/** What next-auth's own session route tells a holder of `cookies`: the session's user, or nothing. */
async function nextAuthSession(cookies: Cookie[]): Promise<unknown> {
  const res = await fetch(`${baseUrl}/api/auth/session`, { headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") } });
  return res.json();
}

describe("signing out", () => {
  it("ends the session: the cookie copied before opens nothing afterwards, whether next-auth or sign-up made it", async () => {
    const { user } = await newAccount({ fullName: "Rhea Replay" });
    const signedIn = await browser().newContext(DESKTOP);
    const page = await signedIn.newPage();
    await signInViaUi(page, baseUrl, user.email, PASSWORD);
    const copied = await sessionCookies(signedIn);
    expect(copied).toHaveLength(1);
    // While the session stands, the copy opens Profile as the original does.
    expect(await openProfileWith(copied)).toBe("/profile");
    expect(await nextAuthSession(copied)).toMatchObject({ user: { email: user.email } });

    await signOut(page);
    expect(await sessionCookies(signedIn)).toEqual([]);
    expect(await openProfileWith(copied)).toBe("/sign-in");
    expect(await nextAuthSession(copied)).toEqual({});
    await signedIn.close();

    // A session started by signing up (our own cookie, set by the action) ends the same way.
    const signedUp = await browser().newContext(DESKTOP);
    const fresh = await signedUp.newPage();
    await signUpViaUi(fresh, baseUrl, { fullName: "Sid Signup" });
    const kept = await sessionCookies(signedUp);
    expect(await openProfileWith(kept)).toBe("/profile");
    await signOut(fresh);
    expect(await openProfileWith(kept)).toBe("/sign-in");
    await signedUp.close();
  });

  it("ends the session through next-auth's own sign-out route too", async () => {
    const { user } = await newAccount({ fullName: "Nico Nextauth" });
    const context = await browser().newContext(DESKTOP);
    await signInViaUi(await context.newPage(), baseUrl, user.email, PASSWORD);
    const copied = await sessionCookies(context);
    expect(await openProfileWith(copied)).toBe("/profile");
    // As a program (or next-auth's own confirmation page) signs out: the CSRF token, then a POST with it.
    const { csrfToken } = (await (await context.request.get(`${baseUrl}/api/auth/csrf`)).json()) as { csrfToken: string };
    const res = await context.request.post(`${baseUrl}/api/auth/signout`, { form: { csrfToken, json: "true" } });
    expect(res.status()).toBe(200);
    expect(await sessionCookies(context)).toEqual([]);
    expect(await openProfileWith(copied)).toBe("/sign-in");
    await context.close();
  });
});

describe("Profile › Where you are signed in", () => {
  it("lists each browser and device with this one marked, and signs another out while this one goes on", async () => {
    const { user } = await newAccount({ fullName: "Mira Multidevice" });
    const phone = await browser().newContext({ ...PHONE, userAgent: IPHONE, isMobile: true, hasTouch: true });
    const phonePage = await phone.newPage();
    await signInViaUi(phonePage, baseUrl, user.email, PASSWORD);
    const laptop = await browser().newContext(DESKTOP);
    const laptopPage = await laptop.newPage();
    await signInViaUi(laptopPage, baseUrl, user.email, PASSWORD);

    await laptopPage.goto(`${baseUrl}/profile`);
    const rows = laptopPage.getByTestId("session");
    await expect.poll(() => rows.count()).toBe(2);
    // This device first, marked, without a sign-out of its own (the menu's Sign out is for that).
    const here = rows.nth(0);
    await expect.poll(() => here.innerText()).toMatch(/Chrome \d+ on Linux computer/);
    expect(await here.getByTestId("this-device").isVisible()).toBe(true);
    expect(await here.getByRole("button").count()).toBe(0);
    const iphone = rows.nth(1);
    expect(await iphone.innerText()).toMatch(/Safari 17 on iPhone/);
    expect(await iphone.innerText()).toMatch(/127\.0\.0\.1|::1|\d+\.\d+\.\d+\.\d+/);
    expect(await iphone.innerText()).toMatch(/signed in \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC · last seen \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    await screenshot(laptopPage, "sessions-laptop");

    await phonePage.goto(`${baseUrl}/profile`);
    await expect.poll(() => phonePage.getByTestId("session").count()).toBe(2);
    expect(await phonePage.getByTestId("session").nth(0).innerText()).toMatch(/Safari 17 on iPhone[\s\S]*This device/);
    await phonePage.getByRole("heading", { name: "Where you are signed in" }).scrollIntoViewIfNeeded();
    await screenshot(phonePage, "sessions-phone");

    // The laptop signs the phone out.
    await iphone.getByRole("button", { name: /^Sign out Safari 17 on iPhone/ }).click();
    await expect.poll(() => laptopPage.getByRole("status").innerText()).toBe("Signed out on that device.");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.nth(0).getByTestId("this-device").isVisible()).toBe(true);
    await screenshot(laptopPage, "sessions-laptop-after");

    // The phone's next request finds its session ended; the laptop's goes on.
    await phonePage.goto(`${baseUrl}/profile`);
    expect(new URL(phonePage.url()).pathname).toBe("/sign-in");
    await laptopPage.goto(`${baseUrl}/profile`);
    expect(new URL(laptopPage.url()).pathname).toBe("/profile");

    // Signed in again on the phone, then "everywhere else" from the laptop: the phone is out once more.
    await signInViaUi(phonePage, baseUrl, user.email, PASSWORD);
    await laptopPage.reload();
    await expect.poll(() => rows.count()).toBe(2);
    await laptopPage.getByRole("button", { name: "Sign out everywhere else" }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await phonePage.goto(`${baseUrl}/profile`);
    expect(new URL(phonePage.url()).pathname).toBe("/sign-in");
    await laptopPage.goto(`${baseUrl}/profile`);
    expect(new URL(laptopPage.url()).pathname).toBe("/profile");
    await phone.close();
    await laptop.close();
  });
});
