import { describe, expect, it } from "vitest";
import { firstParams, pageParams } from "./paging";

describe("firstParams", () => {
  it("takes the first of a repeated param and leaves absent ones undefined", () => {
    expect(firstParams({ q: ["a", "b"], page: "2" }, ["q", "page", "iq"])).toEqual({ q: "a", page: "2", iq: undefined });
  });
});

describe("pageParams", () => {
  it("clamps the page and trims the search", () => {
    expect(pageParams({ page: "0", q: "  x " })).toEqual({ page: 1, q: "x", limit: 20, offset: 0 });
    expect(pageParams({ page: "3" }, 10)).toEqual({ page: 3, q: "", limit: 10, offset: 20 });
  });
});
