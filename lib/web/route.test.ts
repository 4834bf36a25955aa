import { describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, UnauthenticatedError, UnavailableError, fieldError } from "@/lib/core";
import { toFormState } from "./action";
import { problemResponse, publicRoute } from "./route";

async function problem(err: unknown) {
  const res = problemResponse(err);
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    retryAfter: res.headers.get("retry-after"),
    body: (await res.json()) as Record<string, unknown>,
  };
}

describe("problemResponse", () => {
  it("answers each of the domain's codes with its status, as problem+json carrying the code", async () => {
    expect(await problem(new UnauthenticatedError())).toMatchObject({
      status: 401,
      type: "application/problem+json",
      body: { status: 401, code: "unauthenticated" },
    });
    expect(await problem(new NotFoundError())).toMatchObject({ status: 404, body: { code: "not_found", title: "Not Found" } });
    expect(await problem(new ConflictError("Taken."))).toMatchObject({ status: 409, body: { code: "conflict", detail: "Taken." } });
    expect(await problem(fieldError("name", "Too long."))).toMatchObject({ status: 400, body: { code: "invalid_input", errors: { name: "Too long." } } });
    expect(await problem(new RateLimitedError(undefined, 2500))).toMatchObject({ status: 429, retryAfter: "3", body: { code: "rate_limited" } });
    expect(await problem(new UnavailableError())).toMatchObject({ status: 503, retryAfter: "5", body: { code: "unavailable" } });
    expect(await problem(new UnavailableError("The queue is away.", "queue", 30))).toMatchObject({ status: 503, retryAfter: "30" });
  });

  it("answers a refusal exactly like something that doesn't exist", async () => {
    const refused = await problem(new ForbiddenError());
    const missing = await problem(new NotFoundError());
    expect(refused).toEqual(missing);
    // A form keeps the refusal's own words: the person is in the account and can act on them.
    expect(toFormState(new ForbiddenError()).error).toBe(new ForbiddenError().message);
  });

  it("answers a bug with 500 and generic words, never the error's own", async () => {
    const bug = await problem(new Error("secret detail of a bug"));
    expect(bug).toMatchObject({ status: 500, body: { code: "internal" } });
    expect(JSON.stringify(bug.body)).not.toContain("secret detail");
    expect(toFormState(new Error("secret detail of a bug")).error).toBe(bug.body.detail);
  });
});

describe("publicRoute", () => {
  it("hands the handler the URL's segments decoded, and answers 404 for one that can't be decoded", async () => {
    const echo = publicRoute<{ account: string }>(async (_req, { account }) => Response.json({ account }));
    const req = new Request("http://localhost/x");
    expect(await (await echo(req, { params: Promise.resolve({ account: "a%20b" }) })).json()).toEqual({ account: "a b" });
    const res = await echo(req, { params: Promise.resolve({ account: "%E0%A4%A" }) });
    expect(res.status).toBe(404);
  });
});
