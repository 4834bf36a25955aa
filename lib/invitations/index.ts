// Pending invitations: invite by full name and e-mail, resend, revoke, and accept (signed in, signing in, or signing up).
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { db, type Executor } from "@/db/client";
import { customers, invitations, memberships, users, type Customer, type Invitation, type MemberGroup, type User } from "@/db/schema";
import { customerRef } from "@/lib/accounts";
import { recordAudit } from "@/lib/audit";
import { hashPassword } from "@/lib/auth";
import { hashToken, newLinkToken } from "@/lib/core";
import { GROUP_LABELS, authorizeAccount, groupsFor, requirePerson, userPrincipal, type Principal } from "@/lib/authz";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  emailSchema,
  fieldConflict,
  fieldError,
  fullNameSchema,
  getEnv,
  parseInput,
  parseRows,
  passwordSchema,
  searchAny,
  PAGE_SIZE,
  keysetClauses,
  keysetOf,
  keysetPage,
  searchTerm,
  type PageRequest,
  violatedConstraint,
} from "@/lib/core";
import { queueEmail, supersedeEmails } from "@/lib/email";
import { INVITATIONS_PER_ACCOUNT, consume } from "@/lib/limits";
import { configuredOperatorEmails } from "@/lib/operators";

export const inviteSchema = z.object({
  fullName: fullNameSchema,
  email: emailSchema,
  group: z.enum(["customer_admin", "customer_employee", "customer_reader", "partner_admin", "partner_employee"], "Choose a group."),
});
export type InviteInput = z.infer<typeof inviteSchema>;

function expiry(): Date {
  return new Date(Date.now() + getEnv().INVITATION_TTL_DAYS * 24 * 3600 * 1000);
}

async function queueInvitationEmail(ex: Executor, inv: Invitation, nonce: string, customer: Customer, inviterName: string) {
  await queueEmail(ex, {
    template: "invitation",
    to: inv.email,
    customerId: customer.id,
    invitationId: inv.id,
    props: {
      fullName: inv.fullName,
      inviterName,
      accountName: customer.name,
      groupLabel: GROUP_LABELS[inv.group],
      expiresAt: inv.expiresAt.toISOString(),
    },
    link: { purpose: "invitation", nonce, path: "/invitations/{token}", prop: "acceptUrl" },
  });
}

/** A new invitation's e-mail and its audit event, in the transaction that created it (one person or a list). */
async function announceInvitation(ex: Executor, principal: Principal, customer: Customer, inv: Invitation, nonce: string, details: { fromList?: true } = {}) {
  await queueInvitationEmail(ex, inv, nonce, customer, inviterName(principal));
  await recordAudit(ex, principal, {
    customerId: customer.id,
    action: "invitation.created",
    targetType: "invitation",
    targetId: inv.id,
    targetLabel: `${inv.fullName} <${inv.email}>`,
    details: { group: inv.group, ...details },
  });
}

function inviterName(principal: Principal): string {
  return principal.kind === "user" ? principal.name : "Tenancy";
}

/** Creates a pending invitation and queues its e-mail. Returns the token only so tests can follow the link. */
export async function inviteMember(principal: Principal, identifier: string, input: InviteInput) {
  const parsed = parseInput(inviteSchema, input);
  const email = parsed.email.toLowerCase();
  try {
    return await db.transaction(async (tx) => {
      const { customer } = await authorizeAccount(tx, principal, identifier, "MANAGE_USERS");
      // After the check (someone without access can't use up an account's invitations), before any write.
      await consume(INVITATIONS_PER_ACCOUNT, customer.id);
      if (!groupsFor(customer.kind).includes(parsed.group as MemberGroup)) throw fieldError("group", "That group doesn't exist in this kind of account.");
      const member = await tx.execute(
        sql`select 1 from memberships m join users u on u.id = m.user_id where m.customer_id = ${customer.id} and lower(u.email) = ${email}`,
      );
      if (member.length > 0) throw fieldConflict("email", `${email} is already a member of this account.`);
      const { token, hash, nonce } = newLinkToken("invitation");
      const [inv] = await tx
        .insert(invitations)
        .values({
          customerId: customer.id,
          email,
          fullName: parsed.fullName,
          group: parsed.group,
          tokenHash: hash,
          invitedBy: principal.kind === "user" ? principal.userId : null,
          expiresAt: expiry(),
        })
        .returning();
      await announceInvitation(tx, principal, customer, inv, nonce);
      return { invitation: invitationView(inv), token };
    });
  } catch (err) {
    if (violatedConstraint(err, "23505") === "invitations_pending_email_key")
      throw fieldConflict("email", `${email} already has a pending invitation. Use “Resend” in Pending Invitations to send it again.`);
    throw err;
  }
}

