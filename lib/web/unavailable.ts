// When PostgreSQL can't be reached: the request fails fast (db/client.ts's timeouts) and says so in plain words —
// "temporarily unavailable, nothing was changed" — instead of a generic failure. Forms get the message from
// toFormState; pages throw an UnavailableError marked with UNAVAILABLE_DIGEST, which app/error.tsx recognises (in a
// production build a server error reaches the browser as its digest only, never its message); route handlers answer
// 503 with unavailableResponse().
import { AppError, UnavailableError, getLogger } from "@/lib/core";

/**
 * The digest Next passes to the error boundary for an unavailable database. Kept in step with
 * app/components/unavailable.tsx (tests/integration/unavailable.test.ts checks they match).
 */
export const UNAVAILABLE_DIGEST = "TENANCY_UNAVAILABLE";

/** Network failures of the driver (postgres.js puts the errno code on the error) and its own connection errors. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

/**
 * SQLSTATEs that mean the server can't serve us right now, not that the statement was wrong: class 08 (connection
 * exception), 53300 too many connections, 57P01–57P03 (shutting down, crashed, starting up), 57014 canceled by the
 * statement timeout. In each case the transaction did not commit.
 */
const UNAVAILABLE_SQLSTATES = /^(08...|53300|57P0[123]|57014)$/;

const DATABASE_UNAVAILABLE = new UnavailableError().message;

/** Whether `err` (or what it wraps: drizzle puts the driver's error in `cause`) says the database is out of reach. */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === "object"; depth++) {
    // The domain's own UnavailableError() says exactly this; one with other words is about something else (the queue).
    if (e instanceof AppError) return e.code === "unavailable" && e.message === DATABASE_UNAVAILABLE;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code))) return true;
    // Several addresses tried (localhost → ::1 and 127.0.0.1): Node reports an AggregateError of refusals.
    if (e instanceof AggregateError && e.errors.length > 0 && e.errors.every((inner) => isDatabaseUnavailable(inner))) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * What went wrong, in words safe for a log line: the driver's code (ECONNREFUSED, 57P01, …) or a timeout. Never the
 * failed query's message, which carries the statement and its parameters.
 */
export function unavailableReason(err: unknown): string {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === "object"; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && code !== "unavailable") return code;
    e = (e as { cause?: unknown }).cause;
  }
  return err instanceof Error && !("query" in err) && !err.message.startsWith("Failed query") ? err.message : "unavailable";
}

/**
 * An UnavailableError carrying the digest the error page looks for. Its cause names the failure by code only (Next logs
 * the error with its causes; a query's parameters must not reach the log).
 */
export function unavailableError(cause?: unknown): UnavailableError {
  const err = cause instanceof UnavailableError ? cause : new UnavailableError();
  if (cause !== undefined && cause !== err)
    Object.defineProperty(err, "cause", { value: new Error(`database unavailable: ${unavailableReason(cause)}`), enumerable: false });
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
    timer = setTimeout(() => reject(unavailableError(new Error(`the database did not answer within ${ms} ms`))), ms);
  });
  try {
    return await Promise.race([orUnavailable(read), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The answer of a route handler while the database is out of reach: 503, a Retry-After, and the plain message. */
export function unavailableResponse(): Response {
  return Response.json(
    { error: "unavailable", message: new UnavailableError().message },
    { status: 503, headers: { "Retry-After": "5", "Cache-Control": "no-store" } },
  );
}

/** Wraps a route handler so that an unreachable database answers 503 (unavailableResponse) instead of a 500. */
export function withUnavailable<A extends unknown[]>(handler: (...args: A) => Promise<Response>): (...args: A) => Promise<Response> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        getLogger("web").warn({ reason: unavailableReason(err) }, "database unavailable: answered 503");
        return unavailableResponse();
      }
      throw err;
    }
  };
}
