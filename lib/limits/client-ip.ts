// The network address a request came from, for per-IP limits.
//
// Next.js gives route handlers, server actions and next-auth's authorize() the request headers, never the socket. It
// fills X-Forwarded-For with the socket's address when the request carries none (`??=`, it never appends). So:
// - TRUST_PROXY=n (n reverse proxies in front, each appending the address it saw): the n-th entry from the right is
//   the address the outermost proxy saw, which the client cannot choose.
// - TRUST_PROXY unset or 0 (next start reached directly): the web process replaces any X-Forwarded-For a client sent
//   with the connection's address before Next.js reads the request (./connection-address.ts, from instrumentation.ts),
//   so the header holds that address alone.
// IPv4-mapped IPv6 addresses count as IPv4; IPv6 addresses count by their /64, which one host usually owns whole.
import { isIP } from "node:net";
import { readEnv } from "@/lib/core";

type HeaderBag = Headers | Record<string, string | string[] | undefined> | undefined | null;

function header(headers: HeaderBag, name: string): string | null {
  if (!headers) return null;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name);
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value.join(",") : (value ?? null);
}

/** TRUST_PROXY as configured (or as `env` says, for a test). */
export function trustedProxies(env?: Record<string, string | undefined>): number {
  return readEnv(env).TRUST_PROXY;
}

/** The client's address from the request headers (see above), or "unknown". */
export function clientIp(headers: HeaderBag, env?: Record<string, string | undefined>): string {
  const hops = (header(headers, "x-forwarded-for") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const n = trustedProxies(env);
  const picked = hops[hops.length - Math.max(1, n)] ?? hops[0];
  return normalizeIp(picked) ?? "unknown";
}

/** A canonical key for an address: IPv4 as is, IPv4-mapped as IPv4, IPv6 as its /64; null when it isn't one. */
export function normalizeIp(raw: string | undefined): string | null {
  if (!raw) return null;
  let ip = raw.trim();
  if (ip.startsWith("[") && ip.includes("]"))
    ip = ip.slice(1, ip.indexOf("]")); // [v6]:port
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(":")); // v4:port
  ip = ip.replace(/%.*$/, ""); // zone id
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1];
  const version = isIP(ip);
  if (version === 4) return ip;
  if (version !== 6) return null;
  const [head, tail = ""] = ip.toLowerCase().split("::");
  const left = head ? head.split(":") : [];
  const right = ip.includes("::") && tail ? tail.split(":") : [];
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(":")}::/64`;
}