/** The most people one pasted list invites (the account's hourly invitations are 100 as well). */
export const MAX_LISTED_INVITES = 100;

export const inviteListSchema = z.object({
  /** One person per line: "Full Name <address>", "Full Name, address" (or a tab or semicolon between them). */
  people: z.string().max(50_000, "That list is too long."),
  group: inviteSchema.shape.group,
});

/** A line of a pasted list as read and checked: who, and what is wrong with it (nothing: it can be invited). */
export type ListedInvite = { line: number; fullName: string; email: string; problem: string | null };

function readList(text: string): ListedInvite[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ raw: raw.trim(), line: i + 1 }))
    .filter((l) => l.raw !== "")
    .map(({ raw, line }) => {
      const angled = /^(.*?)\s*<([^>]*)>$/.exec(raw);
      const [name, address] = angled ? [angled[1], angled[2]] : (raw.split(/\s*[,;\t]\s*/, 2) as [string, string?]);
      const fullName = fullNameSchema.safeParse(name.replace(/^"|"$/g, ""));
      const email = emailSchema.safeParse(address ?? "");
      const problem = !address
        ? "give a name and an e-mail address, e.g. Ada Lovelace <ada@example.com>"
        : !fullName.success
          ? (fullName.error.issues[0]?.message ?? "check the name")
          : !email.success
            ? `“${address}” is not an e-mail address`
            : null;
      return { line, fullName: fullName.data ?? name, email: (email.data ?? address ?? "").toLowerCase(), problem };
    });
}

/**
 * Invites the people of a pasted list into one account, all with the same group: each line checked (name, address,
 * twice in the list, already a member, already invited) before anything is written, then all of them invited in one
 * transaction, or none. `check` only answers what would happen, line by line.
 */
