// Errors a person can act on. Anything else is logged and shown as a generic failure.

export type FieldErrors = Record<string, string>;

export class DomainError extends Error {
  constructor(
    message: string,
    readonly fieldErrors: FieldErrors = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = "You don't have permission to do that in this account.") {
    super(message);
    this.name = "ForbiddenError";
  }
}

export class NotFoundError extends DomainError {
  constructor(message = "Not found, or you don't have access to it.") {
    super(message);
    this.name = "NotFoundError";
  }
}

export function fieldError(field: string, message: string): DomainError {
  return new DomainError(message, { [field]: message });
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
