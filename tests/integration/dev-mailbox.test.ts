// The dev mailbox on a default install (no RESEND_API_KEY): no stored column is a working link, for every kind of
// e-mail with one, while the operator who opens an e-mail there still gets a link that works; and notice copies and
// reminders, sent through the batch call, land there one per person like every other e-mail.
import { readFileSync } from "node:fs";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db, rawSql } from "@/db/client";
import { outboundEmails } from "@/db/schema";
import type { RunningWorker } from "@/jobs/worker";
import { acceptInvitation, inviteMember, resendInvitation } from "@/lib/invitations";
import { getMailboxMessage, listMailbox } from "@/lib/mailbox";
import { acknowledgeNotice, remindNotice, sendNotice } from "@/lib/notices";
import { createManagedCustomer, setAccountKind } from "@/lib/partners";
import { requestPasswordReset, resendVerification, resetPassword } from "@/lib/profile";
import { ANONYMOUS, addMember, as, newAccount, newUser, SYSTEM, unique } from "../support/factories";
import { quietOutbox, startTestWorker, useUniqueQueuePrefix, waitFor } from "../support/worker";

let worker: RunningWorker;

beforeAll(async () => {
  useUniqueQueuePrefix("mailbox");
  delete process.env.RESEND_API_KEY;
  delete process.env.DEV_MAILBOX;
  await quietOutbox();
  worker = await startTestWorker();
});

afterAll(async () => {
  await worker?.close();
  await closeDb();
});

const operator = async () => as({ ...(await newUser("Olive Operator")), isOperator: true });

/** Every row of every table, as text. */
async function everything(): Promise<{ table: string; dump: string }[]> {
  const sql = rawSql();
  const tables = await sql<{ tablename: string }[]>`select tablename from pg_tables where schemaname = 'public'`;
  const out: { table: string; dump: string }[] = [];
  for (const { tablename } of tables) {
    const [{ dump }] = await sql.unsafe<{ dump: string | null }[]>(`select string_agg(t::text, ' ') as dump from "${tablename}" t`);
    out.push({ table: tablename, dump: dump ?? "" });
  }
  return out;
}

/** The link an e-mail shows to whoever opens it in the mailbox: in its text part and as an href in its HTML. */
function linkIn(message: { html: string | null; text: string | null }, path: string): string {
  const pattern = new RegExp(`https?://[^\\s"'<>\\]]*${path}/([A-Za-z0-9_-]{43})`);
  const fromText = pattern.exec(message.text ?? "");
  const fromHtml = pattern.exec(message.html ?? "");
  expect(fromText, `the text part links to ${path}`).not.toBeNull();
  expect(fromHtml?.[1], `the HTML links to the same ${path}`).toBe(fromText![1]);
  return fromText![1];
}

