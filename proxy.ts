// Security headers decided per request (Next 16's proxy, formerly middleware): a Content-Security-Policy with a fresh
// nonce, which Next reads from the request's CSP header and puts on its own scripts while rendering the page, and HSTS
// when the app is served over https. Headers that never change (X-Frame-Options, nosniff, Referrer-Policy) are set for
// every response in next.config.js.
import { NextResponse, type NextRequest } from "next/server";

const HSTS = "max-age=31536000; includeSubDomains";

/** Set by this proxy on every request it passes on; never trusted from the client (it is overwritten here). */
const REQUESTED_PATH_HEADER = "x-tenancy-requested-path";

export function proxy(request: NextRequest) {
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
  const https = appUrl().startsWith("https://");
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === "development", https });

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", csp);
  // The page asked for, path and query: a signed-out visitor is brought back to exactly it after signing in.
  requestHeaders.set(REQUESTED_PATH_HEADER, request.nextUrl.pathname + request.nextUrl.search);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  if (https && process.env.NODE_ENV === "production") response.headers.set("Strict-Transport-Security", HSTS);
  return response;
}

function appUrl(): string {
  return process.env.APP_URL || process.env.NEXTAUTH_URL || "";
}

/**
 * Scripts run only with this response's nonce, or when loaded by a script that has it ('strict-dynamic': Next's
 * chunks); 'self' is the fallback for browsers without CSP 3. Stylesheets come from this site or carry the nonce;
 * style *attributes* stay allowed (style-src-attr), because pages set widths inline (the quota bars) and the dev
 * mailbox shows e-mail HTML, all inline styles, in an `<iframe srcdoc>`, which takes this page's policy. Nothing may
 * frame a page of ours. In `next dev`, React needs eval and the dev server injects style elements without a nonce.
 */
function contentSecurityPolicy(nonce: string, { dev, https }: { dev: boolean; https: boolean }): string {
  const directives = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ];
  return directives.join("; ");
}

export const config = {
  matcher: [
    {
      // Pages and their server actions; not static files, image optimisation, or API routes (next-auth's JSON and
      // its built-in pages, which bring inline styles of their own).
      source: "/((?!api/|_next/static|_next/image|favicon.ico).*)",
      // Prefetches fetch RSC payloads, not documents: no policy to attach.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
