// lib/'s way to the configuration, which is parsed in one place: config/ on the ground floor.
export { devMailboxEnabled, getEnv, installationSecret, rateLimitOverride, readEnv, type Env } from "@/config";
