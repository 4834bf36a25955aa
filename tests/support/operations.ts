// The registry of every domain operation: what it needs (a permission from the tables, or a rule of its own), what it
// acts on, which page, action or command reaches it, and how to call it against a test world. The authorization
// matrix test runs each one as every kind of principal; an exported operation missing here fails that test.
import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { db } from "@/db/client";
import { emailVerifications, noticeWork, passwordResets, users } from "@/db/schema";
import * as accounts from "@/lib/accounts";
import * as audit from "@/lib/audit";
import * as customerGroups from "@/lib/customer-groups";
import * as deletions from "@/lib/deletions";
import { createSession, hashPassword, sessionRecordId } from "@/lib/auth";
import { hashToken } from "@/lib/core";
import type { Permission, Principal } from "@/lib/authz";
import * as invitations from "@/lib/invitations";
import * as mailbox from "@/lib/mailbox";
import * as notices from "@/lib/notices";
import * as members from "@/lib/members";
import * as operators from "@/lib/operators";
import * as partners from "@/lib/partners";
import * as profile from "@/lib/profile";
import * as projects from "@/lib/projects";
import * as queues from "@/lib/queues";
import type { Side, World } from "./world";

/** The domain entries whose exported functions are operations. */
export const DOMAIN_MODULES = {
  accounts,
  audit,
  "customer-groups": customerGroups,
  deletions,
  invitations,
  mailbox,
  members,
  notices,
  operators,
  partners,
  profile,
  projects,
  queues,
} as const;

/** The shared parts of lib/: building blocks called inside an operation's authorized transaction, not operations. */
export const SHARED_LIB_FOLDERS = ["auth", "authz", "core", "email", "limits", "outbox", "web"];

/** Exports of domain entries that are not operations, and why. */
export const NOT_OPERATIONS: Record<string, string> = {
  "accounts.accountConflict": "maps a constraint violation to a field error; reads nothing",
  "audit.recordAudit": "writes the audit row inside the calling operation's transaction",
  "audit.describeAuditEvent": "formats a string",
  "operators.configuredOperatorEmails": "reads the environment",
  "profile.queueEmailVerification": "writes the verification link and its e-mail inside the calling operation's transaction (sign-up)",
  "operators.lockOperators": "takes a lock inside the calling operation's transaction",
  "accounts.maskIban": "formats a string",
  "queues.probeDatabase": "asks the database to answer `select 1`; reads nothing",
  "accounts.customerRef": "maps a customers row to the shape that names it",
  "accounts.customerView": "maps a customers row to the shape its members and managers see",
  "accounts.accountView": "maps a customers row to the shape its members see, billing only for those who may edit it",
  "notices.scheduleNoticeWork": "records a notice's work and its job inside the calling operation's transaction",
  "partners.customerFilter": "builds the Customers list's filter condition inside the calling operation's transaction",
  "notices.noticePlainText": "formats a string",
  "notices.renderNoticeMarkdown": "formats a string",
};

/**
 * What an operation acts on:
 * - account: the managed customer C (own) or C2 (foreign)
 * - partner: the partner account P (own) or P2 (foreign)
 * - project: the project in C / C2
 * - installation: no account; operators and the system only
 * - none: nothing tenant-specific (the rule says who may)
 */
export type Target = "account" | "partner" | "project" | "installation" | "none";

export type Operation = {
  name: string;
  fn: (...args: never[]) => unknown;
  reachedBy: string[];
  target: Target;
  /** The permission the tables must grant on the target. */
  permission?: Permission;
  /**
   * Rules that are not a table lookup: anyone; the invitee named by the link; a signed-in person with the permission;
   * self: any signed-in person, acting on their own sign-in (profile), and nobody else.
   */
  rule?: "anyone" | "invitee" | "person" | "self";
  /** Opens the customer through an Administration area it names (the partner): the principal must have that area too. */
  viaArea?: true;
  run: (w: World, p: Principal, side: Side) => Promise<unknown>;
};

// Never eight hex digits, so a name made here is never mistaken for a world's tag (see the matrix's read check).
const unique = () => `z${Math.random().toString(36).slice(2, 9)}`;

/** The publish of a world's notice: the piece of work its send recorded. */
async function noticeWorkOf(noticeId: string): Promise<string> {
  const [row] = await db
    .select({ id: noticeWork.id })
    .from(noticeWork)
    .where(and(eq(noticeWork.noticeId, noticeId), eq(noticeWork.kind, "publish")));
  return row.id;
}

/** The worker's side of a notice's work, for a run that must e-mail nobody (the world's notices have no copies). */
const NO_MAIL: notices.NoticeWorkIo = {
  sendBatch: () => Promise.reject(new Error("the matrix sends no e-mail")),
  progress: () => Promise.resolve(),
};

// Fixtures for the profile operations: a password the run knows, and links whose tokens it holds.
const MATRIX_PASSWORD = "matrix-pass-1";
let matrixPasswordHash: Promise<string> | null = null;

async function givePassword(p: Principal): Promise<void> {
  if (p.kind !== "user") return;
  matrixPasswordHash ??= hashPassword(MATRIX_PASSWORD);
  await db
    .update(users)
    .set({ passwordHash: await matrixPasswordHash })
    .where(eq(users.id, p.userId));
}

/** A signed-in person's principal as a request makes it, with a session record of its own; others as they are. */
async function withSession(p: Principal): Promise<Principal & { sessionId?: string }> {
  if (p.kind !== "user") return p;
  return { ...p, sessionId: sessionRecordId(await createSession(db, p.userId)) };
}

async function resetLink(userId: string): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.insert(passwordResets).values({ userId, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 3600_000) });
  return token;
}

async function verificationLink(userId: string, email: string): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.insert(emailVerifications).values({ userId, email: email.toLowerCase(), tokenHash: hashToken(token), expiresAt: new Date(Date.now() + 3600_000) });
  return token;
}

