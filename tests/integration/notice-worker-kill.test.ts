// A worker process killed in the middle of a notice's e-mail copies (a batch call in flight, the provider having taken
// it): the next worker resumes the job, sends that batch again under the same idempotency key (the provider drops
// the repeat), then the rest. Every recipient gets exactly one copy.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { sendNotice } from "@/lib/notices";
import { createManagedCustomer, setAccountKind } from "@/lib/partners";
import { as, newAccount, SYSTEM, unique } from "../support/factories";
import { WorkerProcess, quietOutbox, useUniqueQueuePrefix, waitFor } from "../support/worker";

/** Resend's batch call as far as this test needs it: a key seen before is answered again without delivering twice. */
class BatchProvider {
  readonly requests: { key: string; to: string[] }[] = [];
  readonly delivered: string[] = [];
  private accepted = new Map<string, string[]>();
  /** Batches whose first call is taken and never answered (the worker dies waiting). */
  hangFirstCallOf = new Set<number>();
  private server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      // Single e-mails (sign-up's) are taken and not counted.
      if (req.url !== "/emails/batch") return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "single" }));
      const key = String(req.headers["idempotency-key"] ?? "");
      const items = JSON.parse(body || "[]") as { to: string[] }[];
      this.requests.push({ key, to: items.map((i) => i.to[0]) });
      let ids = this.accepted.get(key);
      const repeat = Boolean(ids);
      if (!ids) {
        ids = items.map((_, i) => `${key}-${i}`);
        this.accepted.set(key, ids);
        this.delivered.push(...items.map((i) => i.to[0]));
      }
      const batch = Number(key.split("-").pop());
      if (!repeat && this.hangFirstCallOf.has(batch)) return;
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: ids.map((id) => ({ id })) }));
    });
  });
  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", () => r()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  async stop() {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}

const provider = new BatchProvider();
const children: WorkerProcess[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  useUniqueQueuePrefix("notice-kill");
  await quietOutbox();
  env = {
    RESEND_BASE_URL: await provider.start(),
    RESEND_API_KEY: "re_test_key",
    JOB_LOCK_MS: "1500",
    JOB_STALLED_INTERVAL_MS: "500",
    EMAIL_SEND_TIMEOUT_MS: "30000",
  };
});

afterAll(async () => {
  await Promise.all(children.map((c) => c.kill()));
  await provider.stop();
  await closeDb();
});

it("resumes a notice's copies after its worker was killed mid-batch: nobody twice, nobody missed", async () => {
  const account = await newAccount({ fullName: "Kim Killed" });
  const partner = await setAccountKind(SYSTEM, account.customer.identifier, "partner");
  const customer = await createManagedCustomer(as(account.user), partner.identifier, { name: "Big Customer", identifier: unique("bk") });
  const tag = unique("k");
  await db.execute(sql`
    with u as (insert into users (email, name) select ${tag} || '-' || g || '@example.test', 'Person ' || g from generate_series(1, 250) g returning id)
    insert into memberships (user_id, customer_id, "group") select id, ${customer.id}, 'customer_employee' from u`);
  provider.hangFirstCallOf.add(2);
  const sent = await sendNotice(as(account.user), partner.identifier, {
    title: "Copies",
    body: "Once each.",
    mode: "all_must_read",
    to: "customers",
    customers: [customer.identifier],
    emailCopy: true,
  });

  const first = await WorkerProcess.start(env);
  children.push(first);
  await waitFor(() => Promise.resolve(provider.requests.length === 2), 20_000, "batch 2 in flight");
  const [inFlight] = (await db.execute(sql`select status from notice_deliveries where notice_id = ${sent.id} and batch = 2`)) as unknown as {
    status: string;
  }[];
  expect(inFlight.status).toBe("sending");
  await first.kill();

  const second = await WorkerProcess.start(env);
  children.push(second);
  await waitFor(async () => {
    const [{ n }] = (await db.execute(sql`select count(*)::int as n from notice_deliveries where notice_id = ${sent.id} and status = 'sent'`)) as unknown as {
      n: number;
    }[];
    return n === 3;
  }, 30_000);
  await second.stop();

  expect(provider.requests.map((r) => Number(r.key.split("-").pop()))).toEqual([1, 2, 2, 3]);
  expect(provider.delivered).toHaveLength(250);
  expect(new Set(provider.delivered).size).toBe(250);
});
