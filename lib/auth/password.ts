// Password hashing with argon2id (OWASP parameters: 19 MiB, 2 iterations), a few at a time.
//
// Each hash or verify holds 19 MiB and a libuv thread for tens of milliseconds. At most HASH_CONCURRENCY (default 2)
// run at once per process; up to HASH_QUEUE (default 32) more wait their turn, and beyond that the request is refused
// at once with RateLimitedError instead of piling up, so a flood of sign-ins costs bounded memory and leaves threads
// for file and DNS work. A 20-line semaphore (below) rather than p-limit: p-limit has no queue bound (we would wrap it
// anyway), and its current major is ESM-only, which tsx-run CommonJS scripts can't require on every Node 20.
import { hash, verify } from "@node-rs/argon2";
import { RateLimitedError, getEnv } from "@/lib/core";
import { recordRefusal } from "@/lib/limits";

const OPTIONS = { memoryCost: 19456, timeCost: 2, parallelism: 1 } as const; // the default algorithm is Argon2id

/**
 * An argon2id hash, with the parameters above, of a random password nobody knows. Checking a password against it
 * takes as long as against a real user's hash: sign-in checks unknown addresses against it, so they take the same time.
 */
export const DUMMY_PASSWORD_HASH = "$argon2id$v=19$m=19456,t=2,p=1$Y07o307jWYObxWS3IfyAfg$TqxTsdVSOuedGfrNYElf64NsK/e7OgSyMP/W0leHYms";

function bounds() {
  const env = getEnv();
  return { concurrency: env.HASH_CONCURRENCY, queue: env.HASH_QUEUE };
}

const state = { active: 0, peakActive: 0, runs: 0, refused: 0, waiting: [] as (() => void)[] };

/** How busy hashing is in this process: in flight now, waiting, the most ever in flight, hashes run, refusals. */
export function hashingStats() {
  return { active: state.active, waiting: state.waiting.length, peakActive: state.peakActive, runs: state.runs, refused: state.refused, ...bounds() };
}

/** Starts the peak, run and refusal counts afresh (tests, benchmarks). */
export function resetHashingStats(): void {
  state.peakActive = state.active;
  state.runs = 0;
  state.refused = 0;
}

async function bounded<T>(fn: () => Promise<T>): Promise<T> {
  const { concurrency, queue } = bounds();
  if (state.active >= concurrency) {
    if (state.waiting.length >= queue) {
      state.refused++;
      throw recordRefusal(new RateLimitedError("Tenancy is checking a lot of passwords right now. Try again in a few seconds.", 2000));
    }
    // Woken with the slot of the one that finished: `active` already counts this call.
    await new Promise<void>((resolve) => state.waiting.push(resolve));
  } else state.active++;
  state.peakActive = Math.max(state.peakActive, state.active);
  state.runs++;
  try {
    return await fn();
  } finally {
    const next = state.waiting.shift();
    if (next) next();
    else state.active--;
  }
}

export function hashPassword(password: string): Promise<string> {
  return bounded(() => hash(password, OPTIONS));
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  return bounded(async () => {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  });
}
