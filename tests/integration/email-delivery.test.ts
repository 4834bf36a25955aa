// The welcome e-mail from sign-up to the provider: outbox → relay → BullMQ → worker → Resend SDK → a local Resend API.
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeDb, db, rawSql } from "@/db/client";
import { outbox, outboundEmails } from "@/db/schema";
import type { RunningWorker } from "@/jobs/worker";
import { FakeResend } from "../support/fake-resend";
import { deriveLinkToken } from "@/lib/core";
import { inviteMember, resendInvitation } from "@/lib/invitations";
import { requestPasswordReset, resendVerification } from "@/lib/profile";
import { ANONYMOUS, as, newAccount, unique } from "../support/factories";
import { quietOutbox, startTestWorker, useUniqueQueuePrefix, waitFor } from "../support/worker";

const resend = new FakeResend();
let worker: RunningWorker;

beforeAll(async () => {
  useUniqueQueuePrefix("email");
  await quietOutbox();
  process.env.RESEND_BASE_URL = await resend.start();
  process.env.RESEND_API_KEY = "re_test_key";
  worker = await startTestWorker();
});

afterAll(async () => {
  await worker?.close();
  await resend.stop();
  delete process.env.RESEND_API_KEY;
  await closeDb();
});

beforeEach(() => resend.reset());

const emailOf = async (customerId: string) =>
  (
    await db
      .select()
      .from(outboundEmails)
      .where(and(eq(outboundEmails.customerId, customerId), eq(outboundEmails.template, "welcome")))
  )[0];
// Sign-up also sends a verification e-mail: look only at the requests and deliveries of the one under test.
const requestsFor = (emailId: string) => resend.requests.filter((r) => r.headers["idempotency-key"] === `tenancy-email-${emailId}`);
const deliveredFor = (emailId: string) => resend.delivered.filter((d) => d.key === `tenancy-email-${emailId}`);

describe("welcome e-mail", () => {
  it("is sent through the Resend SDK with an idempotency key and recorded as sent with the provider's id", async () => {
    const { user, customer } = await newAccount({ fullName: "Grace Hopper", accountName: "Compilers Inc" });
    const sent = await waitFor(async () => {
      const e = await emailOf(customer.id);
      return e.status === "sent" ? e : null;
    });
    expect(deliveredFor(sent.id)).toHaveLength(1);
    const [request] = requestsFor(sent.id);
    expect(request.path).toBe("/emails");
    expect(request.headers["idempotency-key"]).toBe(`tenancy-email-${sent.id}`);
    expect(request.headers.authorization).toBe("Bearer re_test_key");
    const payload = request.body as Record<string, unknown>;
    expect(payload.to).toEqual([user.email]);
    expect(payload.subject).toBe("Welcome to Tenancy, Grace Hopper");
    expect(String(payload.html)).toContain("Compilers Inc");
    expect(String(payload.html)).toContain(customer.identifier);
    expect(String(payload.text)).toContain(customer.identifier);
    expect(sent).toMatchObject({ transport: "resend", providerMessageId: deliveredFor(sent.id)[0].id, attempts: 1 });
    const [intent] = await db
      .select()
      .from(outbox)
      .where(eq(outbox.jobId, `email-${sent.id}`));
    expect(intent.relayedAt).not.toBeNull();
  });

  it("waits out a 429 for the Retry-After the provider gives, then delivers once", async () => {
    // Sign-up sends a verification e-mail beside the welcome: the 429 is scripted for the welcome alone, whichever
    // of the two reaches the provider first.
    resend.respondTo((p) => String(p.subject).startsWith("Welcome"), { status: 429, headers: { "retry-after": "1" } });
    const { customer } = await newAccount();
    const sent = await waitFor(async () => {
      const e = await emailOf(customer.id);
      return e.status === "sent" ? e : null;
    });
    const requests = requestsFor(sent.id);
    expect(requests.map((r) => r.status)).toEqual([429, 200]);
    expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(900);
    expect(deliveredFor(sent.id)).toHaveLength(1);
    expect(sent.attempts).toBe(2);
  });

  it("goes to the dev mailbox when no API key is configured", async () => {
    delete process.env.RESEND_API_KEY;
    try {
      const { customer } = await newAccount();
      const sent = await waitFor(async () => {
        const e = await emailOf(customer.id);
        return e.status === "sent" ? e : null;
      });
      expect(sent.transport).toBe("dev-mailbox");
      expect(sent.html).toContain(customer.identifier);
      expect(resend.requests).toHaveLength(0);
    } finally {
      process.env.RESEND_API_KEY = "re_test_key";
    }
  });
});

describe("links in the database", () => {
  it("keeps no usable link anywhere after invitations, a resend, a password reset and verifications: the provider gets each, no table holds a token", async () => {
    const { user, customer } = await newAccount();
    const sent: { token: string; invitationId: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const { invitation, token } = await inviteMember(as(user), customer.identifier, {
        fullName: `Invitee ${i}`,
        email: `${unique("link")}@example.test`,
        group: "customer_employee",
      });
      sent.push({ token, invitationId: invitation.id });
    }
    // A resend issues a new link; the first one's token must not be findable either.
    const resent = await resendInvitation(as(user), customer.identifier, sent[0].invitationId);
    sent.push({ token: resent.token, invitationId: sent[0].invitationId });
    // A password reset, and verification links (sign-up sent one; a second on request).
    await requestPasswordReset(ANONYMOUS, { email: user.email });
    await resendVerification(as(user));
    // The first e-mail of the resent invitation went out, or was superseded by the resend before it did.
    const linked = await waitFor(async () => {
      const rows = (await db.select().from(outboundEmails).where(eq(outboundEmails.to, user.email))).filter((r) => r.link);
      const invitationRows = await db.select().from(outboundEmails).where(eq(outboundEmails.customerId, customer.id));
      const settled = (r: { status: string; invitationId: string | null }) =>
        r.status === "sent" || (r.status === "superseded" && r.invitationId === sent[0].invitationId);
      return rows.length === 3 && rows.every(settled) && invitationRows.filter((r) => r.invitationId).length === 4 && invitationRows.every(settled)
        ? rows
        : null;
    });
    // The reset and verification links, as only the installation's secret rebuilds them.
    const links = linked.map((r) => {
      const link = r.link as { purpose: string; nonce: string; path: string };
      return { token: deriveLinkToken(link.purpose, link.nonce), path: link.path };
    });
    expect(links.map((l) => l.path).sort()).toEqual(["/reset-password/{token}", "/verify-email/{token}", "/verify-email/{token}"]);
    // The provider received each live link.
    const delivered = JSON.stringify(resend.delivered.map((d) => d.payload));
    for (const { token } of sent.slice(1)) expect(delivered).toContain(`/invitations/${token}`);
    for (const { token, path } of links) expect(delivered).toContain(path.replace("{token}", token));
    // Every table, every row, as text: no token, no link.
    const tokens = [...sent.map((s) => s.token), ...links.map((l) => l.token)];
    const sql = rawSql();
    const tables = await sql<{ tablename: string }[]>`select tablename from pg_tables where schemaname = 'public'`;
    for (const { tablename } of tables) {
      const [{ dump }] = await sql.unsafe<{ dump: string | null }[]>(`select string_agg(t::text, ' ') as dump from "${tablename}" t`);
      for (const token of tokens) expect(dump ?? "", `${tablename} holds a token`).not.toContain(token);
    }
    const [stored] = await db.select().from(outboundEmails).where(eq(outboundEmails.invitationId, sent[1].invitationId));
    expect(stored.html).toContain("[link removed after sending]");
  });
});
