// A local server that speaks Resend's HTTP API (POST /emails, POST /emails/batch), for the real Resend SDK to talk to.
// Responses can be scripted (429 with Retry-After, 500, 4xx, a phase of some seconds, a request that never gets an
// answer, or one held until the test releases it), for every request or for those a predicate picks (a batch call's
// payload is `{ batch: [...] }`); repeated Idempotency-Keys are answered like Resend does, for single and batch calls.
import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export type RecordedRequest = {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** The status answered; 0 while unanswered (hanging or held), and for good if the client gave up on it. */
  status: number;
  at: number;
  /** When the client closed the connection without waiting for the answer (its timeout). */
  abandonedAt?: number;
};

export type Scripted = {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Answer this for every request during `forMs` from the first request it answers, then move on. */
  forMs?: number;
  /** Never answer (until the client gives up, or release()); `accept` records the message as delivered all the same. */
  hang?: boolean;
  accept?: boolean;
};

type Phase = Scripted & { until?: number };
type Rule = { match: (payload: Record<string, unknown>) => boolean; script: Phase[] };
type Hanging = { res: http.ServerResponse; record: RecordedRequest; key: string | null; payload: Record<string, unknown> };

export class FakeResend {
  readonly requests: RecordedRequest[] = [];
  /** Messages the provider accepted, one per distinct idempotency key (or per request without one). */
  readonly delivered: { id: string; key: string | null; payload: Record<string, unknown>; at: number }[] = [];
  private script: Phase[] = [];
  private rules: Rule[] = [];
  private hanging = new Set<Hanging>();
  private byKey = new Map<string, string>();
  private batchByKey = new Map<string, string[]>();
  private server: http.Server | null = null;
  url = "";

  /** The next responses, in order, before falling back to success. */
  respondWith(...responses: Scripted[]): void {
    this.script.push(...responses);
  }

  /** Responses, in order, for the requests whose payload `match` picks; checked before the general script. */
  respondTo(match: (payload: Record<string, unknown>) => boolean, ...responses: Scripted[]): void {
    this.rules.push({ match, script: [...responses] });
  }

  /** Drops what is scripted (not what was recorded): from now on every request succeeds. */
  clearScript(): void {
    this.script = [];
    this.rules = [];
  }

  reset(): void {
    this.requests.length = 0;
    this.delivered.length = 0;
    this.script = [];
    this.rules = [];
    this.byKey.clear();
    this.batchByKey.clear();
    this.release();
  }

  /** Requests (and deliveries) carrying one idempotency key. */
  requestsFor(key: string): RecordedRequest[] {
    return this.requests.filter((r) => r.headers["idempotency-key"] === key);
  }

  deliveredFor(key: string) {
    return this.delivered.filter((d) => d.key === key);
  }

  /** How many requests wait for an answer right now. */
  get waiting(): number {
    return this.hanging.size;
  }

  /** Answers every request still waiting: with `response`, or as a success. */
  release(response?: Scripted): void {
    for (const h of [...this.hanging]) {
      this.hanging.delete(h);
      if (h.res.writableEnded || h.res.destroyed) continue;
      if (response && response.status >= 400) this.fail(h.res, h.record, response);
      else this.succeed(h.res, h.record, h.key, h.payload);
    }
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
    this.hanging.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private reply(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(JSON.stringify(body));
  }

  /** The scripted answer for this payload, if any: a matching rule's next one, else the general script's. */
  private next(payload: Record<string, unknown>): Scripted | undefined {
    const rule = this.rules.find((r) => r.script.length > 0 && r.match(payload));
    return this.take(rule ? rule.script : this.script);
  }

  private take(script: Phase[]): Scripted | undefined {
    while (script.length) {
      const head = script[0];
      if (head.forMs === undefined) return script.shift();
      head.until ??= Date.now() + head.forMs;
      if (Date.now() < head.until) return head;
      script.shift();
    }
    return undefined;
  }

  private fail(res: http.ServerResponse, record: RecordedRequest, scripted: Scripted) {
    record.status = scripted.status;
    const name = scripted.status === 429 ? "rate_limit_exceeded" : scripted.status >= 500 ? "internal_server_error" : "validation_error";
    this.reply(res, scripted.status, scripted.body ?? { statusCode: scripted.status, name, message: `scripted ${scripted.status}` }, scripted.headers);
  }

  /** Accepts the message once per idempotency key; a repeat of a key gets the first message's id. */
  private accept(key: string | null, payload: Record<string, unknown>): string {
    if (key && this.byKey.has(key)) return this.byKey.get(key)!;
    const id = randomUUID();
    if (key) this.byKey.set(key, id);
    this.delivered.push({ id, key, payload, at: Date.now() });
    return id;
  }

  /** Accepts a batch once per idempotency key: a repeat gets the first call's ids and delivers nothing more. */
  private acceptBatch(key: string | null, items: Record<string, unknown>[]): string[] {
    if (key && this.batchByKey.has(key)) return this.batchByKey.get(key)!;
    const ids = items.map((item) => this.accept(null, item));
    if (key) this.batchByKey.set(key, ids);
    return ids;
  }

  private succeed(res: http.ServerResponse, record: RecordedRequest, key: string | null, payload: Record<string, unknown>) {
    record.status = 200;
    if (Array.isArray(payload.batch)) this.reply(res, 200, { data: this.acceptBatch(key, payload.batch as Record<string, unknown>[]).map((id) => ({ id })) });
    else this.reply(res, 200, { id: this.accept(key, payload) });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse, raw: string) {
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
    }
    const path = req.url ?? "";
    const record: RecordedRequest = { path, headers: req.headers, body, status: 0, at: Date.now() };
    this.requests.push(record);

    if (req.method !== "POST" || (path !== "/emails" && path !== "/emails/batch")) {
      record.status = 404;
      return this.reply(res, 404, { statusCode: 404, name: "not_found", message: "Not found" });
    }
    if (!req.headers.authorization?.startsWith("Bearer ")) {
      record.status = 401;
      return this.reply(res, 401, { statusCode: 401, name: "missing_api_key", message: "Missing API key" });
    }
    const key = (req.headers["idempotency-key"] as string | undefined) ?? null;
    const payload = path === "/emails/batch" ? { batch: Array.isArray(body) ? body : [] } : ((body ?? {}) as Record<string, unknown>);
    const scripted = this.next(payload);
    if (scripted?.hang) {
      if (scripted.accept) {
        if (Array.isArray(payload.batch)) this.acceptBatch(key, payload.batch as Record<string, unknown>[]);
        else this.accept(key, payload);
      }
      const h: Hanging = { res, record, key, payload };
      this.hanging.add(h);
      res.on("close", () => {
        if (res.writableEnded) return;
        record.abandonedAt = Date.now();
        this.hanging.delete(h);
      });
      return;
    }
    if (scripted && scripted.status >= 400) return this.fail(res, record, scripted);
    return this.succeed(res, record, key, payload);
  }
}
