// With TRUST_PROXY=0 nothing in front of Tenancy vouches for X-Forwarded-For, so only the connection's address may
// count. Next.js gives the app no socket, and fills X-Forwarded-For with the socket's address only when the request
// carries none (it keeps one a client sent). So the HTTP server's requests have the header replaced by the socket's
// address before Next.js reads them: every per-IP limit, sign-in's included, then keys on the connection.
import http from "node:http";
import https from "node:https";
import { trustedProxies } from "./client-ip";

const INSTALLED = Symbol.for("tenancy.connection-address");

/**
 * Call once at the start of the web process (instrumentation.ts), before it answers anything; with TRUST_PROXY above 0
 * it does nothing, and the proxies' X-Forwarded-For counts.
 */
export function trustOnlyConnectionAddress(env?: Record<string, string | undefined>): boolean {
  if (trustedProxies(env) > 0) return false;
  const prototypes: NodeJS.EventEmitter[] = [http.Server.prototype, https.Server.prototype];
  for (const proto of prototypes) {
    // A flag on the prototype, not a module variable: the web process may load this module more than once.
    if (Reflect.get(proto, INSTALLED)) continue;
    const emit = proto.emit;
    proto.emit = function (this: unknown, event: string | symbol, ...args: unknown[]) {
      if (event === "request") withConnectionAddress(args[0] as http.IncomingMessage);
      return emit.call(this, event, ...args);
    };
    Reflect.set(proto, INSTALLED, true);
  }
  return true;
}

/** The request's X-Forwarded-For, whatever the client sent, is its connection's address (none when it has none). */
export function withConnectionAddress(req: http.IncomingMessage): void {
  const address = req.socket?.remoteAddress;
  if (address) req.headers["x-forwarded-for"] = address;
  else delete req.headers["x-forwarded-for"];
}
