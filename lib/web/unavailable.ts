// When PostgreSQL can't be reached: the request fails fast (db/client.ts's timeouts) and says so in plain words —
// "temporarily unavailable, nothing was changed" — instead of a generic failure. Forms get the message from
// toFormState; pages throw an UnavailableError marked with UNAVAILABLE_DIGEST, which app/error.tsx recognises (in a
// production build a server error reaches the browser as its digest only, never its message); route handlers answer
// 503 through the route adapter (route.ts).
import { UnavailableError, asDatabaseUnavailable, databaseUnavailableCode, isDatabaseUnavailable } from "@/lib/core";

export { isDatabaseUnavailable };

/**
 * The digest Next passes to the error boundary for an unavailable database. Kept in step with
 * app/components/unavailable.tsx (tests/integration/unavailable.test.ts checks they match).
 */
export const UNAVAILABLE_DIGEST = "TENANCY_UNAVAILABLE";

/** What went wrong, in words safe for a log line: the driver's code (ECONNREFUSED, 57P01, …), never a message. */
export function unavailableReason(err: unknown): string {
  return databaseUnavailableCode(err) ?? "unavailable";
}

/**
 * An UnavailableError carrying the digest the error page looks for. Its cause names the failure by code only (Next logs
 * the error with its causes; a query's parameters must not reach the log).
 */
export function unavailableError(cause?: unknown): UnavailableError {
  const err = asDatabaseUnavailable(cause) ?? new UnavailableError();
  // Next keeps a digest an error already has and hands it to app/error.tsx (the message stays on the server).
  (err as UnavailableError & { digest?: string }).digest = UNAVAILABLE_DIGEST;
  return err;
}

/** For pages: `err` as the marked UnavailableError when the database is out of reach, else `err` itself. */
export function asUnavailable(err: unknown): unknown {
  return isDatabaseUnavailable(err) ? unavailableError(err) : err;
}

/** Runs page work, turning an unreachable database into the marked UnavailableError (the error page says so). */
export async function orUnavailable<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    throw asUnavailable(err);
  }
}

/**
 * How long a page or an action waits for its first read (the session's user) before saying the database is
 * unavailable. The pool's connect timeout covers a database that can't be reached; this covers one that accepts
 * connections but stops answering (a frozen server, a network partition), which no driver timeout notices in time.
 */
export const FIRST_READ_TIMEOUT_MS = 2000;

/**
 * A read that must answer within `ms`, else the UnavailableError. For reads only: a write cut off this way could still
 * commit later, and "nothing was changed" would not be true.
 */
export async function readWithin<T>(read: Promise<T>, ms = FIRST_READ_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailableError(Object.assign(new Error(`the database did not answer within ${ms} ms`), { code: "READ_TIMEOUT" }))), ms);
  });
  try {
    return await Promise.race([orUnavailable(read), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
