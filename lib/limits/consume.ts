// Counting attempts against a named limit, and the plain-words refusal when one is used up.
import { AsyncLocalStorage } from "node:async_hooks";
import { createHash } from "node:crypto";
import { RateLimiterRes } from "rate-limiter-flexible";
import { RateLimitedError, counted } from "@/lib/core";
import { configured, type Limit } from "./definitions";
import { limiterFor } from "./store";

export type Consumed = { consumedPoints: number; remainingPoints: number; msBeforeNext: number };

/** Keys come from what people type (addresses): long ones are hashed so a key never grows a store. */
function storeKey(key: string): string {
  const k = key.trim().toLowerCase();
  return k.length <= 128 ? k : `sha256:${createHash("sha256").update(k).digest("hex")}`;
}

/** "14 minutes", "1 hour", "30 seconds": rounded up, so trying again then works. */
export function inWords(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return counted.seconds(seconds);
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return counted.minutes(minutes);
  return counted.hours(Math.ceil(minutes / 60));
}

export function refusalFor(limit: Limit, msBeforeNext: number): RateLimitedError {
  const ms = Math.max(1000, msBeforeNext);
  return new RateLimitedError(`${limit.refusal} Try again in ${inWords(ms)}.`, ms);
}

async function attempt(limit: Limit, key: string, points: number): Promise<Consumed | RateLimitedError> {
  const spec = configured(limit);
  const limiter = await limiterFor(spec);
  try {
    const res = await limiter.consume(storeKey(key), points);
    return { consumedPoints: res.consumedPoints, remainingPoints: res.remainingPoints, msBeforeNext: res.msBeforeNext };
  } catch (err) {
    if (err instanceof RateLimiterRes) return refusalFor(spec, err.msBeforeNext);
    throw err;
  }
}

/**
 * Counts one attempt (or `points`) for `key` under `limit`. Throws RateLimitedError, with when to try again in its
 * message and retryAfterMs, when the key has no points left.
 */
export async function consume(limit: Limit, key: string, points = 1): Promise<Consumed> {
  const result = await attempt(limit, key, points);
  if (result instanceof RateLimitedError) throw recordRefusal(result);
  return result;
}

/** Like consume, but answers false instead of refusing (and the request isn't counted as refused). */
export async function tryConsume(limit: Limit, key: string, points = 1): Promise<boolean> {
  return !((await attempt(limit, key, points)) instanceof RateLimitedError);
}

/** Forgets every attempt counted for `key` (a successful sign-in clears its address's failures). */
export async function reset(limit: Limit, key: string): Promise<void> {
  await (await limiterFor(configured(limit))).delete(storeKey(key));
}

/** Gives back `points` attempts for `key`. */
export async function reward(limit: Limit, key: string, points = 1): Promise<void> {
  await (await limiterFor(configured(limit))).reward(storeKey(key), points);
}

// Next-auth's authorize() can only throw a message; the route handler around it learns of the refusal here so it can
// answer 429 with Retry-After.
const refusals = new AsyncLocalStorage<{ refusal: RateLimitedError | null }>();

/** Notes a refusal for the enclosing captureRefusal(), if any, and returns it (to throw). */
export function recordRefusal(err: RateLimitedError): RateLimitedError {
  const box = refusals.getStore();
  if (box) box.refusal = err;
  return err;
}

/** Runs `fn` and reports the last rate-limit refusal that happened inside it, even one a library turned into text. */
export async function captureRefusal<T>(fn: () => Promise<T>): Promise<{ result: T; refusal: RateLimitedError | null }> {
  const box: { refusal: RateLimitedError | null } = { refusal: null };
  const result = await refusals.run(box, fn);
  return { result, refusal: box.refusal };
}

/** The Retry-After header value (whole seconds, at least 1) for a refusal. */
export function retryAfterSeconds(err: RateLimitedError): number {
  return Math.max(1, Math.ceil((err.retryAfterMs ?? 1000) / 1000));
}
