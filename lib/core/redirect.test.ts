import { describe, expect, it } from "vitest";
import { MAX_REDIRECT_LENGTH, safeRedirectPath } from "./redirect";

const APP = "http://localhost:3000";
const HTTPS_APP = "https://tenancy.example";

describe("safeRedirectPath", () => {
  it("keeps paths on this site, with their query and fragment", () => {
    expect(safeRedirectPath("/acme/projects?x=1#y", APP)).toBe("/acme/projects?x=1#y");
    expect(safeRedirectPath("/", APP)).toBe("/");
    expect(safeRedirectPath("/invitations/abc_DEF-123", APP)).toBe("/invitations/abc_DEF-123");
    expect(safeRedirectPath("/acme/users?q=a%2Fb&page=2", APP)).toBe("/acme/users?q=a%2Fb&page=2");
    // What follows the path may mention other sites: it is data, not where the browser goes.
    expect(safeRedirectPath("/acme?next=//evil.example#//evil.example", APP)).toBe("/acme?next=//evil.example#//evil.example");
    expect(safeRedirectPath("/caf%C3%A9", APP)).toBe("/caf%C3%A9");
  });

  it("turns an absolute URL on this site (as next-auth hands over) into its path", () => {
    expect(safeRedirectPath("http://localhost:3000/acme/settings?tab=1", APP)).toBe("/acme/settings?tab=1");
    expect(safeRedirectPath("HTTP://LOCALHOST:3000/acme", APP)).toBe("/acme");
    expect(safeRedirectPath("//localhost:3000/acme", APP)).toBe("/acme");
    expect(safeRedirectPath("https://tenancy.example/acme", HTTPS_APP)).toBe("/acme");
    expect(safeRedirectPath("https://tenancy.example:443/acme", HTTPS_APP)).toBe("/acme");
    // The app origin may be given as a full URL (APP_URL, next-auth's baseUrl); only its origin counts.
    expect(safeRedirectPath("/acme", "http://localhost:3000/some/base/")).toBe("/acme");
  });

  it("resolves relative paths and dot segments like a browser", () => {
    expect(safeRedirectPath("acme", APP)).toBe("/acme");
    expect(safeRedirectPath("/a/../acme/./projects", APP)).toBe("/acme/projects");
    expect(safeRedirectPath("?x=1", APP)).toBe("/?x=1");
    expect(safeRedirectPath("#top", APP)).toBe("/#top");
    // `http:acme` is a relative reference when the scheme matches the base: it stays here.
    expect(safeRedirectPath("http:acme", APP)).toBe("/acme");
  });

  const hostile = [
    // protocol-relative, in every slash spelling a browser accepts
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "//evil.example/acme",
    "//evil.example:3000/",
    "//localhost:3000@evil.example/",
    "//localhost:3000%40evil.example/",
    // blanks a URL parser drops, before or inside the slashes
    " //evil.example",
    "\t//evil.example",
    "\n//evil.example",
    "\u0000//evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t/\t/\tevil.example",
    // the same, percent-encoded: harmless as sent, but not once something decodes them
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0D%0A/evil.example",
    "/%20/evil.example",
    "/%00/evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "/%5Cevil.example",
    "/%5C%5Cevil.example",
    "%2F%2Fevil.example",
    "/%252F%252Fevil.example",
    "/%25252F%25252Fevil.example",
    // dot segments that leave a path starting with two slashes
    "/.//evil.example",
    "/./\\evil.example",
    "/a/..//evil.example",
    "/acme/../..//evil.example",
    "/acme/%2e%2e/%2e%2e//evil.example",
    "http://localhost:3000//evil.example",
    // other origins, absolute
    "https://evil.example",
    "https://evil.example/acme",
    "http://evil.example",
    "HTTPS://EVIL.EXAMPLE",
    "https://evil.example:443/",
    "ftp://evil.example",
    "http://localhost:3001/acme",
    "https://localhost:3000/acme",
    "http://127.0.0.1:3000/acme",
    "http://localhost:3000.evil.example/",
    "http://localhost:3000@evil.example/",
    "http://evil.example#@localhost:3000",
    "http://evil.example?@localhost:3000/",
    "http://evil.example\\@localhost:3000/",
    "http://[::1]:3000/",
    "http://%65vil.example/",
    // schemes that run code or show content of their own
    "javascript:alert(1)",
    "JavaScript:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "javascript://%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "blob:http://localhost:3000/0b1e",
    "file:///etc/passwd",
    "about:blank",
    "mailto:a@evil.example",
    // malformed or odd
    "http://",
    "http://[",
    "/%",
    "/%E0%A4%A",
  ];

  it.each(hostile)("refuses %j", (value) => {
    expect(safeRedirectPath(value, APP)).toBe("/");
  });

  it("refuses the same forms against an https app", () => {
    for (const value of hostile) expect(safeRedirectPath(value, HTTPS_APP), value).toBe("/");
    expect(safeRedirectPath("http://tenancy.example/acme", HTTPS_APP)).toBe("/");
    expect(safeRedirectPath("http:acme", HTTPS_APP)).toBe("/");
    // With a base of the other scheme these are absolute URLs of another host.
    for (const value of ["https:evil.example", "https:/evil.example", "https:\\\\evil.example"]) expect(safeRedirectPath(value, APP), value).toBe("/");
    for (const value of ["http:evil.example", "http:/evil.example", "http:\\\\evil.example"]) expect(safeRedirectPath(value, HTTPS_APP), value).toBe("/");
  });

  it("refuses what is not a usable string", () => {
    for (const value of [undefined, null, "", 42, ["/acme"], { toString: () => "/acme" }]) expect(safeRedirectPath(value, APP)).toBe("/");
  });

  it("refuses very long input, and accepts up to the limit", () => {
    const long = `/${"a".repeat(MAX_REDIRECT_LENGTH - 1)}`;
    expect(safeRedirectPath(long, APP)).toBe(long);
    expect(safeRedirectPath(`${long}a`, APP)).toBe("/");
    expect(safeRedirectPath(`//${"a".repeat(100_000)}.example`, APP)).toBe("/");
    expect(safeRedirectPath("/%25".repeat(1000), APP)).toBe("/");
  });

  it("falls back to the given path, and to it when the app origin is unusable", () => {
    expect(safeRedirectPath("//evil.example", APP, "/acme")).toBe("/acme");
    expect(safeRedirectPath("/acme", "not a url")).toBe("/");
    expect(safeRedirectPath("/acme", "about:blank")).toBe("/");
  });

  it("returns only paths that resolve on this site again and that it would accept again", () => {
    const prefixes = ["", " ", "\t", "/", "\\", "//", "/\\", "./", "../", "/./", "/../", "http:", "http://localhost:3000", "%2F", "/%2F"];
    const middles = ["", "/", "\\", "\t", "%09", "%2F", "%5C", "%252F", ".", "..", "@", ":"];
    const tails = ["evil.example", "acme", "/acme?x=//evil.example", "localhost:3000/acme"];
    for (const prefix of prefixes)
      for (const middle of middles)
        for (const tail of tails) {
          const value = `${prefix}${middle}${tail}`;
          const path = safeRedirectPath(value, APP);
          expect(path.startsWith("/"), value).toBe(true);
          expect(new URL(path, APP).origin, value).toBe(APP);
          expect(new URL(path, "https://other.example").origin, value).toBe("https://other.example");
          expect(safeRedirectPath(path, APP), value).toBe(path);
        }
  });
});
