// Runs once when the web server starts, before it answers a request (Next.js's instrumentation hook).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // A bad value stops the web server before it answers anything, naming its variable.
  const { exitOnBadConfig } = await import("@/config");
  exitOnBadConfig("tenancy web");
  // With TRUST_PROXY=0 only the connection's address counts for per-IP limits, not an X-Forwarded-For a client sent.
  const { trustOnlyConnectionAddress } = await import("@/lib/limits");
  trustOnlyConnectionAddress();
}
