import { describe, expect, it } from "vitest";
import { clientIp, normalizeIp, trustedProxies } from "./client-ip";
import { inWords } from "./consume";
import { SIGN_IN_PER_EMAIL, configured } from "./definitions";

describe("clientIp", () => {
  const h = (xff?: string) => new Headers(xff === undefined ? {} : { "x-forwarded-for": xff });

  it("takes the address Next.js recorded when no proxy is trusted (the last entry)", () => {
    expect(clientIp(h("203.0.113.5"), {})).toBe("203.0.113.5");
    expect(clientIp(h("10.0.0.1, 203.0.113.5"), {})).toBe("203.0.113.5");
  });

  it("with TRUST_PROXY=n, takes the n-th entry from the right, which the client can't choose", () => {
    expect(clientIp(h("1.1.1.1, 203.0.113.5"), { TRUST_PROXY: "1" })).toBe("203.0.113.5");
    expect(clientIp(h("1.1.1.1, 203.0.113.5, 10.0.0.2"), { TRUST_PROXY: "2" })).toBe("203.0.113.5");
    expect(clientIp(h("203.0.113.5"), { TRUST_PROXY: "3" })).toBe("203.0.113.5");
    expect(trustedProxies({ TRUST_PROXY: "true" })).toBe(1);
    expect(() => trustedProxies({ TRUST_PROXY: "yes" })).toThrow(/TRUST_PROXY/);
  });

  it("reads plain header records too (next-auth's authorize gets one), and says unknown when there is nothing", () => {
    expect(clientIp({ "x-forwarded-for": "198.51.100.7" }, {})).toBe("198.51.100.7");
    expect(clientIp({}, {})).toBe("unknown");
    expect(clientIp(undefined, {})).toBe("unknown");
    expect(clientIp(h("not-an-address"), {})).toBe("unknown");
  });

  it("keys IPv4-mapped addresses as IPv4 and IPv6 by their /64", () => {
    expect(normalizeIp("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(normalizeIp("192.0.2.1:5555")).toBe("192.0.2.1");
    expect(normalizeIp("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(normalizeIp("2001:db8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(normalizeIp("[2001:db8::1]:443")).toBe("2001:db8:0:0::/64");
    expect(normalizeIp("::1")).toBe("0:0:0:0::/64");
  });
});

describe("refusal wording", () => {
  it("says when to try again in plain words, rounded up", () => {
    expect(inWords(400)).toBe("1 second");
    expect(inWords(29_100)).toBe("30 seconds");
    expect(inWords(60_000)).toBe("1 minute");
    expect(inWords(13 * 60_000 + 5)).toBe("14 minutes");
    expect(inWords(3600_000)).toBe("1 hour");
    expect(inWords(3 * 3600_000)).toBe("3 hours");
  });

  it("takes a limit's numbers from RATE_LIMIT_<NAME>", () => {
    expect(configured(SIGN_IN_PER_EMAIL, {})).toBe(SIGN_IN_PER_EMAIL);
    expect(configured(SIGN_IN_PER_EMAIL, { RATE_LIMIT_SIGN_IN_PER_EMAIL: "3/1" })).toMatchObject({ points: 3, windowSeconds: 1, blockSeconds: 900 });
    expect(configured(SIGN_IN_PER_EMAIL, { RATE_LIMIT_SIGN_IN_PER_EMAIL: "3/1/0" })).toMatchObject({ blockSeconds: 0 });
    expect(() => configured(SIGN_IN_PER_EMAIL, { RATE_LIMIT_SIGN_IN_PER_EMAIL: "lots" })).toThrow(/points\/windowSeconds/);
  });
});