export async function inviteMembers(principal: Principal, identifier: string, input: z.input<typeof inviteListSchema>, opts: { check?: boolean } = {}) {
  const parsed = parseInput(inviteListSchema, input);
  const rows = readList(parsed.people);
  if (rows.length === 0) throw fieldError("people", "Paste at least one person: a name and an e-mail address per line.");
  if (rows.length > MAX_LISTED_INVITES) throw fieldError("people", `Paste at most ${MAX_LISTED_INVITES} people at once (this list has ${rows.length}).`);
  const seen = new Map<string, number>();
  for (const r of rows) {
    if (r.problem) continue;
    const first = seen.get(r.email);
    if (first !== undefined) r.problem = `${r.email} is on line ${first} already`;
    else seen.set(r.email, r.line);
  }
  try {
    return await db.transaction(async (tx) => {
      const { customer } = await authorizeAccount(tx, principal, identifier, "MANAGE_USERS");
      if (!groupsFor(customer.kind).includes(parsed.group as MemberGroup)) throw fieldError("group", "That group doesn't exist in this kind of account.");
      const emails = rows.filter((r) => !r.problem).map((r) => r.email);
      if (emails.length > 0) {
        const taken = parseRows(
          z.object({ email: z.string(), member: z.boolean() }),
          await tx.execute(sql`
            select lower(u.email) as email, true as member from memberships m join users u on u.id = m.user_id
              where m.customer_id = ${customer.id} and lower(u.email) = any(${sql.param(emails)}::text[])
            union all
            select lower(i.email), false from invitations i
              where i.customer_id = ${customer.id} and i.accepted_at is null and lower(i.email) = any(${sql.param(emails)}::text[])`),
        );
        for (const t of taken) {
          const row = rows.find((r) => r.email === t.email && !r.problem);
          if (row) row.problem = t.member ? `${t.email} is already a member` : `${t.email} already has a pending invitation`;
        }
      }
      const problems = rows.filter((r) => r.problem);
      if (opts.check) return { rows, invited: 0 };
      if (problems.length > 0)
        throw fieldError(
          "people",
          `Nobody was invited: ${problems.length === 1 ? "one line needs" : `${problems.length} lines need`} a change. ` +
            problems
              .slice(0, 5)
              .map((r) => `Line ${r.line}: ${r.problem}.`)
              .join(" "),
        );
      await consume(INVITATIONS_PER_ACCOUNT, customer.id, rows.length);
      const made = rows.map((r) => ({ row: r, link: newLinkToken("invitation") }));
      const inserted = await tx
        .insert(invitations)
        .values(
          made.map(({ row, link }) => ({
            customerId: customer.id,
            email: row.email,
            fullName: row.fullName,
            group: parsed.group,
            tokenHash: link.hash,
            invitedBy: principal.kind === "user" ? principal.userId : null,
            expiresAt: expiry(),
          })),
        )
        .returning();
      // One e-mail and one audit event per person, in this transaction: each invitation is someone's to accept.
      for (const inv of inserted) {
        const { link } = made.find((m) => m.row.email === inv.email)!;
        await announceInvitation(tx, principal, customer, inv, link.nonce, { fromList: true });
      }
      return { rows, invited: inserted.length };
    });
  } catch (err) {
    // Someone invited the same address meanwhile: nothing of the list was written.
    if (violatedConstraint(err, "23505") === "invitations_pending_email_key")
      throw fieldConflict("people", "Someone on the list was invited by someone else meanwhile; check the list again.");
    throw err;
  }
}

/** Issues a fresh token (the old link stops working), a new expiry, and a new e-mail. */
export async function resendInvitation(principal: Principal, identifier: string, invitationId: string) {
  return db.transaction(async (tx) => {
    const { customer } = await authorizeAccount(tx, principal, identifier, "MANAGE_USERS");
    const { token, hash, nonce } = newLinkToken("invitation");
    const [inv] = await tx
      .update(invitations)
      .set({ tokenHash: hash, sentAt: new Date(), expiresAt: expiry(), deliveryStatus: "queued" })
      .where(and(sql`${invitations.id}::text = ${invitationId}`, eq(invitations.customerId, customer.id), isNull(invitations.acceptedAt)))
      .returning();
    if (!inv) throw new NotFoundError("That invitation no longer exists: it was accepted or revoked.");
    // The earlier e-mail's link no longer works: it is not sent any more, and its late outcome can't change the status.
    await supersedeEmails(tx, { invitationId: inv.id });
    await queueInvitationEmail(tx, inv, nonce, customer, inviterName(principal));
    await recordAudit(tx, principal, {
      customerId: customer.id,
      action: "invitation.resent",
      targetType: "invitation",
      targetId: inv.id,
      targetLabel: `${inv.fullName} <${inv.email}>`,
    });
    return { invitation: invitationView(inv), token };
  });
}

