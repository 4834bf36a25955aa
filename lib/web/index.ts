// The web side of the domain: sessions and the principal of a request, the server-action and route-handler adapters
// (one mapping of the domain's errors for both), per-page context.
// Only app/ imports this (it depends on Next.js).
export * from "./account-context";
export * from "./action";
export * from "./error-answer";
export * from "./route";
export * from "./auth-options";
export * from "./session";
export * from "./session-cookie";
export * from "./unavailable";
export * from "./notice-events";
