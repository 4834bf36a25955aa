import { describe, expect, it } from "vitest";
import { castable, encodeCursor, firstParams, keysetOf, keysetPage, searchTerm } from "./paging";

describe("firstParams", () => {
  it("takes the first of a repeated param and leaves absent ones undefined", () => {
    expect(firstParams({ q: ["a", "b"], page: "2" }, ["q", "page", "iq"])).toEqual({ q: "a", page: "2", iq: undefined });
  });
});

describe("searchTerm", () => {
  it("trims, drops NUL and keeps 100 characters", () => {
    expect(searchTerm("  x\0y ")).toBe("xy");
    expect(searchTerm(undefined)).toBe("");
    expect(searchTerm("a".repeat(300))).toHaveLength(100);
  });
});

describe("keyset pages", () => {
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  const row = (n: number) => ({ id: id(n), sort_value: `v${n}` });
  const cursor = (n: number) => encodeCursor({ v: `v${n}`, id: id(n) });

  it("reads a request: size clamped, a cursor or none, and a `before` that is no cursor as the last page", () => {
    expect(keysetOf({})).toEqual({ limit: 25, backwards: false, cursor: null, type: "text" });
    expect(keysetOf({ limit: 1000 }).limit).toBe(100);
    expect(keysetOf({ after: cursor(3) })).toEqual({ limit: 25, backwards: false, cursor: { v: "v3", id: id(3) }, type: "text" });
    expect(keysetOf({ before: "last" })).toEqual({ limit: 25, backwards: true, cursor: null, type: "text" });
    expect(keysetOf({ after: "not a cursor" }).cursor).toBeNull();
    expect(keysetOf({ after: encodeCursor({ v: "a\0", id: id(1) }) }).cursor).toBeNull();
  });

  it("links the first page forward only, a middle page both ways, and the last page back only", () => {
    const first = keysetPage([row(1), row(2), row(3)], keysetOf({ limit: 2 }), (r) => r.id);
    expect(first).toEqual({ rows: [id(1), id(2)], next: cursor(2), prev: null });
    const middle = keysetPage([row(3), row(4), row(5)], keysetOf({ limit: 2, after: cursor(2) }), (r) => r.id);
    expect(middle).toEqual({ rows: [id(3), id(4)], next: cursor(4), prev: cursor(3) });
    // Walking back from the end, the query reads the rows last first; the page shows them in order.
    const last = keysetPage([row(9), row(8), row(7)], keysetOf({ limit: 2, before: "last" }), (r) => r.id);
    expect(last).toEqual({ rows: [id(8), id(9)], next: null, prev: cursor(8) });
    const back = keysetPage([row(7), row(6)], keysetOf({ limit: 2, before: cursor(8) }), (r) => r.id);
    expect(back).toEqual({ rows: [id(6), id(7)], next: cursor(7), prev: null });
  });
});

describe("a cursor's value and its sort's type", () => {
  it("reads only what PostgreSQL would cast", () => {
    expect(castable("2026-12-07 17:05:38.123456+00", "timestamptz")).toBe(true);
    expect(castable("2026-12-07T17:05:38Z", "timestamptz")).toBe(true);
    for (const v of ["2026-02-30 10:00:00+00", "2026-13-01 10:00:00+00", "2026-12-07 25:00:00+00", "yesterday", "", "0000-01-01 00:00:00"])
      expect(castable(v, "timestamptz"), v).toBe(false);
    expect(castable("42", "int")).toBe(true);
    expect(castable("-2147483647", "int")).toBe(true);
    for (const v of ["2147483648", "1.5", "abc", "", "1e3"]) expect(castable(v, "int"), v).toBe(false);
    expect(castable("00000000-0000-4000-8000-000000000001", "uuid")).toBe(true);
    expect(castable("not-a-uuid", "uuid")).toBe(false);
    expect(castable("anything at all", "text")).toBe(true);
  });

  it("drops a cursor whose value is not of the sort's type", () => {
    const c = encodeCursor({ v: "abc", id: "00000000-0000-4000-8000-000000000001" });
    expect(keysetOf({ after: c }, undefined, "int").cursor).toBeNull();
    expect(keysetOf({ after: c }, undefined, "text").cursor).not.toBeNull();
  });
});