export async function revokeInvitation(principal: Principal, identifier: string, invitationId: string) {
  return db.transaction(async (tx) => {
    const { customer } = await authorizeAccount(tx, principal, identifier, "MANAGE_USERS");
    const [inv] = await tx
      .select()
      .from(invitations)
      .where(and(sql`${invitations.id}::text = ${invitationId}`, eq(invitations.customerId, customer.id), isNull(invitations.acceptedAt)))
      .for("update");
    if (!inv) throw new NotFoundError("That invitation no longer exists: it was accepted or revoked.");
    // An e-mail still waiting to go out would only carry a dead link (and deleting the invitation unlinks its e-mails).
    await supersedeEmails(tx, { invitationId: inv.id });
    await tx.delete(invitations).where(eq(invitations.id, inv.id));
    await recordAudit(tx, principal, {
      customerId: customer.id,
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: inv.id,
      targetLabel: `${inv.fullName} <${inv.email}>`,
    });
  });
}

/** A pending invitation as those who manage the account's users see it (never its token's hash). */
export type InvitationView = Pick<Invitation, "id" | "customerId" | "email" | "fullName" | "group" | "invitedBy" | "sentAt" | "expiresAt" | "deliveryStatus">;

function invitationView(inv: Invitation): InvitationView {
  return {
    id: inv.id,
    customerId: inv.customerId,
    email: inv.email,
    fullName: inv.fullName,
    group: inv.group,
    invitedBy: inv.invitedBy,
    sentAt: inv.sentAt,
    expiresAt: inv.expiresAt,
    deliveryStatus: inv.deliveryStatus,
  };
}

type FoundInvitation = { invitation: Invitation; customer: Customer; inviter: { name: string; email: string } | null };
export type InvitationLookup = { status: "invalid" } | ({ status: "valid" | "expired" | "used" } & FoundInvitation);

/**
 * What an invitation link points at, for anyone holding the link: the token is the permission. Unknown tokens
 * (revoked, replaced by a resend, or made up) are simply invalid. Says whether the invited address already has a user,
 * so the page offers sign-in or sign-up.
 */
export async function findInvitationByToken(_principal: Principal, token: string) {
  const found = await lookUpToken(db, token);
  if (found.status === "invalid") return found;
  const rows = await db.execute(sql`select 1 from users where lower(email) = lower(${found.invitation.email}) limit 1`);
  // Only what the page shows: a link holder learns the account's name, not its billing details or the token's hash.
  const { invitation, customer, inviter, status } = found;
  return {
    status,
    invitation: { email: invitation.email, fullName: invitation.fullName, group: invitation.group, expiresAt: invitation.expiresAt },
    customer: { name: customer.name, identifier: customer.identifier },
    inviter,
    inviteeHasAccount: rows.length > 0,
  };
}

async function lookUpToken(ex: Executor, token: string, opts: { lock?: boolean } = {}): Promise<InvitationLookup> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return { status: "invalid" };
  const q = ex
    .select({ invitation: invitations, customer: customers })
    .from(invitations)
    .innerJoin(customers, eq(customers.id, invitations.customerId))
    .where(eq(invitations.tokenHash, hashToken(token)));
  const [row] = opts.lock ? await q.for("update", { of: invitations }) : await q;
  // An account being deleted takes no one in: its links stop working at once (and again if the deletion is undone).
  if (!row || row.customer.deletingAt) return { status: "invalid" };
  const [inviter] = row.invitation.invitedBy
    ? await ex.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, row.invitation.invitedBy))
    : [];
  const status = row.invitation.acceptedAt ? "used" : row.invitation.expiresAt.getTime() < Date.now() ? "expired" : "valid";
  return { status, invitation: row.invitation, customer: row.customer, inviter: inviter ?? null };
}

function usable(found: InvitationLookup): FoundInvitation {
  if (found.status === "invalid") throw new NotFoundError("This invitation link is not valid any more: it was revoked or replaced by a newer one.");
  if (found.status === "used") throw new ConflictError("This invitation has already been used.");
  if (found.status === "expired") throw new ConflictError("This invitation has expired. Ask the person who invited you to resend it.");
  return found;
}

