// The web side of the domain: sessions and the principal of a request, the server-action adapter, per-page context.
// Only app/ imports this (it depends on Next.js).
export * from "./account-context";
export * from "./action";
export * from "./auth-options";
export * from "./session";
export * from "./session-cookie";
export * from "./unavailable";
export * from "./notice-events";
