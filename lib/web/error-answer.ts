// What the web says about an error, for forms (lib/web/action.ts) and route handlers (lib/web/route.ts) alike: one
// mapping from the domain's error codes to a status, words and a wait. Anything that is not the domain's own error is
// a bug (logged, answered with generic words) unless it says the database is out of reach.
import {
  AppError,
  HTTP_STATUS,
  NotFoundError,
  RateLimitedError,
  UnavailableError,
  asDatabaseUnavailable,
  getLogger,
  isRefusal,
  type ErrorCode,
  type FieldErrors,
} from "@/lib/core";
import { retryAfterSeconds } from "@/lib/limits";
import { unavailableReason } from "./unavailable";

export type ErrorAnswer = {
  /** The domain's code, or `internal` for a bug. */
  code: ErrorCode | "internal";
  status: number;
  message: string;
  fieldErrors: FieldErrors;
  /** For 429 and 503: seconds after which trying again makes sense. */
  retryAfter?: number;
  /** The error the answer stands for (a driver's failure already turned into the UnavailableError). */
  error: unknown;
};

export const INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Nothing was saved; please try again.";

/**
 * The answer for `err`. `refusalAs404`: a refusal (forbidden as well as not found) answers exactly like something that
 * doesn't exist, as route handlers do; a form keeps its own words for a refusal the person can act on.
 */
export function errorAnswer(err: unknown, where: string, opts: { refusalAs404?: boolean } = {}): ErrorAnswer {
  if (!(err instanceof AppError)) {
    const unavailable = asDatabaseUnavailable(err);
    if (unavailable) {
      // The transaction never committed, so "nothing was changed" is true.
      getLogger(where).warn({ reason: unavailableReason(err) }, "database unavailable: nothing was changed");
      err = unavailable;
    }
  }
  if (err instanceof AppError) {
    const shown = opts.refusalAs404 && isRefusal(err) ? new NotFoundError() : err;
    const retryAfter = shown instanceof RateLimitedError ? retryAfterSeconds(shown) : shown instanceof UnavailableError ? shown.retryAfterSeconds : undefined;
    return { code: shown.code, status: HTTP_STATUS[shown.code], message: shown.message, fieldErrors: shown.fieldErrors, retryAfter, error: err };
  }
  getLogger(where).error({ err }, "unexpected error");
  return { code: "internal", status: 500, message: INTERNAL_ERROR_MESSAGE, fieldErrors: {}, error: err };
}