async function joinWithInvitation(tx: Executor, inv: Invitation, user: Pick<User, "id" | "email" | "name" | "isOperator">) {
  // ON CONFLICT: someone already a member (e.g. added another way) keeps their membership; the invitation is used up.
  await tx.insert(memberships).values({ userId: user.id, customerId: inv.customerId, group: inv.group }).onConflictDoNothing();
  await tx.update(invitations).set({ acceptedAt: new Date(), acceptedBy: user.id }).where(eq(invitations.id, inv.id));
  // The link went to the invited address, and the invitation is for this user's address: the address is proven.
  await tx
    .update(users)
    .set({
      emailVerifiedAt: sql`coalesce(${users.emailVerifiedAt}, now())`,
      ...(configuredOperatorEmails().includes(user.email.toLowerCase()) ? { isOperator: true } : {}),
    })
    .where(eq(users.id, user.id));
  await recordAudit(tx, userPrincipal(user), {
    customerId: inv.customerId,
    action: "invitation.accepted",
    targetType: "member",
    targetId: user.id,
    targetLabel: GROUP_LABELS[inv.group],
  });
}

/**
 * The signed-in person accepts: the link and the invited address together are the permission. The row lock makes a
 * double accept produce one membership and one "already used".
 */
export async function acceptInvitation(principal: Principal, token: string) {
  const person = requirePerson(principal);
  return db.transaction(async (tx) => {
    const found = usable(await lookUpToken(tx, token, { lock: true }));
    const [user] = await tx.select().from(users).where(eq(users.id, person.userId));
    if (!user) throw new NotFoundError("Your account no longer exists.");
    if (user.email.toLowerCase() !== found.invitation.email.toLowerCase())
      throw new ForbiddenError(`This invitation is for ${found.invitation.email}, but you are signed in as ${user.email}. Sign out and open the link again.`);
    await joinWithInvitation(tx, found.invitation, user);
    return { customer: customerRef(found.customer), group: found.invitation.group };
  });
}

/**
 * The open invitations addressed to the signed-in person, for the page of someone who belongs to no account (their
 * links are in their e-mail; the database keeps no usable link). Only an address the person has proven is theirs
 * counts: anyone can type someone else's address at sign-up.
 */
export async function listMyInvitations(principal: Principal) {
  const person = requirePerson(principal);
  const [user] = await db.select().from(users).where(eq(users.id, person.userId));
  if (!user?.emailVerifiedAt) return { verified: false, rows: [] };
  const rows = await db
    .select({ id: invitations.id, group: invitations.group, expiresAt: invitations.expiresAt, account: customers.name, inviter: users.name })
    .from(invitations)
    .innerJoin(customers, eq(customers.id, invitations.customerId))
    .leftJoin(users, eq(users.id, invitations.invitedBy))
    .where(
      and(
        sql`lower(${invitations.email}) = lower(${user.email})`,
        isNull(invitations.acceptedAt),
        sql`${invitations.expiresAt} > now()`,
        isNull(customers.deletingAt),
      ),
    )
    .orderBy(desc(invitations.createdAt))
    .limit(50);
  return { verified: true, rows: rows.map((r) => ({ ...r, groupLabel: GROUP_LABELS[r.group] })) };
}

/**
 * Accepts an invitation from that page instead of the e-mailed link: the permission is the proven address the
 * invitation was sent to. The row lock makes a double accept produce one membership, as with the link.
 */
