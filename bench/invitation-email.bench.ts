// Invitation e-mails delivered per second end to end (outbox → relay → BullMQ → worker → Resend SDK → local Resend API)
// beside BullMQ's own throughput for no-op jobs on the same Redis, in the same run.
import { randomBytes } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { sql } from "drizzle-orm";
import { db } from "@/db/client";
import { queueConnection } from "@/jobs/connection";
import { startWorker } from "@/jobs/worker";
import { newAccount } from "../tests/support/factories";
import { FakeResend } from "../tests/support/fake-resend";
import { renderEmail } from "@/emails";
import { userPrincipal } from "@/lib/authz";
import { inviteMember } from "@/lib/invitations";
import { timeIt, type Benchmark } from "./harness";

const N = 2000;

async function waitUntil(probe: () => Promise<boolean>) {
  while (!(await probe())) await new Promise((r) => setTimeout(r, 20));
}

async function noopThroughput(n: number): Promise<number> {
  const name = `noop-${randomBytes(3).toString("hex")}`;
  const producer = queueConnection("worker");
  const queue = new Queue(name, producer);
  let done = 0;
  const worker = new Worker(name, async () => {}, { ...queueConnection("worker"), concurrency: 8, autorun: false });
  worker.on("completed", () => done++);
  await queue.addBulk(Array.from({ length: n }, (_, i) => ({ name: "noop", data: { i }, opts: { jobId: `noop-${i}`, removeOnComplete: true } })));
  const ms = await timeIt(async () => {
    void worker.run();
    await waitUntil(async () => done >= n);
  });
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return (n / ms) * 1000;
}

const bench: Benchmark = {
  name: "invitation e-mail",
  async run() {
    const resend = new FakeResend();
    process.env.RESEND_BASE_URL = await resend.start();
    process.env.RESEND_API_KEY = "re_bench";
    const { user, customer } = await newAccount({ identifier: `bench-${randomBytes(3).toString("hex")}` });
    // Fill the outbox while no worker runs, then time the drain.
    await db.execute(sql`update outbox set relayed_at = now() where relayed_at is null`);
    for (let i = 0; i < N; i++)
      await inviteMember(userPrincipal(user), customer.identifier, { fullName: `Invitee ${i}`, email: `invitee-${i}@bench.test`, group: "customer_employee" });
    let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
    const ms = await timeIt(async () => {
      worker = await startWorker({ log: () => {}, pollMs: 100 });
      await waitUntil(async () => {
        const [{ sent }] = (await db.execute(
          sql`select count(*)::int as sent from outbound_emails where customer_id = ${customer.id} and status = 'sent' and template = 'invitation'`,
        )) as unknown as { sent: number }[];
        return sent >= N;
      });
    });
    await (worker as unknown as { close: () => Promise<void> }).close();
    const delivered = resend.delivered.length;
    await resend.stop();
    delete process.env.RESEND_API_KEY;
    const noop = await noopThroughput(N);
    const sample = { fullName: "A", inviterName: "B", accountName: "C", groupLabel: "D", acceptUrl: "http://x/y", expiresAt: new Date().toISOString() };
    const renderMs = await timeIt(async () => {
      for (let i = 0; i < 200; i++) await renderEmail("invitation", sample);
    });
    return [
      {
        name: "invitation e-mails/s",
        unit: "e-mails/s",
        ours: (N / ms) * 1000,
        raw: noop,
        rawLabel: "BullMQ no-op jobs/s",
        higherIsBetter: true,
        note: `${N} e-mails (${delivered} reached the local Resend API); each is rendered with react-email (HTML + text), sent through the Resend SDK over HTTP and recorded; worker concurrency 8. Rendering alone: ${((200 / renderMs) * 1000).toFixed(0)} e-mails/s on one core`,
      },
    ];
  },
};

export default bench;
