// The one place that decides whether an error means "the database can't serve us right now" (rather than a wrong
// statement or a bug), by the error's class and code only: postgres.js puts the socket's errno code or its own
// connection code on the error, PostgreSQL's SQLSTATE arrives as `code`, and drizzle wraps the driver's error in
// `cause`. Message text is never read: it changes between versions and languages (lc_messages) and carries the query.
import { UnavailableError } from "./errors";

/** Network failures (Node's errno codes) and the driver's own connection errors. */
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
  // Ours: a read that got no answer in time (lib/web's readWithin), the database frozen rather than gone.
  "READ_TIMEOUT",
]);

/**
 * SQLSTATEs that mean the server can't serve us right now, not that the statement was wrong: class 08 (connection
 * exception), 53300 too many connections, 57P01–57P03 (shutting down, crashed, starting up), 57014 canceled by the
 * statement timeout. In each case the transaction did not commit.
 */
const UNAVAILABLE_SQLSTATES = /^(08[0-9A-Z]{3}|53300|57P0[123]|57014)$/;

function isUnavailableCode(code: unknown): code is string {
  return typeof code === "string" && (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code));
}

/**
 * The code that says the database is out of reach (ECONNREFUSED, CONNECTION_CLOSED, 57P01, …), looked for in `err` and
 * what it wraps; null when `err` is anything else. The domain's own UnavailableError counts when it is about the
 * database (one about the job queue is another matter).
 */
export function databaseUnavailableCode(err: unknown): string | null {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && e && typeof e === "object"; depth++) {
    if (e instanceof UnavailableError) return e.service === "database" ? (codeInCauses(e.cause) ?? "unavailable") : null;
    const code = (e as { code?: unknown }).code;
    if (isUnavailableCode(code)) return code;
    // Several addresses tried (localhost → ::1 and 127.0.0.1): Node reports an AggregateError of refusals.
    if (e instanceof AggregateError && e.errors.length > 0) {
      const codes = e.errors.map((inner) => databaseUnavailableCode(inner));
      if (codes.every((c) => c !== null)) return codes[0];
    }
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}

function codeInCauses(cause: unknown): string | null {
  return cause === undefined ? null : databaseUnavailableCode(cause);
}

/** Whether `err` (or what it wraps) says the database is out of reach. */
export function isDatabaseUnavailable(err: unknown): boolean {
  return databaseUnavailableCode(err) !== null;
}

/**
 * `err` as the domain's UnavailableError when the database is out of reach, else null. Its cause names the failure by
 * code only (a log line or Next's error log shows the cause; a failed query's statement and parameters must not).
 */
export function asDatabaseUnavailable(err: unknown): UnavailableError | null {
  const code = databaseUnavailableCode(err);
  if (code === null) return null;
  if (err instanceof UnavailableError) return err;
  const unavailable = new UnavailableError();
  Object.defineProperty(unavailable, "cause", { value: Object.assign(new Error(`database unavailable: ${code}`), { code }), enumerable: false });
  return unavailable;
}
