// One error type for everything a person (or, later, an API client) can act on. Each carries a code that says what
// kind of refusal it is, so the form adapter and a future HTTP adapter map it without guessing. Anything else is a bug:
// logged, and shown as a generic failure.

export type FieldErrors = Record<string, string>;

export type ErrorCode = "unauthenticated" | "not_found" | "forbidden" | "conflict" | "invalid_input" | "rate_limited" | "unavailable";

/**
 * The HTTP status each code answers with (lib/web's route adapter). A refusal answers like something that doesn't
 * exist (the adapter gives it the not_found code and words too), so nobody learns what exists elsewhere.
 */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  unauthenticated: 401,
  not_found: 404,
  forbidden: 404,
  conflict: 409,
  invalid_input: 400,
  rate_limited: 429,
  unavailable: 503,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

/** Nobody is signed in, and the request needs someone. */
export class UnauthenticatedError extends AppError {
  constructor(message = "Sign in first.") {
    super("unauthenticated", message);
    this.name = "UnauthenticatedError";
  }
}

/** Not there, or not yours: the two answers are the same, so nobody learns what exists elsewhere. */
export class NotFoundError extends AppError {
  constructor(message = "Not found, or you don't have access to it.") {
    super("not_found", message);
    this.name = "NotFoundError";
  }
}

export class ForbiddenError extends AppError {
  constructor(message = "You don't have permission to do that in this account.") {
    super("forbidden", message);
    this.name = "ForbiddenError";
  }
}

/** The request is well-formed but the current state refuses it (last admin, quota reached, already used). */
export class ConflictError extends AppError {
  constructor(message: string, fieldErrors: FieldErrors = {}) {
    super("conflict", message, fieldErrors);
    this.name = "ConflictError";
  }
}

export class InvalidInputError extends AppError {
  constructor(message: string, fieldErrors: FieldErrors = {}) {
    super("invalid_input", message, fieldErrors);
    this.name = "InvalidInputError";
  }
}

export class RateLimitedError extends AppError {
  constructor(
    message = "Too many attempts. Please wait a moment and try again.",
    readonly retryAfterMs: number | null = null,
  ) {
    super("rate_limited", message);
    this.name = "RateLimitedError";
  }
}

/** What is out of reach: the database (every request needs it) or the job queue (only its own pages do). */
export type UnavailableService = "database" | "queue";

export class UnavailableError extends AppError {
  constructor(
    message = "Tenancy can't reach its database right now. Nothing was changed; please try again shortly.",
    readonly service: UnavailableService = "database",
    /** Seconds after which trying again makes sense (the Retry-After of a route's 503). */
    readonly retryAfterSeconds = 5,
  ) {
    super("unavailable", message);
    this.name = "UnavailableError";
  }
}

/** Bad input for one field: shown next to that field. */
export function fieldError(field: string, message: string): InvalidInputError {
  return new InvalidInputError(message, { [field]: message });
}

/** A conflict that belongs to one field (an identifier taken, an address already invited). */
export function fieldConflict(field: string, message: string): ConflictError {
  return new ConflictError(message, { [field]: message });
}

export function isRefusal(err: unknown): err is NotFoundError | ForbiddenError {
  return err instanceof AppError && (err.code === "not_found" || err.code === "forbidden");
}

type PgError = { code?: string; constraint_name?: string; constraint?: string };

/** The constraint a PostgreSQL unique/check violation names, if `err` is one (drizzle wraps driver errors in `cause`). */
export function violatedConstraint(err: unknown, code: "23505" | "23514" | "23503"): string | null {
  let e: unknown = err;
  for (let i = 0; i < 3 && e; i++) {
    const pg = e as PgError;
    if (pg.code === code) return pg.constraint_name ?? pg.constraint ?? "";
    e = (e as { cause?: unknown }).cause;
  }
  return null;
}