/**
 * A failed job in the e-mail queue, for the retry operation: taken from the queue as a worker would take it, then
 * failed by hand (no processor runs). Whichever job is next is the one failed: in this run's queue they are all fixtures.
 */
async function failedJob(): Promise<string> {
  const { Queue, Worker } = await import("bullmq");
  const { Redis } = await import("ioredis");
  const { EMAIL_QUEUE } = await import("@/lib/email");
  const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const prefix = process.env.QUEUE_PREFIX ?? "tenancy";
  const producer = new Redis(url, { maxRetriesPerRequest: null });
  const consumer = new Redis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(EMAIL_QUEUE, { connection: producer, prefix });
  const worker = new Worker(EMAIL_QUEUE, null, { connection: consumer, prefix, autorun: false });
  try {
    await queue.add("matrix.fixture", {}, { jobId: `matrix-${unique()}` });
    const token = unique();
    const job = await worker.getNextJob(token);
    if (!job) throw new Error("matrix fixture: no job to fail");
    await job.moveToFailed(new Error("matrix fixture"), token, false);
    return String(job.id);
  } finally {
    await worker.close();
    await queue.close();
    producer.disconnect();
    consumer.disconnect();
  }
}

export const OPERATIONS: Operation[] = [
  // accounts
  {
    name: "accounts.signUp",
    fn: accounts.signUp,
    reachedBy: ["app/(auth)/sign-up/actions.ts"],
    target: "none",
    rule: "anyone",
    run: (_w, p) =>
      accounts.signUp(p, {
        fullName: "New Person",
        email: `${unique()}@matrix.test`,
        password: "a-strong-pass-1",
        accountName: "New",
        identifier: `n-${unique()}`,
      }),
  },
  {
    name: "accounts.listMyAccounts",
    fn: accounts.listMyAccounts,
    reachedBy: ["app/[account]/layout.tsx", "app/profile/accounts/page.tsx", "app/profile/accounts/options/route.ts"],
    target: "none",
    rule: "anyone",
    run: (_w, p) => accounts.listMyAccounts(p),
  },
  // Where a person lands: their own accounts only (a principal with none, or not allowed in the one named, gets null).
  {
    name: "accounts.findHomePage",
    fn: accounts.findHomePage,
    reachedBy: ["app/page.tsx", "app/invitations/[token]/actions.ts"],
    target: "none",
    rule: "anyone",
    run: (w, p, s) => accounts.findHomePage(p, w[s].customer),
  },
  {
    name: "accounts.getAccount",
    fn: accounts.getAccount,
    reachedBy: ["lib/web/account-context.ts"],
    target: "account",
    permission: "VIEW_ACCOUNT",
    run: (w, p, s) => accounts.getAccount(p, w[s].customer),
  },
  {
    name: "accounts.updateSettings",
    fn: accounts.updateSettings,
    reachedBy: ["app/[account]/settings/actions.ts"],
    target: "account",
    permission: "EDIT_SETTINGS",
    run: (w, p, s) => accounts.updateSettings(p, w[s].customer, { name: "Renamed", paymentMethod: "invoice" } as never),
  },
  {
    name: "accounts.updateCustomerDetails",
    fn: accounts.updateCustomerDetails,
    reachedBy: ["app/[account]/settings/actions.ts"],
    target: "account",
    permission: "EDIT_CUSTOMER",
    run: (w, p, s) => accounts.updateCustomerDetails(p, w[s].customer, { name: "Renamed", contactEmail: "office@matrix.test", homeProject: w[s].projectId }),
  },
  // members
  {
    name: "members.listMembers",
    fn: members.listMembers,
    reachedBy: ["app/[account]/users/page.tsx", "app/[account]/admin/customers/[customer]/users/page.tsx"],
    target: "account",
    permission: "VIEW_MEMBERS",
    run: (w, p, s) => members.listMembers(p, w[s].customer, { q: "", limit: 20 }),
  },
  {
    name: "members.searchProjectCandidates",
    fn: members.searchProjectCandidates,
    reachedBy: ["app/[account]/projects/[project]/page.tsx"],
    target: "project",
    permission: "MANAGE_PROJECT_ACCESS",
    run: (w, p, s) => members.searchProjectCandidates(p, w[s].customer, w[s].projectId, { q: "" }),
  },
  {
    name: "members.changeMemberGroup",
    fn: members.changeMemberGroup,
    reachedBy: ["app/[account]/users/actions.ts"],
    target: "account",
    permission: "MANAGE_USERS",
    run: (w, p, s) => members.changeMemberGroup(p, w[s].customer, w[s].victimId, "customer_admin"),
  },
  {
    name: "members.removeMember",
    fn: members.removeMember,
    reachedBy: ["app/[account]/users/actions.ts"],
    target: "account",
    permission: "MANAGE_USERS",
    run: (w, p, s) => members.removeMember(p, w[s].customer, w[s].victimId),
  },
  // The victim belongs to the customer alone, so renaming them is allowed to whoever may manage its users.
  {
    name: "members.updateMember",
    fn: members.updateMember,
    reachedBy: ["app/[account]/admin/customers/[customer]/users/actions.ts"],
    target: "account",
    permission: "MANAGE_USERS",
    run: (w, p, s) => members.updateMember(p, w[s].customer, w[s].victimId, { name: "Renamed Victim", group: "customer_admin" }),
  },
  // invitations
  {
    name: "invitations.inviteMember",
    fn: invitations.inviteMember,
    reachedBy: ["app/[account]/users/actions.ts"],
    target: "account",
    permission: "MANAGE_USERS",
    run: (w, p, s) => invitations.inviteMember(p, w[s].customer, { fullName: "Ivy Invitee", email: `${unique()}@matrix.test`, group: "customer_employee" }),
  },
  {
    name: "invitations.inviteMembers",
    fn: invitations.inviteMembers,
    reachedBy: ["app/[account]/users/actions.ts"],
    target: "account",
    permission: "MANAGE_USERS",
    run: (w, p, s) => invitations.inviteMembers(p, w[s].customer, { people: `Ivy Invitee <${unique()}@matrix.test>`, group: "customer_employee" }),
  },
  {
    name: "invitations.resendInvitation",
    fn: invitations.resendInvitation,
    reachedBy: ["app/[account]/users/actions.ts"],
    target: "account",
    permission: "MANAGE_USERS",
    run: (w, p, s) => invitations.resendInvitation(p, w[s].customer, w[s].invitationId),
  },
  {
    name: "invitations.revokeInvitation",
    fn: invitations.revokeInvitation,
    reachedBy: ["app/[account]/users/actions.ts"],
    target: "account",
    permission: "MANAGE_USERS",
    run: (w, p, s) => invitations.revokeInvitation(p, w[s].customer, w[s].invitationId),
  },
  {
    name: "invitations.listInvitations",
    fn: invitations.listInvitations,
    reachedBy: ["app/[account]/users/page.tsx", "app/[account]/admin/customers/[customer]/users/page.tsx"],
    target: "account",
    permission: "VIEW_INVITATIONS",
    run: (w, p, s) => invitations.listInvitations(p, w[s].customer, { q: "", limit: 20 }),
  },
  // The link is the permission: whoever holds it may look at it and sign up with it.
  {
    name: "invitations.findInvitationByToken",
    fn: invitations.findInvitationByToken,
    reachedBy: ["app/invitations/[token]/page.tsx"],
    target: "none",
    rule: "anyone",
    run: (w, p, s) => invitations.findInvitationByToken(p, w[s].token),
  },
  {
    name: "invitations.acceptInvitationWithSignUp",
    fn: invitations.acceptInvitationWithSignUp,
    reachedBy: ["app/invitations/[token]/actions.ts"],
    target: "none",
    rule: "anyone",
    run: (w, p, s) => invitations.acceptInvitationWithSignUp(p, w[s].token, { fullName: "Ivy Invitee", password: "a-strong-pass-1" }),
  },
  // Accepting while signed in takes the link and being the invited person: the world invites the unrelated user.
  {
    name: "invitations.acceptInvitation",
    fn: invitations.acceptInvitation,
    reachedBy: ["app/invitations/[token]/actions.ts"],
    target: "none",
    rule: "invitee",
    run: (w, p, s) => invitations.acceptInvitation(p, w[s].inviteeToken),
  },
  {
    name: "invitations.listMyInvitations",
    fn: invitations.listMyInvitations,
    reachedBy: ["app/page.tsx"],
    target: "none",
    rule: "self",
    run: (_w, p) => invitations.listMyInvitations(p),
  },
  {
    name: "invitations.acceptMyInvitation",
    fn: invitations.acceptMyInvitation,
    reachedBy: ["app/actions.ts"],
    target: "none",
    rule: "invitee",
    run: async (w, p, s) => {
      // Accepting without the link takes a proven address: the invitee proves theirs first (only they are allowed, so
      // no refused case is measured with this write).
      if (p === w.principals.unrelatedUser && p.kind === "user") await db.update(users).set({ emailVerifiedAt: new Date() }).where(eq(users.id, p.userId));
      return invitations.acceptMyInvitation(p, w[s].inviteeInvitationId);
    },
  },
  // projects
  {
    name: "projects.createProject",
    fn: projects.createProject,
    reachedBy: ["app/[account]/projects/actions.ts"],
    target: "account",
    permission: "CREATE_PROJECTS",
    run: (w, p, s) => projects.createProject(p, w[s].customer, { name: "New Project", identifier: `p-${unique()}` }),
  },
  {
    name: "projects.getQuotaUsage",
    fn: projects.getQuotaUsage,
    reachedBy: ["app/[account]/projects/page.tsx", "app/[account]/admin/customers/[customer]/quota/page.tsx"],
    target: "account",
    permission: "VIEW_QUOTA",
    run: (w, p, s) => projects.getQuotaUsage(p, w[s].customer),
  },
  {
    name: "projects.listProjects",
    fn: projects.listProjects,
    reachedBy: ["app/[account]/projects/page.tsx", "app/[account]/settings/page.tsx"],
    target: "account",
    permission: "VIEW_ACCOUNT",
    run: (w, p, s) => projects.listProjects(p, w[s].customer, { q: "", limit: 20 }),
  },
  {
    name: "projects.listCustomerProjects",
    fn: projects.listCustomerProjects,
    reachedBy: ["app/[account]/admin/customers/[customer]/projects/page.tsx", "app/[account]/admin/customers/[customer]/details/page.tsx"],
    target: "account",
    permission: "VIEW_CUSTOMER",
    viaArea: true,
    run: (w, p, s) => projects.listCustomerProjects(p, w[s].partner, w[s].customer, { q: "", limit: 20 }),
  },
  {
    name: "projects.getProject",
    fn: projects.getProject,
    reachedBy: ["app/[account]/projects/[project]/page.tsx"],
    target: "project",
    permission: "VIEW_PROJECT",
    run: (w, p, s) => projects.getProject(p, w[s].customer, w[s].project),
  },
  {
    name: "projects.setProjectAccess",
    fn: projects.setProjectAccess,
    reachedBy: ["app/[account]/projects/actions.ts"],
    target: "project",
    permission: "MANAGE_PROJECT_ACCESS",
    run: (w, p, s) => projects.setProjectAccess(p, w[s].customer, w[s].projectId, w[s].granteeId, "project_user"),
  },
  {
    name: "projects.renameProject",
    fn: projects.renameProject,
    reachedBy: ["app/[account]/projects/actions.ts"],
    target: "project",
    permission: "MANAGE_PROJECTS",
    run: (w, p, s) => projects.renameProject(p, w[s].customer, w[s].project, { name: "Renamed Project" }),
  },
  {
    name: "projects.deleteProject",
    fn: projects.deleteProject,
    reachedBy: ["app/[account]/projects/actions.ts"],
    target: "project",
    permission: "MANAGE_PROJECTS",
    run: (w, p, s) => projects.deleteProject(p, w[s].customer, w[s].project),
  },
  {
    name: "accounts.createOwnAccount",
    fn: accounts.createOwnAccount,
    reachedBy: ["app/actions.ts"],
    target: "none",
    rule: "self",
    run: (_w, p) => accounts.createOwnAccount(p, { name: "My Own", identifier: `own-${unique()}` }),
  },
  {
    name: "members.leaveAccount",
    fn: members.leaveAccount,
    reachedBy: ["app/[account]/users/actions.ts"],
    target: "account",
    permission: "LEAVE_ACCOUNT",
    rule: "person",
    run: async (w, p, s) => {
      // The world's customer has one admin, who may leave only once someone else is admin too (allowed case only).
      if (p === w.principals.customerAdmin && s === "own")
        await db.execute(
          sql`update memberships set "group" = 'customer_admin' where user_id = ${w.own.victimId} and customer_id = (select id from customers where identifier = ${w.own.customer})`,
        );
      return members.leaveAccount(p, w[s].customer);
    },
  },
  // partners
  {
    name: "partners.listManagedCustomers",
    fn: partners.listManagedCustomers,
    reachedBy: ["bench/partner-customers.bench.ts"],
    target: "partner",
    permission: "VIEW_ADMINISTRATION",
    run: (w, p, s) => partners.listManagedCustomers(p, w[s].partner, { q: "" }),
  },
  {
    name: "partners.countUndeliveredInvitations",
    fn: partners.countUndeliveredInvitations,
    reachedBy: ["app/[account]/page.tsx"],
    target: "partner",
    permission: "VIEW_ADMINISTRATION",
    run: (w, p, s) => partners.countUndeliveredInvitations(p, w[s].partner),
  },
  {
    name: "partners.getPartnerOverview",
    fn: partners.getPartnerOverview,
    reachedBy: ["bench/partner-customers.bench.ts"],
    target: "partner",
    permission: "VIEW_ADMINISTRATION",
    run: (w, p, s) => partners.getPartnerOverview(p, w[s].partner),
  },
  {
    name: "partners.matchingCustomerIdentifiers",
    fn: partners.matchingCustomerIdentifiers,
    reachedBy: ["app/[account]/admin/notices/new/page.tsx"],
    target: "partner",
    permission: "VIEW_ADMINISTRATION",
    run: (w, p, s) => partners.matchingCustomerIdentifiers(p, w[s].partner, { q: "" }),
  },
  {
    name: "partners.getCustomersPage",
    fn: partners.getCustomersPage,
    reachedBy: ["app/[account]/admin/customers/page.tsx"],
    target: "partner",
    permission: "VIEW_ADMINISTRATION",
    run: (w, p, s) => partners.getCustomersPage(p, w[s].partner, { q: "" }),
  },
  {
    name: "partners.createManagedCustomer",
    fn: partners.createManagedCustomer,
    reachedBy: ["app/[account]/admin/customers/actions.ts"],
    target: "partner",
    permission: "CREATE_CUSTOMERS",
    run: (w, p, s) => partners.createManagedCustomer(p, w[s].partner, { name: "Managed", identifier: `m-${unique()}` }),
  },
  {
    name: "partners.getManagedCustomer",
    fn: partners.getManagedCustomer,
    reachedBy: ["app/[account]/admin/admin-context.ts"],
    target: "account",
    permission: "VIEW_CUSTOMER",
    viaArea: true,
    run: (w, p, s) => partners.getManagedCustomer(p, w[s].partner, w[s].customer),
  },
  {
    name: "partners.addMyself",
    fn: partners.addMyself,
    reachedBy: ["app/[account]/admin/customers/[customer]/users/actions.ts"],
    target: "account",
    permission: "ADD_MYSELF",
    rule: "person",
    viaArea: true,
    run: (w, p, s) => partners.addMyself(p, w[s].partner, w[s].customer),
  },
  {
    name: "partners.setCustomerQuota",
    fn: partners.setCustomerQuota,
    reachedBy: ["app/[account]/admin/customers/[customer]/quota/actions.ts", "scripts/admin.ts"],
    target: "account",
    permission: "SET_QUOTA",
    run: (w, p, s) => partners.setCustomerQuota(p, w[s].customer, 7),
  },
  // the hierarchy: sub-customers, where a customer sits, self-managed customers
  {
    name: "partners.listSubCustomers",
    fn: partners.listSubCustomers,
    reachedBy: ["app/[account]/admin/customers/[customer]/sub-customers/page.tsx"],
    target: "account",
    permission: "VIEW_CUSTOMER",
    viaArea: true,
    run: (w, p, s) => partners.listSubCustomers(p, w[s].partner, w[s].customer, { q: "" }),
  },
  {
    name: "partners.getCustomerPath",
    fn: partners.getCustomerPath,
    reachedBy: ["app/[account]/admin/customers/[customer]/sub-customers/page.tsx"],
    target: "account",
    permission: "VIEW_CUSTOMER",
    viaArea: true,
    run: (w, p, s) => partners.getCustomerPath(p, w[s].partner, w[s].customer),
  },
  {
    name: "partners.setSelfManaged",
    fn: partners.setSelfManaged,
    reachedBy: ["app/[account]/admin/customers/[customer]/sub-customers/actions.ts"],
    target: "account",
    permission: "SET_SELF_MANAGED",
    viaArea: true,
    run: (w, p, s) => partners.setSelfManaged(p, w[s].partner, w[s].customer, true),
  },
  {
    name: "partners.setAccountKind",
    fn: partners.setAccountKind,
    reachedBy: ["scripts/admin.ts"],
    target: "installation",
    permission: "CHANGE_ACCOUNT_KIND",
    run: (w, p, s) => partners.setAccountKind(p, w[s].customer, "partner"),
  },
  // customer groups (the partner's own; the customer's side is its Groups tab)
  {
    name: "customer-groups.listCustomerGroups",
    fn: customerGroups.listCustomerGroups,
    reachedBy: ["app/[account]/admin/groups/page.tsx", "app/[account]/admin/group-choices.ts", "app/[account]/admin/groups/options/route.ts"],
    target: "partner",
    permission: "VIEW_ADMINISTRATION",
    run: (w, p, s) => customerGroups.listCustomerGroups(p, w[s].partner),
  },
  {
    name: "customer-groups.getCustomerGroup",
    fn: customerGroups.getCustomerGroup,
    reachedBy: ["app/[account]/admin/customers/page.tsx"],
    target: "partner",
    permission: "VIEW_ADMINISTRATION",
    run: (w, p, s) => customerGroups.getCustomerGroup(p, w[s].partner, w[s].groupId),
  },
  {
    name: "customer-groups.createCustomerGroup",
    fn: customerGroups.createCustomerGroup,
    reachedBy: ["app/[account]/admin/groups/actions.ts"],
    target: "partner",
    permission: "MANAGE_CUSTOMER_GROUPS",
    run: (w, p, s) => customerGroups.createCustomerGroup(p, w[s].partner, { name: `Group ${unique()}` }),
  },
  {
    name: "customer-groups.updateCustomerGroup",
    fn: customerGroups.updateCustomerGroup,
    reachedBy: ["app/[account]/admin/groups/actions.ts"],
    target: "partner",
    permission: "MANAGE_CUSTOMER_GROUPS",
    run: (w, p, s) => customerGroups.updateCustomerGroup(p, w[s].partner, w[s].groupId, { name: `Renamed ${unique()}`, description: "Changed" }),
  },
  {
    name: "customer-groups.deleteCustomerGroup",
    fn: customerGroups.deleteCustomerGroup,
    reachedBy: ["app/[account]/admin/groups/actions.ts"],
    target: "partner",
    permission: "MANAGE_CUSTOMER_GROUPS",
    run: async (w, p, s) => customerGroups.deleteCustomerGroup(p, w[s].partner, w[s].groupId),
  },
  {
    name: "customer-groups.setCustomerGroupMembership",
    fn: customerGroups.setCustomerGroupMembership,
    reachedBy: ["app/[account]/admin/customers/actions.ts"],
    target: "partner",
    permission: "MANAGE_CUSTOMER_GROUPS",
    run: (w, p, s) => customerGroups.setCustomerGroupMembership(p, w[s].partner, { groupId: w[s].groupId, customers: [w[s].customer], member: false }),
  },
  {
    name: "customer-groups.listGroupsOfCustomer",
    fn: customerGroups.listGroupsOfCustomer,
    reachedBy: ["app/[account]/admin/customers/[customer]/groups/page.tsx"],
    target: "account",
    permission: "VIEW_CUSTOMER",
    viaArea: true,
    run: (w, p, s) => customerGroups.listGroupsOfCustomer(p, w[s].partner, w[s].customer),
  },
  // deletions of customers
  {
    name: "deletions.previewCustomerDeletion",
    fn: deletions.previewCustomerDeletion,
    reachedBy: ["app/[account]/admin/deletions/new/page.tsx"],
    target: "partner",
    permission: "DELETE_CUSTOMERS",
    run: (w, p, s) => deletions.previewCustomerDeletion(p, w[s].partner, { customers: [w[s].customer] }),
  },
  {
    name: "deletions.exportDeletionPeopleCsv",
    fn: deletions.exportDeletionPeopleCsv,
    reachedBy: ["app/[account]/admin/deletions/new/people/route.ts"],
    target: "partner",
    permission: "DELETE_CUSTOMERS",
    run: (w, p, s) => deletions.exportDeletionPeopleCsv(p, w[s].partner, { customers: [w[s].customer] }),
  },
  {
    name: "deletions.requestCustomerDeletion",
    fn: deletions.requestCustomerDeletion,
    reachedBy: ["app/[account]/admin/deletions/actions.ts"],
    target: "partner",
    permission: "DELETE_CUSTOMERS",
    run: (w, p, s) => deletions.requestCustomerDeletion(p, w[s].partner, { customers: [w[s].customer] }, { confirmation: w[s].customer }),
  },
  {
    name: "deletions.listCustomerDeletions",
    fn: deletions.listCustomerDeletions,
    reachedBy: ["app/[account]/admin/deletions/page.tsx"],
    target: "partner",
    permission: "VIEW_ADMINISTRATION",
    run: (w, p, s) => deletions.listCustomerDeletions(p, w[s].partner),
  },
  {
    name: "deletions.getCustomerDeletion",
    fn: deletions.getCustomerDeletion,
    reachedBy: ["app/[account]/admin/deletions/[deletion]/page.tsx"],
    target: "partner",
    permission: "VIEW_ADMINISTRATION",
    run: (w, p, s) => deletions.getCustomerDeletion(p, w[s].partner, w[s].deletionId),
  },
  {
    name: "deletions.cancelCustomerDeletion",
    fn: deletions.cancelCustomerDeletion,
    reachedBy: ["app/[account]/admin/deletions/actions.ts"],
    target: "partner",
    permission: "DELETE_CUSTOMERS",
    run: (w, p, s) => deletions.cancelCustomerDeletion(p, w[s].partner, w[s].deletionId),
  },
  {
    name: "deletions.runCustomerDeletionStep",
    fn: deletions.runCustomerDeletionStep,
    reachedBy: ["jobs/deletion.ts"],
    target: "installation",
    permission: "RUN_DELETIONS",
    run: (w, p, s) => deletions.runCustomerDeletionStep(p, w[s].deletionId),
  },
  {
    name: "deletions.listPendingDeletions",
    fn: deletions.listPendingDeletions,
    reachedBy: ["jobs/deletion.ts"],
    target: "installation",
    permission: "RUN_DELETIONS",
    run: (_w, p) => deletions.listPendingDeletions(p, null, 10),
  },
  {
    name: "deletions.requeueDeletion",
    fn: deletions.requeueDeletion,
    reachedBy: ["jobs/deletion.ts"],
    target: "installation",
    permission: "RUN_DELETIONS",
    run: (w, p, s) => deletions.requeueDeletion(p, { id: w[s].deletionId, generation: 0, jobId: "unused", cursor: "", budgetSpent: false }),
  },
  // notices: the worker carries out what a sent notice owes
  {
    name: "notices.runNoticeWork",
    fn: notices.runNoticeWork,
    reachedBy: ["jobs/notices.ts"],
    target: "installation",
    permission: "RUN_NOTICE_WORK",
    run: async (w, p, s) => notices.runNoticeWork(p, { workId: await noticeWorkOf(w[s].noticeId), generation: 0, jobId: `matrix-${unique()}` }, NO_MAIL),
  },
  {
    name: "notices.listPendingNoticeWork",
    fn: notices.listPendingNoticeWork,
    reachedBy: ["jobs/notices.ts"],
    target: "installation",
    permission: "RUN_NOTICE_WORK",
    run: (_w, p) => notices.listPendingNoticeWork(p, null, 10),
  },
  {
    name: "notices.requeueNoticeWork",
    fn: notices.requeueNoticeWork,
    reachedBy: ["jobs/notices.ts"],
    target: "installation",
    permission: "RUN_NOTICE_WORK",
    run: async (w, p, s) =>
      notices.requeueNoticeWork(p, { id: await noticeWorkOf(w[s].noticeId), generation: 0, jobId: "unused", cursor: "", budgetSpent: false }, "matrix"),
  },
  {
    name: "notices.giveUpNoticeWork",
    fn: notices.giveUpNoticeWork,
    reachedBy: ["jobs/notices.ts"],
    target: "installation",
    permission: "RUN_NOTICE_WORK",
    run: async (w, p, s) =>
      notices.giveUpNoticeWork(p, { id: await noticeWorkOf(w[s].noticeId), generation: 0, jobId: "unused", cursor: "", budgetSpent: false }, "matrix"),
  },
  // notices: the partner sends and follows them; the customers' users receive and acknowledge them
  {
    name: "notices.previewNotice",
    fn: notices.previewNotice,
    reachedBy: ["app/[account]/admin/notices/new/actions.ts"],
    target: "partner",
    permission: "SEND_NOTICES",
    run: (w, p, s) =>
      notices.previewNotice(p, w[s].partner, { title: "Hello", body: "Read me", mode: "all_must_read", to: "customers", customers: [w[s].customer] }),
  },
  {
    name: "notices.sendNotice",
    fn: notices.sendNotice,
    reachedBy: ["app/[account]/admin/notices/new/actions.ts"],
    target: "partner",
    permission: "SEND_NOTICES",
    run: (w, p, s) =>
      notices.sendNotice(p, w[s].partner, { title: "Hello", body: "Read me", mode: "single_read_only", to: "customers", customers: [w[s].customer] }),
  },
  {
    name: "notices.editNotice",
    fn: notices.editNotice,
    reachedBy: ["app/[account]/admin/notices/[notice]/actions.ts"],
    target: "partner",
    permission: "SEND_NOTICES",
    run: (w, p, s) => notices.editNotice(p, w[s].partner, w[s].noticeId, { title: "Corrected", body: "Read me", reissue: true }),
  },
  {
    name: "notices.withdrawNotice",
    fn: notices.withdrawNotice,
    reachedBy: ["app/[account]/admin/notices/[notice]/actions.ts"],
    target: "partner",
    permission: "SEND_NOTICES",
    run: (w, p, s) => notices.withdrawNotice(p, w[s].partner, w[s].noticeId),
  },
  {
    name: "notices.remindNotice",
    fn: notices.remindNotice,
    reachedBy: ["app/[account]/admin/notices/[notice]/actions.ts"],
    target: "partner",
    permission: "SEND_NOTICES",
    run: (w, p, s) => notices.remindNotice(p, w[s].partner, w[s].noticeId),
  },
  {
    name: "notices.listNotices",
    fn: notices.listNotices,
    reachedBy: ["app/[account]/admin/notices/page.tsx"],
    target: "partner",
    permission: "VIEW_NOTICE_TRACKING",
    run: (w, p, s) => notices.listNotices(p, w[s].partner),
  },
  {
    name: "notices.getNoticeTracking",
    fn: notices.getNoticeTracking,
    reachedBy: ["app/[account]/admin/notices/[notice]/page.tsx"],
    target: "partner",
    permission: "VIEW_NOTICE_TRACKING",
    run: (w, p, s) => notices.getNoticeTracking(p, w[s].partner, w[s].noticeId),
  },
  {
    name: "notices.exportNoticeTracking",
    fn: notices.exportNoticeTracking,
    // Page by page, for the CSV download (each page authorized again).
    reachedBy: ["lib/notices/tracking.ts"],
    target: "partner",
    permission: "VIEW_NOTICE_TRACKING",
    run: (w, p, s) => notices.exportNoticeTracking(p, w[s].partner, w[s].noticeId),
  },
  {
    name: "notices.exportNoticeTrackingCsv",
    fn: notices.exportNoticeTrackingCsv,
    reachedBy: ["app/[account]/admin/notices/[notice]/export/route.ts"],
    target: "partner",
    permission: "VIEW_NOTICE_TRACKING",
    run: (w, p, s) => notices.exportNoticeTrackingCsv(p, w[s].partner, w[s].noticeId),
  },
  {
    name: "notices.listOpenNotices",
    fn: notices.listOpenNotices,
    reachedBy: ["app/[account]/layout.tsx"],
    target: "account",
    permission: "RECEIVE_NOTICES",
    rule: "person",
    run: (w, p, s) => notices.listOpenNotices(p, w[s].customer),
  },
  {
    name: "notices.listMyNotices",
    fn: notices.listMyNotices,
    reachedBy: ["app/[account]/notices/page.tsx"],
    target: "account",
    permission: "RECEIVE_NOTICES",
    rule: "person",
    run: (w, p, s) => notices.listMyNotices(p, w[s].customer),
  },
  {
    name: "notices.acknowledgeNotice",
    fn: notices.acknowledgeNotice,
    reachedBy: ["app/[account]/notices/actions.ts"],
    target: "account",
    permission: "RECEIVE_NOTICES",
    rule: "person",
    run: (w, p, s) => notices.acknowledgeNotice(p, w[s].customer, w[s].noticeId),
  },
  {
    name: "notices.getNoticeEventScope",
    fn: notices.getNoticeEventScope,
    reachedBy: ["app/[account]/notices/events/route.ts"],
    target: "account",
    permission: "VIEW_ACCOUNT",
    run: (w, p, s) => notices.getNoticeEventScope(p, w[s].customer),
  },
  // operators
  {
    name: "operators.setOperator",
    fn: operators.setOperator,
    reachedBy: ["scripts/admin.ts"],
    target: "installation",
    permission: "MANAGE_OPERATORS",
    run: (w, p, s) => operators.setOperator(p, w[s].granteeEmail, true),
  },
  {
    name: "operators.syncConfiguredOperators",
    fn: operators.syncConfiguredOperators,
    reachedBy: ["scripts/admin.ts", "jobs/worker.ts"],
    target: "installation",
    permission: "MANAGE_OPERATORS",
    run: async (w, p) => {
      // With one configured address that has signed up, so an allowed run changes something.
      process.env.OPERATOR_EMAILS = w.configuredOperatorEmail;
      try {
        return await operators.syncConfiguredOperators(p);
      } finally {
        delete process.env.OPERATOR_EMAILS;
      }
    },
  },
  {
    name: "operators.listAllAccounts",
    fn: operators.listAllAccounts,
    reachedBy: ["app/operator/page.tsx"],
    target: "installation",
    permission: "VIEW_ALL_ACCOUNTS",
    run: (_w, p) => operators.listAllAccounts(p, { q: "" }),
  },
  {
    name: "operators.getOperatorArea",
    fn: operators.getOperatorArea,
    reachedBy: ["app/operator/operator-context.ts"],
    target: "installation",
    permission: "VIEW_ALL_ACCOUNTS",
    run: (_w, p) => operators.getOperatorArea(p),
  },
  {
    name: "operators.listOperators",
    fn: operators.listOperators,
    reachedBy: ["app/operator/operators/page.tsx"],
    target: "installation",
    permission: "MANAGE_OPERATORS",
    run: (_w, p) => operators.listOperators(p),
  },
  {
    name: "operators.hasOperator",
    fn: operators.hasOperator,
    reachedBy: ["scripts/start.ts"],
    target: "installation",
    permission: "MANAGE_OPERATORS",
    run: (_w, p) => operators.hasOperator(p),
  },
  // audit
  {
    name: "audit.listAuditEvents",
    fn: audit.listAuditEvents,
    reachedBy: ["app/[account]/activity/page.tsx", "app/[account]/admin/customers/[customer]/activity/page.tsx"],
    target: "account",
    permission: "VIEW_ACTIVITY",
    run: (w, p, s) => audit.listAuditEvents(p, w[s].customer),
  },
  // The dev mailbox: operators only, its messages carry live links.
  {
    name: "mailbox.listMailbox",
    fn: mailbox.listMailbox,
    reachedBy: ["app/operator/mailbox/page.tsx"],
    target: "installation",
    permission: "READ_DEV_MAILBOX",
    run: (_w, p) => mailbox.listMailbox(p),
  },
  {
    name: "mailbox.getMailboxMessage",
    fn: mailbox.getMailboxMessage,
    reachedBy: ["app/operator/mailbox/[id]/page.tsx"],
    target: "installation",
    permission: "READ_DEV_MAILBOX",
    run: (w, p, s) => mailbox.getMailboxMessage(p, w[s].emailId),
  },
  // The machinery (operators' dashboard): queue counts, failed jobs and their retry, undelivered e-mails and theirs.
  {
    name: "queues.getQueueOverview",
    fn: queues.getQueueOverview,
    reachedBy: ["app/operator/queues/page.tsx"],
    target: "installation",
    permission: "VIEW_QUEUES",
    run: (_w, p) => queues.getQueueOverview(p),
  },
  {
    name: "queues.listFailedJobs",
    fn: queues.listFailedJobs,
    reachedBy: ["app/operator/queues/[queue]/page.tsx"],
    target: "installation",
    permission: "VIEW_QUEUES",
    run: (_w, p) => queues.listFailedJobs(p, "email", { page: 1 }),
  },
  {
    name: "queues.retryFailedJob",
    fn: queues.retryFailedJob,
    reachedBy: ["app/operator/queues/actions.ts"],
    target: "installation",
    permission: "RETRY_JOBS",
    run: async (_w, p) => queues.retryFailedJob(p, "email", await failedJob()),
  },
  {
    name: "queues.listUndeliveredEmails",
    fn: queues.listUndeliveredEmails,
    reachedBy: ["app/operator/emails/page.tsx"],
    target: "installation",
    permission: "VIEW_QUEUES",
    run: (_w, p) => queues.listUndeliveredEmails(p),
  },
  // The world's e-mail is queued just now: with no waiting period it counts as stuck, so it can be retried.
  {
    name: "queues.retryEmail",
    fn: queues.retryEmail,
    reachedBy: ["app/operator/emails/actions.ts"],
    target: "installation",
    permission: "RETRY_JOBS",
    run: (w, p, s) => queues.retryEmail(p, w[s].emailId, { stuckAfterMinutes: 0 }),
  },
  // Readiness: anyone may ask whether the database and the queue answer; it reveals nothing else.
  {
    name: "queues.checkReadiness",
    fn: queues.checkReadiness,
    reachedBy: ["app/api/readyz/route.ts"],
    target: "none",
    rule: "anyone",
    run: (_w, p) => queues.checkReadiness(p),
  },
  // profile: the signed-in person's own sign-in ("self"); a reset or verification link is the permission to look at it.
  {
    name: "profile.getProfile",
    fn: profile.getProfile,
    reachedBy: ["app/profile/page.tsx"],
    target: "none",
    rule: "self",
    run: (_w, p) => profile.getProfile(p),
  },
  {
    name: "profile.setNoticePanelFolded",
    fn: profile.setNoticePanelFolded,
    reachedBy: ["app/[account]/shell-actions.ts"],
    target: "none",
    rule: "self",
    run: (_w, p) => profile.setNoticePanelFolded(p, true),
  },
  {
    name: "profile.dismissOperatorWelcome",
    fn: profile.dismissOperatorWelcome,
    reachedBy: ["app/[account]/shell-actions.ts"],
    target: "none",
    rule: "self",
    run: (_w, p) => profile.dismissOperatorWelcome(p),
  },
  {
    name: "profile.updateName",
    fn: profile.updateName,
    reachedBy: ["app/profile/actions.ts"],
    target: "none",
    rule: "self",
    run: (_w, p) => profile.updateName(p, { name: "Renamed Person" }),
  },
  {
    name: "profile.changePassword",
    fn: profile.changePassword,
    reachedBy: ["app/profile/actions.ts"],
    target: "none",
    rule: "self",
    run: async (_w, p) => {
      await givePassword(p);
      return profile.changePassword(p, { currentPassword: MATRIX_PASSWORD, newPassword: "another-pass-2" });
    },
  },
  {
    name: "profile.signOutEverywhere",
    fn: profile.signOutEverywhere,
    reachedBy: ["app/profile/actions.ts"],
    target: "none",
    rule: "self",
    run: async (_w, p) => profile.signOutEverywhere(await withSession(p)),
  },
  {
    name: "profile.listSessions",
    fn: profile.listSessions,
    reachedBy: ["app/profile/page.tsx"],
    target: "none",
    rule: "self",
    run: async (_w, p) => {
      const list = await profile.listSessions(await withSession(p));
      if (p.kind === "user" && list.sessions.filter((s) => s.current).length !== 1) throw new Error("the principal's own session is not listed");
      return list;
    },
  },
  {
    name: "profile.endSession",
    fn: profile.endSession,
    reachedBy: ["app/profile/actions.ts"],
    target: "none",
    rule: "self",
    // Someone else's session is not found (tests/integration/profile.test.ts): here each ends one of their own.
    run: async (_w, p) => profile.endSession(p, (await withSession(p)).sessionId ?? "0".repeat(64)),
  },
  {
    name: "profile.resendVerification",
    fn: profile.resendVerification,
    reachedBy: ["app/profile/actions.ts"],
    target: "none",
    rule: "self",
    run: (_w, p) => profile.resendVerification(p),
  },
  {
    name: "profile.requestEmailChange",
    fn: profile.requestEmailChange,
    reachedBy: ["app/profile/actions.ts"],
    target: "none",
    rule: "self",
    run: async (_w, p) => {
      await givePassword(p);
      return profile.requestEmailChange(p, { email: `${unique()}@matrix.test`, currentPassword: MATRIX_PASSWORD });
    },
  },
  // Confirming takes the link and being the person it was sent for.
  {
    name: "profile.confirmEmail",
    fn: profile.confirmEmail,
    reachedBy: ["app/verify-email/[token]/actions.ts"],
    target: "none",
    rule: "self",
    // On the own side a link for the acting person; on the foreign side the victim's link, someone else's to confirm.
    run: async (w, p, s) =>
      profile.confirmEmail(p, s === "own" && p.kind === "user" ? await verificationLink(p.userId, p.email) : w[s].victimVerificationToken),
  },
  {
    name: "profile.findEmailVerification",
    fn: profile.findEmailVerification,
    reachedBy: ["app/verify-email/[token]/page.tsx"],
    target: "none",
    rule: "anyone",
    run: async (w, p, s) => profile.findEmailVerification(p, await verificationLink(w[s].victimId, `${unique()}@matrix.test`)),
  },
  {
    name: "profile.requestPasswordReset",
    fn: profile.requestPasswordReset,
    reachedBy: ["app/(auth)/forgot-password/actions.ts"],
    target: "none",
    rule: "anyone",
    run: (w, p, s) => profile.requestPasswordReset(p, { email: w[s].granteeEmail }),
  },
  {
    name: "profile.findPasswordReset",
    fn: profile.findPasswordReset,
    reachedBy: ["app/(auth)/reset-password/[token]/page.tsx"],
    target: "none",
    rule: "anyone",
    run: async (w, p, s) => profile.findPasswordReset(p, await resetLink(w[s].victimId)),
  },
  {
    name: "profile.resetPassword",
    fn: profile.resetPassword,
    reachedBy: ["app/(auth)/reset-password/[token]/actions.ts"],
    target: "none",
    rule: "anyone",
    run: async (w, p, s) => profile.resetPassword(p, await resetLink(w[s].victimId), { password: "a-new-pass-3" }),
  },
];
