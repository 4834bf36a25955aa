// Rate limits (rate-limiter-flexible on Redis, PostgreSQL or memory): named limits as data, consume/reset/reward by
// key, the client's address for per-IP keys, and the bookkeeping for Retry-After.
//
//   await consume(SIGN_UP_PER_IP, clientIp(await headers()));           // throws RateLimitedError when used up
//   await consume(RESET_PER_IP, ip); await consume(RESET_EMAIL_PER_ADDRESS, email.toLowerCase());
//   // …for unknown addresses too, before looking the address up, so both get the same answer.
export * from "./definitions";
export * from "./consume";
export * from "./client-ip";
export { trustOnlyConnectionAddress } from "./connection-address";
export { closeLimits, keyPrefix, storeKind, RATE_LIMIT_TABLE, type StoreKind } from "./store";
