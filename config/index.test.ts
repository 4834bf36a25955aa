import { afterEach, describe, expect, it } from "vitest";
import { configProblems, getEnv, readEnv } from "./index";

describe("configuration", () => {
  const saved = process.env.DATABASE_POOL_SIZE;
  afterEach(() => {
    if (saved === undefined) delete process.env.DATABASE_POOL_SIZE;
    else process.env.DATABASE_POOL_SIZE = saved;
  });

  it("takes the documented defaults when nothing is set", () => {
    const env = readEnv({});
    expect(env).toMatchObject({ DATABASE_POOL_SIZE: 10, DATABASE_STATEMENT_TIMEOUT_MS: 30_000, TRUST_PROXY: 0, HASH_CONCURRENCY: 2, PORT: 3000 });
    expect(env.OPERATOR_EMAILS).toEqual([]);
    expect(configProblems({})).toEqual([]);
  });

  it("names every bad variable with what it should be and what it got, one line each", () => {
    const problems = configProblems({
      DATABASE_POOL_SIZE: "abc",
      TRUST_PROXY: "yes",
      PORT: "70000",
      RATE_LIMIT_SIGN_UP_PER_IP: "lots",
      RATE_LIMIT_STORE: "disk",
    });
    expect(problems).toHaveLength(5);
    expect(problems).toContainEqual(expect.stringMatching(/^DATABASE_POOL_SIZE must be a number \(got "abc"\)$/));
    expect(problems).toContainEqual(expect.stringMatching(/^TRUST_PROXY must be the number of reverse proxies in front of Tenancy \(got "yes"\)$/));
    expect(problems).toContainEqual(expect.stringMatching(/^PORT must be a port number \(got "70000"\)$/));
    expect(problems).toContainEqual(expect.stringMatching(/^RATE_LIMIT_SIGN_UP_PER_IP must be points\/windowSeconds/));
    expect(problems).toContainEqual(expect.stringMatching(/^RATE_LIMIT_STORE must be redis, postgres or memory \(got "disk"\)$/));
    expect(configProblems({ DATABASE_POOL_SIZE: "0" })).toEqual([`DATABASE_POOL_SIZE must be a whole number ≥ 1 (got "0")`]);
    expect(() => readEnv({ TRUST_PROXY: "yes" })).toThrow(/TRUST_PROXY/);
  });

  it("parses the process's environment once, and again only when one of its variables changes", () => {
    process.env.DATABASE_POOL_SIZE = "7";
    const first = getEnv();
    expect(first.DATABASE_POOL_SIZE).toBe(7);
    expect(getEnv()).toBe(first);
    process.env.DATABASE_POOL_SIZE = "8";
    expect(getEnv()).not.toBe(first);
    expect(getEnv().DATABASE_POOL_SIZE).toBe(8);
  });
});
