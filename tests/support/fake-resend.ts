// A local server that speaks Resend's HTTP API (POST /emails, POST /emails/batch), for the real Resend SDK to talk to.
// Responses can be scripted (429 with Retry-After, 500, ...); repeated Idempotency-Keys are answered like Resend does.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type RecordedRequest = {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  status: number;
  at: number;
};

type Scripted = { status: number; headers?: Record<string, string>; body?: unknown };

export class FakeResend {
  readonly requests: RecordedRequest[] = [];
  /** Messages the provider accepted, one per distinct idempotency key (or per request without one). */
  readonly delivered: { id: string; key: string | null; payload: Record<string, unknown> }[] = [];
  private script: Scripted[] = [];
  private byKey = new Map<string, string>();
  private server: http.Server | null = null;
  url = "";

  /** The next responses, in order, before falling back to success. */
  respondWith(...responses: Scripted[]): void {
    this.script.push(...responses);
  }

  reset(): void {
    this.requests.length = 0;
    this.delivered.length = 0;
    this.script = [];
    this.byKey.clear();
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      let raw = "";
      req.on("data", (c) => (raw += c));
      req.on("end", () => this.handle(req, res, raw));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private reply(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
    }
    const path = req.url ?? "";
    const record = (status: number) => this.requests.push({ path, headers: req.headers, body, status, at: Date.now() });

    if (req.method !== "POST" || (path !== "/emails" && path !== "/emails/batch")) {
      record(404);
      return this.reply(res, 404, { statusCode: 404, name: "not_found", message: "Not found" });
    }
    if (!req.headers.authorization?.startsWith("Bearer ")) {
      record(401);
      return this.reply(res, 401, { statusCode: 401, name: "missing_api_key", message: "Missing API key" });
    }
    const scripted = this.script.shift();
    if (scripted && scripted.status >= 400) {
      record(scripted.status);
      const name = scripted.status === 429 ? "rate_limit_exceeded" : "internal_server_error";
      return this.reply(res, scripted.status, scripted.body ?? { statusCode: scripted.status, name, message: `scripted ${scripted.status}` }, scripted.headers);
    }
    record(200);
    const key = (req.headers["idempotency-key"] as string | undefined) ?? null;
    if (path === "/emails/batch") {
      const items = Array.isArray(body) ? (body as Record<string, unknown>[]) : [];
      const data = items.map((payload) => {
        const id = randomUUID();
        this.delivered.push({ id, key: null, payload });
        return { id };
      });
      return this.reply(res, 200, { data });
    }
    if (key && this.byKey.has(key)) return this.reply(res, 200, { id: this.byKey.get(key) });
    const id = randomUUID();
    if (key) this.byKey.set(key, id);
    this.delivered.push({ id, key, payload: body as Record<string, unknown> });
    return this.reply(res, 200, { id });
  }
}