export async function acceptMyInvitation(principal: Principal, invitationId: string) {
  const person = requirePerson(principal);
  return db.transaction(async (tx) => {
    const [user] = await tx.select().from(users).where(eq(users.id, person.userId));
    if (!user) throw new NotFoundError("Your account no longer exists.");
    if (!user.emailVerifiedAt) throw new ForbiddenError("Confirm your e-mail address first (the link we sent you), or accept with the invitation's own link.");
    const [row] = await tx
      .select({ invitation: invitations, customer: customers })
      .from(invitations)
      .innerJoin(customers, eq(customers.id, invitations.customerId))
      .where(and(sql`${invitations.id}::text = ${invitationId}`, sql`lower(${invitations.email}) = lower(${user.email})`))
      .for("update", { of: invitations });
    if (!row || row.customer.deletingAt) throw new NotFoundError("This invitation doesn't exist, or isn't yours.");
    if (row.invitation.acceptedAt) throw new ConflictError("This invitation has already been used.");
    if (row.invitation.expiresAt.getTime() < Date.now()) throw new ConflictError("This invitation has expired. Ask the person who invited you to resend it.");
    await joinWithInvitation(tx, row.invitation, user);
    return { customer: customerRef(row.customer), group: row.invitation.group };
  });
}

export const acceptWithSignUpSchema = z.object({ fullName: fullNameSchema, password: passwordSchema });

/**
 * A person without an account signs up from the link: user + membership, and no customer account of their own. The
 * link is the permission, so anyone holding it may.
 */
export async function acceptInvitationWithSignUp(_principal: Principal, token: string, input: z.infer<typeof acceptWithSignUpSchema>) {
  const parsed = parseInput(acceptWithSignUpSchema, input);
  const passwordHash = await hashPassword(parsed.password);
  try {
    return await db.transaction(async (tx) => {
      const found = usable(await lookUpToken(tx, token, { lock: true }));
      const [user] = await tx.insert(users).values({ email: found.invitation.email.toLowerCase(), name: parsed.fullName, passwordHash }).returning();
      await joinWithInvitation(tx, found.invitation, user);
      return {
        user: { id: user.id, email: user.email, name: user.name, isOperator: user.isOperator },
        customer: customerRef(found.customer),
      };
    });
  } catch (err) {
    if (violatedConstraint(err, "23505") === "users_email_lower_key")
      throw new ConflictError("An account with this e-mail address already exists. Sign in to accept the invitation.");
    throw err;
  }
}

/** Why an invitation's latest e-mail failed, in the provider's words; null unless its delivery failed. */
const lastDeliveryError = sql<string | null>`case when ${invitations.deliveryStatus} = 'failed' then (
  select e.last_error from outbound_emails e where e.invitation_id = ${invitations.id} and e.status = 'failed' order by e.created_at desc limit 1) end`;

/** Pending Invitations of an account, searchable by name or e-mail, newest first; keyset-paged, with how many match. */
export async function listInvitations(principal: Principal, identifier: string, opts: { q?: string } & PageRequest = {}) {
  return db.transaction(async (tx) => {
    const { customer } = await authorizeAccount(tx, principal, identifier, "VIEW_INVITATIONS");
    const k = keysetOf(opts, { default: PAGE_SIZE, max: 100 }, "timestamptz");
    const page = keysetClauses(k, sql`${invitations.sentAt}`, sql`${invitations.id}`, "desc");
    const where = and(
      eq(invitations.customerId, customer.id),
      isNull(invitations.acceptedAt),
      searchAny(searchTerm(opts.q), invitations.fullName, invitations.email),
    );
    const [rows, [{ count }]] = await Promise.all([
      tx
        .select({
          id: invitations.id,
          fullName: invitations.fullName,
          email: invitations.email,
          group: invitations.group,
          sentAt: invitations.sentAt,
          expiresAt: invitations.expiresAt,
          deliveryStatus: invitations.deliveryStatus,
          deliveryError: lastDeliveryError,
          invitedByName: users.name,
          sort_value: sql<string>`${invitations.sentAt}::text`,
        })
        .from(invitations)
        .leftJoin(users, eq(users.id, invitations.invitedBy))
        .where(and(where, page.where))
        .orderBy(page.orderBy)
        .limit(k.limit + 1),
      tx
        .select({ count: sql<number>`count(*)::int` })
        .from(invitations)
        .where(where),
    ]);
    return { ...keysetPage(rows, k, ({ sort_value: _, ...r }) => r), total: count };
  });
}
