// Pending invitations against the real database: invite, resend, revoke, accept (signed in or signing up), who may.
import { createHash } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/db/client";
import { auditEvents, invitations, memberships, outbox, outboundEmails, users } from "@/db/schema";
import { listAuditEvents } from "@/lib/audit";
import { deriveLinkToken } from "@/lib/core";
import { AppError, ForbiddenError, NotFoundError } from "@/lib/core";
import {
  acceptInvitation,
  acceptInvitationWithSignUp,
  findInvitationByToken,
  inviteMember,
  inviteMembers,
  resendInvitation,
  revokeInvitation,
} from "@/lib/invitations";
import { addMember, groupOf, newAccount, newUser, PASSWORD, unique, as, ANONYMOUS } from "../support/factories";

afterAll(closeDb);

const DAY = 24 * 3600 * 1000;

const invitee = (overrides: Partial<{ fullName: string; email: string; group: "customer_admin" | "customer_employee" }> = {}) => ({
  fullName: overrides.fullName ?? "Ivan Invitee",
  email: overrides.email ?? `${unique("inv")}@example.test`,
  group: overrides.group ?? ("customer_employee" as const),
});

/** A user whose stored e-mail is exactly `email` (letter case kept), with no account of their own. */
async function userWithEmail(email: string, name = "Signed In") {
  const [user] = await db.insert(users).values({ email, name, passwordHash: null }).returning();
  return user;
}

const invitationRow = async (id: string) => (await db.select().from(invitations).where(eq(invitations.id, id)))[0];
const emailsOf = (invitationId: string) => db.select().from(outboundEmails).where(eq(outboundEmails.invitationId, invitationId));
const countWhere = async (table: "invitations" | "outbound_emails" | "audit_events" | "outbox", customerId: string) => {
  const q =
    table === "outbox"
      ? sql`select count(*)::int as n from outbox where payload->>'emailId' in (select id::text from outbound_emails where customer_id = ${customerId})`
      : sql`select count(*)::int as n from ${sql.identifier(table)} where customer_id = ${customerId}`;
  const [row] = (await db.execute(q)) as unknown as { n: number }[];
  return row.n;
};
const snapshot = async (customerId: string) => ({
  invitations: await countWhere("invitations", customerId),
  emails: await countWhere("outbound_emails", customerId),
  audit: await countWhere("audit_events", customerId),
  outbox: await countWhere("outbox", customerId),
});

