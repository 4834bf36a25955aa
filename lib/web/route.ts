// The one adapter between a route handler (`route.ts`) and the domain, as action.ts is for server actions: who is
// asking, the URL's segments decoded, and every failure answered as problem+json (RFC 9457) carrying the error's code:
// nobody signed in → 401, refused or not there → 404 (alike), bad input → 400, limited → 429 and the database out of
// reach → 503, both with Retry-After. What a handler returns itself (a stream, JSON) passes through untouched.
import { STATUS_CODES } from "node:http";
import type { UserPrincipal } from "@/lib/authz";
import { NotFoundError, UnauthenticatedError } from "@/lib/core";
import { errorAnswer } from "./error-answer";
import { getPrincipal } from "./session";

type Segments = Record<string, string | string[]>;
/** What Next.js passes a route handler besides the request. */
export type RouteContext<P extends Segments> = { params: Promise<P> };

/** A failure as problem+json: the status, the error's code and its words (and its fields', for bad input). */
export function problemResponse(err: unknown, where = "route"): Response {
  const answer = errorAnswer(err, where, { refusalAs404: true });
  const headers = new Headers({ "content-type": "application/problem+json", "cache-control": "no-store" });
  if (answer.retryAfter !== undefined) headers.set("retry-after", String(answer.retryAfter));
  const body: Record<string, unknown> = {
    type: "about:blank",
    title: STATUS_CODES[answer.status] ?? "Error",
    status: answer.status,
    code: answer.code,
    detail: answer.message,
  };
  if (Object.keys(answer.fieldErrors).length > 0) body.errors = answer.fieldErrors;
  return new Response(JSON.stringify(body), { status: answer.status, headers });
}

/** The URL's segments as typed (Next hands them over percent-encoded); one that can't be decoded names nothing: 404. */
function decoded<P extends Segments>(params: P): P {
  const decode = (v: string) => {
    try {
      return decodeURIComponent(v);
    } catch {
      throw new NotFoundError();
    }
  };
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v.map(decode) : decode(v)])) as P;
}

function adapt<P extends Segments>(handler: (request: Request, params: P) => Promise<Response> | Response) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      return await handler(request, decoded((await context?.params) ?? ({} as P)));
    } catch (err) {
      return problemResponse(err);
    }
  };
}

/** A route anyone may call (health, readiness, sign-in); the domain decides what they get. */
export function publicRoute<P extends Segments = Record<string, never>>(handler: (request: Request, params: P) => Promise<Response> | Response) {
  return adapt(handler);
}

/** A route for a signed-in person: the handler gets them as the principal (the domain operation authorizes). */
export function userRoute<P extends Segments = Record<string, never>>(handler: (principal: UserPrincipal, request: Request, params: P) => Promise<Response>) {
  return adapt<P>(async (request, params) => {
    const principal = await getPrincipal();
    if (principal.kind !== "user") throw new UnauthenticatedError();
    return handler(principal, request, params);
  });
}