describe("links in the dev mailbox", () => {
  it("keeps no working link or token in any table for invitations, resets and verifications; the operator opening one gets a link that works", async () => {
    const { user, customer } = await newAccount();
    const invitees = [`${unique("inv")}@example.test`, `${unique("inv")}@example.test`];
    const tokens: string[] = [];
    const first = await inviteMember(as(user), customer.identifier, { fullName: "Ivy Invitee", email: invitees[0], group: "customer_employee" });
    tokens.push(first.token);
    const resent = await resendInvitation(as(user), customer.identifier, first.invitation.id);
    tokens.push(resent.token);
    const second = await inviteMember(as(user), customer.identifier, { fullName: "Ian Invitee", email: invitees[1], group: "customer_reader" });
    tokens.push(second.token);
    await requestPasswordReset(ANONYMOUS, { email: user.email });
    await resendVerification(as(user));

    // Sign-up's verification, the second one, the reset, and the invitations that were not superseded, all sent.
    const kinds = ["invitation", "password-reset", "verify-email"];
    const sent = await waitFor(async () => {
      const rows = await db
        .select()
        .from(outboundEmails)
        .where(and(inArray(outboundEmails.to, [user.email, ...invitees]), inArray(outboundEmails.template, kinds)));
      const settled = rows.every((r) => r.status === "sent" || r.status === "superseded");
      return settled && rows.filter((r) => r.status === "sent").length >= 5 && rows.length === 6 ? rows.filter((r) => r.status === "sent") : null;
    });
    expect(sent.every((r) => r.transport === "dev-mailbox")).toBe(true);
    expect(new Set(sent.map((r) => r.template))).toEqual(new Set(kinds));

    // Opened by an operator, each e-mail shows its live link; collect them all.
    const op = await operator();
    const links: { path: string; token: string; emailId: string }[] = [];
    for (const row of sent) {
      const path = (row.link as { path: string }).path.replace("/{token}", "");
      const message = await getMailboxMessage(op, row.id);
      links.push({ path, token: linkIn(message, path), emailId: row.id });
      expect(message.html).not.toContain("[link removed after sending]");
      // The record itself keeps the placeholder where the link was.
      expect(row.html).toContain("[link removed after sending]");
      expect(row.text).toContain("[link removed after sending]");
    }
    const everyToken = [...new Set([...tokens, ...links.map((l) => l.token)])];
    expect(everyToken.length).toBeGreaterThanOrEqual(6);

    // Nothing read from the database is a working link or token.
    for (const { table, dump } of await everything()) {
      for (const token of everyToken) expect(dump, `${table} holds a token`).not.toContain(token);
      expect(dump, `${table} holds a link with a token`).not.toMatch(/\/(invitations|reset-password|verify-email)\/[A-Za-z0-9_-]{43}/);
    }

    // The links the operator saw work: the live invitation is accepted with it, the reset sets a new password.
    const invitationLink = links.find((l) => l.path === "/invitations" && sent.find((r) => r.id === l.emailId)!.to === invitees[1])!;
    const invitee = await newUser("Ian Invitee");
    await db.execute(sql`update users set email = ${invitees[1]} where id = ${invitee.id}`);
    await acceptInvitation(as({ ...invitee, email: invitees[1] }), invitationLink.token);
    const resetLink = links.find((l) => l.path === "/reset-password")!;
    expect(await resetPassword(ANONYMOUS, resetLink.token, { password: "a-brand-new-passphrase-9" })).toMatchObject({
      email: user.email,
    });
  });

  it("takes live links out of e-mails recorded before (the migration)", async () => {
    const token = "A".repeat(20) + "b".repeat(20) + "_-9";
    const url = `http://localhost:3000/invitations/${token}`;
    const [row] = await db
      .insert(outboundEmails)
      .values({
        template: "invitation",
        to: `${unique("old")}@example.test`,
        props: {},
        link: { purpose: "invitation", nonce: "n", path: "/invitations/{token}", prop: "acceptUrl" },
        html: `<a href="${url}">Accept</a> or open ${url}.`,
        text: `Accept [${url}]`,
        status: "sent",
      })
      .returning();
    await rawSql().unsafe(readFileSync("db/migrations/0021_scrub_mailbox_links.sql", "utf8"));
    const [after] = await db.select().from(outboundEmails).where(eq(outboundEmails.id, row.id));
    expect(after.html).toBe(`<a href="[link removed after sending]">Accept</a> or open [link removed after sending].`);
    expect(after.text).toBe("Accept [[link removed after sending]]");
  });
});

describe("notice e-mails in the dev mailbox", () => {
  it("puts one e-mail per recipient of a notice's copies, and of its reminder, in the mailbox the operator reads", async () => {
    const account = await newAccount({ fullName: "Sam Sender" });
    const partner = await setAccountKind(SYSTEM, account.customer.identifier, "partner");
    const admin = as(account.user);
    const customer = await createManagedCustomer(admin, partner.identifier, { name: "Three People", identifier: unique("tp") });
    const people = [await newUser("Alma"), await newUser("Bert"), await newUser("Cleo")];
    for (const p of people) await addMember(p.id, customer.id, "customer_employee");
    const title = `Maintenance ${unique("m")}`;
    const notice = await sendNotice(admin, partner.identifier, {
      title,
      body: "The platform is **down** on Sunday.",
      mode: "all_must_read",
      to: "customers",
      customers: [customer.identifier],
      emailCopy: true,
    });

    const op = await operator();
    const inMailbox = async (subject: string) => {
      const { rows } = await listMailbox(op, { limit: 200 });
      return rows.filter((r) => r.subject === subject);
    };
    const copies = await waitFor(
      async () => {
        const rows = await inMailbox(title);
        return rows.length === 3 ? rows : null;
      },
      20_000,
      "three copies in the mailbox",
    );
    expect(copies.map((r) => r.to).sort()).toEqual(people.map((p) => p.email).sort());
    expect(copies.every((r) => r.status === "sent")).toBe(true);
    // Each opens with its own greeting and the notice's text.
    const alma = await getMailboxMessage(op, copies.find((r) => r.to === people[0].email)!.id);
    expect(alma.html).toContain("Hello Alma");
    expect(alma.html).toContain("<strong>down</strong>");
    expect(alma.text).toContain(customer.identifier);

    // The batch was recorded as sent once its e-mails were in the mailbox.
    await waitFor(async () => {
      const rows = (await db.execute(sql`select status from notice_deliveries where notice_id = ${notice.id}`)) as unknown as { status: string }[];
      return rows.length === 1 && rows[0].status === "sent";
    });

    await acknowledgeNotice(as(people[0]), customer.identifier, notice.id);
    await remindNotice(admin, partner.identifier, notice.id);
    const reminders = await waitFor(
      async () => {
        const rows = await inMailbox(`Reminder: ${title}`);
        return rows.length === 2 ? rows : null;
      },
      20_000,
      "two reminders in the mailbox",
    );
    expect(reminders.map((r) => r.to).sort()).toEqual([people[1].email, people[2].email].sort());
    // The copies are still there once each: a reminder added none of them again.
    expect(await inMailbox(title)).toHaveLength(3);
  });
});