describe("inviting", () => {
  it("creates a pending invitation holding only the token's SHA-256, an invitation e-mail and an outbox intent", async () => {
    const { user: admin, customer } = await newAccount();
    const input = invitee({ fullName: "Ivy Newcomer" });
    const { invitation, token } = await inviteMember(as(admin), customer.identifier, input);

    const row = await invitationRow(invitation.id);
    expect(row).toMatchObject({
      customerId: customer.id,
      email: input.email,
      fullName: "Ivy Newcomer",
      group: "customer_employee",
      invitedBy: admin.id,
      deliveryStatus: "queued",
      acceptedAt: null,
    });
    expect(row.tokenHash).toBe(createHash("sha256").update(token).digest("hex"));
    // The raw token is nowhere in the row, in any column.
    const [raw] = (await db.execute(sql`select row_to_json(i)::text as json from invitations i where id = ${invitation.id}`)) as unknown as { json: string }[];
    expect(raw.json).toContain(row.tokenHash);
    expect(raw.json).not.toContain(token);

    const [mail, ...more] = await emailsOf(invitation.id);
    expect(more).toHaveLength(0);
    expect(mail).toMatchObject({ template: "invitation", to: input.email, customerId: customer.id, status: "queued" });
    // The e-mail record carries the link's nonce, not the token: only the installation's secret turns it into the link.
    expect(mail.link).toMatchObject({ purpose: "invitation", path: "/invitations/{token}", prop: "acceptUrl" });
    expect(deriveLinkToken("invitation", (mail.link as { nonce: string }).nonce)).toBe(token);
    expect(JSON.stringify(mail)).not.toContain(token);
    const intents = await db
      .select()
      .from(outbox)
      .where(eq(outbox.jobId, `email-${mail.id}`));
    expect(intents).toHaveLength(1);
    expect(intents[0]).toMatchObject({ queue: "email", jobName: "email.send", payload: { emailId: mail.id, generation: 0 }, relayedAt: null });

    expect((await findInvitationByToken(ANONYMOUS, token)).status).toBe("valid");
  });

  it("uses a token of at least 128 random bits, different every time", async () => {
    const { user: admin, customer } = await newAccount();
    const a = await inviteMember(as(admin), customer.identifier, invitee());
    const b = await inviteMember(as(admin), customer.identifier, invitee());
    expect(a.token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(a.token, "base64url").length * 8).toBeGreaterThanOrEqual(128);
    expect(a.token).not.toBe(b.token);
  });

  it("expires after 7 days by default, and after INVITATION_TTL_DAYS when set", async () => {
    const { user: admin, customer } = await newAccount();
    const before = Date.now();
    const { invitation } = await inviteMember(as(admin), customer.identifier, invitee());
    const after = Date.now();
    expect(invitation.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(invitation.expiresAt.getTime()).toBeLessThanOrEqual(after + 7 * DAY);

    process.env.INVITATION_TTL_DAYS = "2";
    try {
      const t0 = Date.now();
      const { invitation: short } = await inviteMember(as(admin), customer.identifier, invitee());
      const t1 = Date.now();
      expect(short.expiresAt.getTime()).toBeGreaterThanOrEqual(t0 + 2 * DAY);
      expect(short.expiresAt.getTime()).toBeLessThanOrEqual(t1 + 2 * DAY);
    } finally {
      delete process.env.INVITATION_TTL_DAYS;
    }
  });

  it("refuses to invite someone who is already a member, with a field error on the e-mail", async () => {
    const { user: admin, customer } = await newAccount();
    const employee = await newUser();
    await addMember(employee.id, customer.id, "customer_employee");
    const before = await snapshot(customer.id);
    for (const email of [employee.email, employee.email.toUpperCase(), admin.email]) {
      const err = await inviteMember(as(admin), customer.identifier, invitee({ email })).catch((e) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err.fieldErrors.email).toMatch(/already a member/);
    }
    expect(await snapshot(customer.id)).toEqual(before);
  });

  it("refuses a second invitation to an address already pending, in any letter case, without a duplicate", async () => {
    const { user: admin, customer } = await newAccount();
    const email = `${unique("dup")}@example.test`;
    await inviteMember(as(admin), customer.identifier, invitee({ email }));
    const before = await snapshot(customer.id);
    for (const again of [email, email.toUpperCase(), `  ${email.replace(/^./, (c) => c.toUpperCase())}  `]) {
      const err = await inviteMember(as(admin), customer.identifier, invitee({ email: again })).catch((e) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err.fieldErrors.email).toMatch(/already has a pending invitation/);
    }
    expect(await snapshot(customer.id)).toEqual(before);
    const pending = await db
      .select()
      .from(invitations)
      .where(and(eq(invitations.customerId, customer.id), sql`lower(${invitations.email}) = ${email}`));
    expect(pending).toHaveLength(1);
  });
});

describe("resend and revoke", () => {
  it("resend issues a fresh token: the old link is invalid, the new one valid, the expiry renewed, a second e-mail queued", async () => {
    const { user: admin, customer } = await newAccount();
    const { invitation, token: oldToken } = await inviteMember(as(admin), customer.identifier, invitee());
    // Make the old expiry clearly older than any renewed one.
    await db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() + DAY) })
      .where(eq(invitations.id, invitation.id));

    const before = Date.now();
    const { token: newToken } = await resendInvitation(as(admin), customer.identifier, invitation.id);
    expect(newToken).not.toBe(oldToken);
    expect((await findInvitationByToken(ANONYMOUS, oldToken)).status).toBe("invalid");
    const found = await findInvitationByToken(ANONYMOUS, newToken);
    expect(found.status).toBe("valid");

    const row = await invitationRow(invitation.id);
    expect(row.tokenHash).toBe(createHash("sha256").update(newToken).digest("hex"));
    expect(row.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 7 * DAY);
    expect(row.deliveryStatus).toBe("queued");

    const mails = await emailsOf(invitation.id);
    expect(mails).toHaveLength(2);
    const tokens = mails.map((m) => deriveLinkToken("invitation", (m.link as { nonce: string }).nonce));
    expect(tokens).toContain(newToken);
    for (const m of mails)
      expect(
        await db
          .select()
          .from(outbox)
          .where(eq(outbox.jobId, `email-${m.id}`)),
      ).toHaveLength(1);

    await expect(acceptInvitationWithSignUp(ANONYMOUS, oldToken, { fullName: "Old Link", password: PASSWORD })).rejects.toThrow(/not valid any more/);
  });

  it("revoke deletes the invitation and its link becomes invalid", async () => {
    const { user: admin, customer } = await newAccount();
    const { invitation, token } = await inviteMember(as(admin), customer.identifier, invitee());
    await revokeInvitation(as(admin), customer.identifier, invitation.id);
    expect(await invitationRow(invitation.id)).toBeUndefined();
    expect((await findInvitationByToken(ANONYMOUS, token)).status).toBe("invalid");
    await expect(acceptInvitationWithSignUp(ANONYMOUS, token, { fullName: "Too Late", password: PASSWORD })).rejects.toThrow(/not valid any more/);
    // Revoking twice says it is gone.
    await expect(revokeInvitation(as(admin), customer.identifier, invitation.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("link states", () => {
  it("an expired link reports expired and cannot be accepted, neither signed in nor by signing up", async () => {
    const { user: admin, customer } = await newAccount();
    const email = `${unique("late")}@example.test`;
    const { invitation, token } = await inviteMember(as(admin), customer.identifier, invitee({ email }));
    await db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.id, invitation.id));

    expect((await findInvitationByToken(ANONYMOUS, token)).status).toBe("expired");
    const user = await userWithEmail(email);
    await expect(acceptInvitation(as(user), token)).rejects.toThrow(/expired/);
    expect(await groupOf(user.id, customer.id)).toBeNull();

    const other = `${unique("late2")}@example.test`;
    const second = await inviteMember(as(admin), customer.identifier, invitee({ email: other }));
    await db
      .update(invitations)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(invitations.id, second.invitation.id));
    await expect(acceptInvitationWithSignUp(ANONYMOUS, second.token, { fullName: "Late", password: PASSWORD })).rejects.toThrow(/expired/);
    expect(
      await db
        .select()
        .from(users)
        .where(sql`lower(email) = ${other}`),
    ).toHaveLength(0);
    expect((await invitationRow(invitation.id)).acceptedAt).toBeNull();
  });

  it("a used link reports used and cannot be accepted again", async () => {
    const { user: admin, customer } = await newAccount();
    const { token } = await inviteMember(as(admin), customer.identifier, invitee());
    await acceptInvitationWithSignUp(ANONYMOUS, token, { fullName: "First Comer", password: PASSWORD });
    expect((await findInvitationByToken(ANONYMOUS, token)).status).toBe("used");
    await expect(acceptInvitationWithSignUp(ANONYMOUS, token, { fullName: "Second Comer", password: PASSWORD })).rejects.toThrow(/already been used/);
  });

  it("a made-up token is invalid", async () => {
    expect((await findInvitationByToken(ANONYMOUS, "x".repeat(43))).status).toBe("invalid");
    expect((await findInvitationByToken(ANONYMOUS, "not a token")).status).toBe("invalid");
  });
});

describe("accepting", () => {
  it("a signed-in user with the invited e-mail (any letter case) joins with the invited group", async () => {
    const { user: admin, customer } = await newAccount();
    const email = `${unique("join")}@example.test`;
    const { invitation, token } = await inviteMember(as(admin), customer.identifier, invitee({ email: email.toUpperCase(), group: "customer_admin" }));
    expect(invitation.email).toBe(email);
    const user = await userWithEmail(`${email.slice(0, 3).toUpperCase()}${email.slice(3)}`);

    const result = await acceptInvitation(as(user), token);
    expect(result).toMatchObject({ group: "customer_admin", customer: { id: customer.id } });
    expect(await groupOf(user.id, customer.id)).toBe("customer_admin");
    const row = await invitationRow(invitation.id);
    expect(row.acceptedBy).toBe(user.id);
    expect(row.acceptedAt).not.toBeNull();
  });

  it("refuses a user signed in with another e-mail, and accepts nothing", async () => {
    const { user: admin, customer } = await newAccount();
    const { invitation, token } = await inviteMember(as(admin), customer.identifier, invitee());
    const someoneElse = await newUser("Someone Else");
    const err = await acceptInvitation(as(someoneElse), token).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe("forbidden");
    expect(err.message).toMatch(/This invitation is for .* but you are signed in as/);
    expect(await groupOf(someoneElse.id, customer.id)).toBeNull();
    const row = await invitationRow(invitation.id);
    expect(row.acceptedAt).toBeNull();
    expect(row.acceptedBy).toBeNull();
    expect((await findInvitationByToken(ANONYMOUS, token)).status).toBe("valid");
  });

  it("signing up from the link creates the user with the invitation's e-mail and a membership, and no customer account", async () => {
    const { user: admin, customer } = await newAccount();
    const email = `${unique("new")}@example.test`;
    const { invitation, token } = await inviteMember(as(admin), customer.identifier, invitee({ email }));
    const [{ n: customersBefore }] = (await db.execute(sql`select count(*)::int as n from customers`)) as unknown as { n: number }[];

    const { user } = await acceptInvitationWithSignUp(ANONYMOUS, token, { fullName: "Nadia New", password: PASSWORD });

    const [{ n: customersAfter }] = (await db.execute(sql`select count(*)::int as n from customers`)) as unknown as { n: number }[];
    expect(customersAfter).toBe(customersBefore);
    expect(user).toMatchObject({ email, name: "Nadia New" });
    expect(user).not.toHaveProperty("passwordHash");
    expect((await db.select().from(users).where(eq(users.id, user.id)))[0].passwordHash).toMatch(/^\$argon2id\$/);
    const mine = await db.select().from(memberships).where(eq(memberships.userId, user.id));
    expect(mine).toEqual([expect.objectContaining({ customerId: customer.id, group: "customer_employee" })]);
    expect(
      await db
        .select()
        .from(outboundEmails)
        .where(and(eq(outboundEmails.to, email), eq(outboundEmails.template, "welcome"))),
    ).toHaveLength(0);
    expect((await invitationRow(invitation.id)).acceptedBy).toBe(user.id);
  });

  it("signing up when a user with that e-mail exists gives a clear error and accepts nothing", async () => {
    const { user: admin, customer } = await newAccount();
    const email = `${unique("exists")}@example.test`;
    const existing = await userWithEmail(email.toUpperCase(), "Already Here");
    const { invitation, token } = await inviteMember(as(admin), customer.identifier, invitee({ email }));
    const err = await acceptInvitationWithSignUp(ANONYMOUS, token, { fullName: "Duplicate", password: PASSWORD }).catch((e) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err.message).toMatch(/already exists\. Sign in to accept/);
    expect(
      await db
        .select()
        .from(users)
        .where(sql`lower(email) = ${email}`),
    ).toEqual([expect.objectContaining({ id: existing.id })]);
    expect((await invitationRow(invitation.id)).acceptedAt).toBeNull();
    expect(await groupOf(existing.id, customer.id)).toBeNull();
  });

  it("two simultaneous accepts of one link by the same user: one membership, the other refused", async () => {
    const { user: admin, customer } = await newAccount();
    for (let round = 0; round < 5; round++) {
      const email = `${unique("twice")}@example.test`;
      const { token } = await inviteMember(as(admin), customer.identifier, invitee({ email }));
      const user = await userWithEmail(email);
      const results = await Promise.allSettled([acceptInvitation(as(user), token), acceptInvitation(as(user), token)]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const [refused] = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(refused.reason).toBeInstanceOf(AppError);
      expect(refused.reason.message).toMatch(/already been used/);
      const rows = await db
        .select()
        .from(memberships)
        .where(and(eq(memberships.userId, user.id), eq(memberships.customerId, customer.id)));
      expect(rows).toHaveLength(1);
      const accepted = await db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.customerId, customer.id), eq(auditEvents.action, "invitation.accepted"), eq(auditEvents.targetId, user.id)));
      expect(accepted).toHaveLength(1);
    }
  });

  it("two simultaneous sign-ups from one link: one user, the other refused", async () => {
    const { user: admin, customer } = await newAccount();
    for (let round = 0; round < 3; round++) {
      const email = `${unique("race")}@example.test`;
      const { token } = await inviteMember(as(admin), customer.identifier, invitee({ email }));
      const results = await Promise.allSettled([
        acceptInvitationWithSignUp(ANONYMOUS, token, { fullName: "Racer One", password: PASSWORD }),
        acceptInvitationWithSignUp(ANONYMOUS, token, { fullName: "Racer Two", password: PASSWORD }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const [refused] = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(refused.reason).toBeInstanceOf(AppError);
      expect(refused.reason.message).toMatch(/already been used|already exists/);
      const created = await db
        .select()
        .from(users)
        .where(sql`lower(email) = ${email}`);
      expect(created).toHaveLength(1);
      expect(await db.select().from(memberships).where(eq(memberships.userId, created[0].id))).toHaveLength(1);
    }
  });
});

describe("who may manage invitations", () => {
  it("an Employee can neither invite, resend nor revoke, and nothing is written", async () => {
    const { user: admin, customer } = await newAccount();
    const employee = await newUser();
    await addMember(employee.id, customer.id, "customer_employee");
    const { invitation, token } = await inviteMember(as(admin), customer.identifier, invitee());
    const before = await snapshot(customer.id);
    const rowBefore = await invitationRow(invitation.id);

    await expect(inviteMember(as(employee), customer.identifier, invitee())).rejects.toBeInstanceOf(ForbiddenError);
    await expect(resendInvitation(as(employee), customer.identifier, invitation.id)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(revokeInvitation(as(employee), customer.identifier, invitation.id)).rejects.toBeInstanceOf(ForbiddenError);

    expect(await snapshot(customer.id)).toEqual(before);
    expect(await invitationRow(invitation.id)).toEqual(rowBefore);
    expect((await findInvitationByToken(ANONYMOUS, token)).status).toBe("valid");
  });

  it("an admin of account A can neither revoke nor resend B's invitation by its id, nor invite into B", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const { invitation, token } = await inviteMember(as(b.user), b.customer.identifier, invitee());
    const before = await snapshot(b.customer.id);
    const rowBefore = await invitationRow(invitation.id);

    // Through their own account: B's invitation id matches nothing there.
    await expect(revokeInvitation(as(a.user), a.customer.identifier, invitation.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(resendInvitation(as(a.user), a.customer.identifier, invitation.id)).rejects.toBeInstanceOf(NotFoundError);
    // Naming B directly: not a member, so B looks like it doesn't exist.
    await expect(revokeInvitation(as(a.user), b.customer.identifier, invitation.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(resendInvitation(as(a.user), b.customer.identifier, invitation.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(inviteMember(as(a.user), b.customer.identifier, invitee())).rejects.toBeInstanceOf(NotFoundError);

    expect(await snapshot(b.customer.id)).toEqual(before);
    expect(await invitationRow(invitation.id)).toEqual(rowBefore);
    expect((await findInvitationByToken(ANONYMOUS, token)).status).toBe("valid");
    // B's admin can't invite into A either.
    await expect(inviteMember(as(b.user), a.customer.identifier, invitee())).rejects.toBeInstanceOf(NotFoundError);
    expect(await countWhere("invitations", a.customer.id)).toBe(0);
  });
});

describe("audit", () => {
  it("records invitation.created/resent/revoked/accepted with actor, customer, target and time, listed newest first", async () => {
    const { user: admin, customer } = await newAccount({ fullName: "Audrey Admin" });
    const started = new Date(Date.now() - 1000);
    const kept = await inviteMember(as(admin), customer.identifier, invitee({ fullName: "Kim Kept" }));
    const dropped = await inviteMember(as(admin), customer.identifier, invitee({ fullName: "Dan Dropped" }));
    const resent = await resendInvitation(as(admin), customer.identifier, kept.invitation.id);
    await revokeInvitation(as(admin), customer.identifier, dropped.invitation.id);
    const { user: joiner } = await acceptInvitationWithSignUp(ANONYMOUS, resent.token, { fullName: "Kim Kept", password: PASSWORD });

    const rows = await db.select().from(auditEvents).where(eq(auditEvents.customerId, customer.id)).orderBy(auditEvents.id);
    const mine = rows.filter((r) => r.action.startsWith("invitation."));
    expect(mine.map((r) => [r.action, r.actorId, r.targetId])).toEqual([
      ["invitation.created", admin.id, kept.invitation.id],
      ["invitation.created", admin.id, dropped.invitation.id],
      ["invitation.resent", admin.id, kept.invitation.id],
      ["invitation.revoked", admin.id, dropped.invitation.id],
      ["invitation.accepted", joiner.id, joiner.id],
    ]);
    for (const r of mine) {
      expect(r.customerId).toBe(customer.id);
      expect(r.actorLabel).toMatch(/<.+@example\.test>$/);
      expect(r.targetLabel).toBeTruthy();
      expect(r.createdAt.getTime()).toBeGreaterThanOrEqual(started.getTime());
    }
    expect(mine[0].actorLabel).toBe(`Audrey Admin <${admin.email}>`);
    expect(mine[0].targetLabel).toBe(`Kim Kept <${kept.invitation.email}>`);
    expect(mine[3].targetLabel).toBe(`Dan Dropped <${dropped.invitation.email}>`);

    const { events } = await listAuditEvents(as(admin), customer.identifier);
    expect(events.map((e) => e.action)).toEqual([
      "invitation.accepted",
      "invitation.revoked",
      "invitation.resent",
      "invitation.created",
      "invitation.created",
      "account.created",
    ]);
    const ids = events.map((e) => e.id);
    expect([...ids].sort((x, y) => y - x)).toEqual(ids);
    for (let i = 1; i < events.length; i++) expect(events[i - 1].createdAt.getTime()).toBeGreaterThanOrEqual(events[i].createdAt.getTime());
    expect(events[0]).toMatchObject({ actorName: "Kim Kept", targetType: "member" });
  });
});

describe("inviting a pasted list", () => {
  it("checks every line before writing anything, then invites everyone in one go, each with an e-mail and an audit event", async () => {
    const { user: admin, customer } = await newAccount();
    const member = await newUser("Mo Member");
    await addMember(member.id, customer.id, "customer_employee");
    const pending = `${unique("pend")}@example.test`;
    await inviteMember(as(admin), customer.identifier, invitee({ email: pending }));
    const [a, b, c] = [unique("a"), unique("b"), unique("c")].map((x) => `${x}@example.test`);
    const bad = [
      `Ada Lovelace <${a}>`,
      `Bob Builder, ${b}`,
      "Just A Name",
      `Cy Twice <${a.toUpperCase()}>`,
      `Mo Again <${member.email}>`,
      `Pia Pending; ${pending}`,
      "Nora Nomail, not-an-address",
    ].join("\n");
    const before = await snapshot(customer.id);
    const checked = await inviteMembers(as(admin), customer.identifier, { people: bad, group: "customer_employee" }, { check: true });
    expect(checked.rows.map((r) => [r.line, r.problem])).toEqual([
      [1, null],
      [2, null],
      [3, "give a name and an e-mail address, e.g. Ada Lovelace <ada@example.com>"],
      [4, `${a} is on line 1 already`],
      [5, `${member.email} is already a member`],
      [6, `${pending} already has a pending invitation`],
      [7, "“not-an-address” is not an e-mail address"],
    ]);
    const refused = await inviteMembers(as(admin), customer.identifier, { people: bad, group: "customer_employee" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).fieldErrors.people).toMatch(/^Nobody was invited: 5 lines need a change\. Line 3: /);
    expect(await snapshot(customer.id)).toEqual(before);

    const good = [`Ada Lovelace <${a}>`, `Bob Builder, ${b}`, `"Cy Sea"\t${c}`].join("\n");
    expect((await inviteMembers(as(admin), customer.identifier, { people: good, group: "customer_admin" })).invited).toBe(3);
    const made = await db
      .select()
      .from(invitations)
      .where(and(eq(invitations.customerId, customer.id), sql`${invitations.email} in (${a}, ${b}, ${c})`));
    expect(made.map((i) => [i.fullName, i.group]).sort()).toEqual([
      ["Ada Lovelace", "customer_admin"],
      ["Bob Builder", "customer_admin"],
      ["Cy Sea", "customer_admin"],
    ]);
    for (const inv of made) expect(await emailsOf(inv.id)).toHaveLength(1);
    expect((await countWhere("audit_events", customer.id)) - before.audit).toBe(3);
    // The same list again: all three are pending now, so nothing more is written.
    await expect(inviteMembers(as(admin), customer.identifier, { people: good, group: "customer_admin" })).rejects.toBeInstanceOf(AppError);
    expect((await countWhere("invitations", customer.id)) - before.invitations).toBe(3);

    const many = Array.from({ length: 101 }, (_, i) => `P ${i} <p${i}-${unique()}@example.test>`).join("\n");
    await expect(inviteMembers(as(admin), customer.identifier, { people: many, group: "customer_employee" })).rejects.toMatchObject({
      fieldErrors: { people: "Paste at most 100 people at once (this list has 101)." },
    });
    const stranger = await newUser("Sid Stranger");
    await expect(inviteMembers(as(stranger), customer.identifier, { people: good, group: "customer_employee" })).rejects.toBeInstanceOf(NotFoundError);
  });
});
