// A small installation for the authorization matrix, written in one round trip: a partner P managing customer C (which
// sits under P's self-managed customer S), another partner P2 managing C2, an unrelated account X, the people in them,
// and one principal of every kind.
import { randomUUID } from "node:crypto";
import { rawSql } from "@/db/client";
import type { MemberGroup, ProjectRole } from "@/db/schema";
import { hashToken } from "@/lib/core";
import { ANONYMOUS, systemPrincipal, userPrincipal, type Permission, type Principal } from "@/lib/authz";

/**
 * Which targets a case acts on. "own" is the partner P and its customer C (below P's self-managed customer S), "foreign"
 * the partner P2 and its customer C2. An operation that opens a customer through an Administration area also runs on
 * the crossed pairs, area / customer: each principal's own area with a foreign customer, and the reverse.
 */
export const SIDES = ["own", "foreign"] as const;
export const AREA_SIDES = ["P/C2", "P2/C", "S/C", "S/C2"] as const;
export type Side = (typeof SIDES)[number] | (typeof AREA_SIDES)[number];

export const PRINCIPALS = [
  "anonymous",
  "unrelatedUser",
  "customerAdmin",
  "customerEmployee",
  "customerReader",
  "projectAdmin",
  "projectReader",
  "partnerAdmin",
  "partnerEmployee",
  "otherPartnerAdmin",
  "selfManagedAdmin",
  "operator",
  "system",
  "apiKey",
] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

type AccountKey = "X" | "P" | "S" | "C" | "P2" | "C2";

/** Who belongs where, in which group: the fixture (the matrix's table of expected outcomes is written against it). */
const MEMBERSHIPS: Partial<Record<PrincipalName, Partial<Record<AccountKey, MemberGroup>>>> = {
  unrelatedUser: { X: "customer_admin" },
  customerAdmin: { C: "customer_admin" },
  customerEmployee: { C: "customer_employee" },
  customerReader: { C: "customer_reader" },
  projectAdmin: { C: "customer_employee" },
  projectReader: { C: "customer_employee" },
  partnerAdmin: { P: "partner_admin" },
  partnerEmployee: { P: "partner_employee" },
  otherPartnerAdmin: { P2: "partner_admin" },
  // A Customer Admin of the self-managed customer above C: manages C as the partner's admins do, bar quotas and self-management.
  selfManagedAdmin: { S: "customer_admin" },
};
// The Customer Reader holds a Project Admin role, which must not let it change anything.
const PROJECT_ROLES: Partial<Record<PrincipalName, ProjectRole>> = {
  projectAdmin: "project_admin",
  projectReader: "project_reader",
  customerReader: "project_admin",
};
/** The API key belongs to customer C and may read its members and invite people; nothing elsewhere. */
const KEY_ACCOUNT: AccountKey = "C";
const KEY_SCOPES: Permission[] = ["VIEW_ACCOUNT", "VIEW_MEMBERS", "MANAGE_USERS"];

type SideData = {
  customer: string;
  partner: string;
  project: string;
  projectId: string;
  victimId: string;
  granteeId: string;
  granteeEmail: string;
  invitationId: string;
  token: string;
  inviteeToken: string;
  /** The invitation of the unrelated user (whose link is inviteeToken). */
  inviteeInvitationId: string;
  emailId: string;
  /** A customer group of the partner, holding the customer. */
  groupId: string;
  /** A pending deletion requested in the partner's Administration (of no customer: it marks nothing). */
  deletionId: string;
  /** A shown All must read notice from the partner to the customer's users. */
  noticeId: string;
  /** The ids of the customer and the partner. */
  customerId: string;
  partnerId: string;
  /** A link confirming a new address for the victim (someone else's, for whoever acts). */
  victimVerificationToken: string;
};

export type World = Record<Side, SideData> & {
  /** In every identifier and address of this world: `c-<tag>`, `victim-<tag>@matrix.test`. */
  tag: string;
  principals: Record<PrincipalName, Principal>;
  configuredOperatorEmail: string;
};

const q = (v: string) => `'${v.replace(/'/g, "''")}'`;

export async function createWorld(): Promise<World> {
  const tag = randomUUID().slice(0, 8);
  const id = () => randomUUID();
  const acc: Record<AccountKey, { id: string; identifier: string; kind: "customer" | "partner"; parent: AccountKey | null; selfManaged?: boolean }> = {
    X: { id: id(), identifier: `x-${tag}`, kind: "customer", parent: null },
    P: { id: id(), identifier: `p-${tag}`, kind: "partner", parent: null },
    S: { id: id(), identifier: `s-${tag}`, kind: "customer", parent: "P", selfManaged: true },
    C: { id: id(), identifier: `c-${tag}`, kind: "customer", parent: "S" },
    P2: { id: id(), identifier: `pp-${tag}`, kind: "partner", parent: null },
    C2: { id: id(), identifier: `cc-${tag}`, kind: "customer", parent: "P2" },
  };
  const people = [
    ...PRINCIPALS.filter((p) => p !== "anonymous" && p !== "system" && p !== "apiKey"),
    "c2Admin",
    "victim",
    "grantee",
    "victim2",
    "grantee2",
    "configured",
  ];
  const users = Object.fromEntries(people.map((name) => [name, { id: id(), email: `${name.toLowerCase()}-${tag}@matrix.test`, name }])) as Record<
    string,
    { id: string; email: string; name: string }
  >;
  const extraMembers: [string, AccountKey, MemberGroup][] = [
    ["c2Admin", "C2", "customer_admin"],
    ["victim", "C", "customer_employee"],
    ["grantee", "C", "customer_employee"],
    ["victim2", "C2", "customer_employee"],
    ["grantee2", "C2", "customer_employee"],
  ];
  const memberRows: [string, AccountKey, MemberGroup][] = [
    ...Object.entries(MEMBERSHIPS).flatMap(([who, groups]) =>
      Object.entries(groups!).map(([k, g]) => [who, k as AccountKey, g] as [string, AccountKey, MemberGroup]),
    ),
    ...extraMembers,
  ];
  const proj = { own: { id: id(), identifier: `proj-${tag}` }, foreign: { id: id(), identifier: `proj2-${tag}` } };
  const tokens = { own: [randomUUID() + "a", randomUUID() + "b"], foreign: [randomUUID() + "c", randomUUID() + "d"] };
  const inv = { own: [id(), id()], foreign: [id(), id()] };
  const mail = { own: id(), foreign: id() };
  const group = { own: id(), foreign: id() };
  const deletion = { own: id(), foreign: id() };
  const notice = { own: id(), foreign: id() };
  const verification = { own: randomUUID() + "v", foreign: randomUUID() + "w" };

  const statements = [
    // Parents first: each row's trigger reads its parent's path.
    `insert into customers (id, identifier, name, kind, parent_id, self_managed) values ${(["X", "P", "S", "C", "P2", "C2"] as AccountKey[])
      .map(
        (k) =>
          `(${q(acc[k].id)}, ${q(acc[k].identifier)}, ${q(`Account ${k}`)}, ${q(acc[k].kind)}, ${acc[k].parent ? q(acc[acc[k].parent!].id) : "null"}, ${acc[k].selfManaged === true})`,
      )
      .join(", ")}`,
    // The configured operator's address is verified: OPERATOR_EMAILS grants only proven addresses.
    `insert into users (id, email, name, is_operator, email_verified_at) values ${Object.entries(users)
      .map(([who, u]) => `(${q(u.id)}, ${q(u.email)}, ${q(u.name)}, ${who === "operator"}, ${who === "configured" ? "now()" : "null"})`)
      .join(", ")}`,
    `insert into memberships (user_id, customer_id, "group") values ${memberRows.map(([who, k, g]) => `(${q(users[who].id)}, ${q(acc[k].id)}, ${q(g)})`).join(", ")}`,
    `insert into projects (id, customer_id, identifier, name) values (${q(proj.own.id)}, ${q(acc.C.id)}, ${q(proj.own.identifier)}, 'Own project'), (${q(proj.foreign.id)}, ${q(acc.C2.id)}, ${q(proj.foreign.identifier)}, 'Foreign project')`,
    `insert into project_access (project_id, user_id, role) values ${[
      ...Object.entries(PROJECT_ROLES).map(([who, role]) => [proj.own.id, users[who].id, role]),
      [proj.own.id, users.customerAdmin.id, "project_admin"],
      [proj.foreign.id, users.c2Admin.id, "project_admin"],
    ]
      .map(([p, u, r]) => `(${q(p!)}, ${q(u!)}, ${q(r!)})`)
      .join(", ")}`,
    `insert into invitations (id, customer_id, email, full_name, "group", token_hash, expires_at) values ${SIDES.flatMap((s) => {
      const customer = acc[s === "own" ? "C" : "C2"].id;
      return [
        `(${q(inv[s][0])}, ${q(customer)}, ${q(`new-${s}-${tag}@matrix.test`)}, 'New Person', 'customer_employee', ${q(hashToken(tokens[s][0]))}, now() + interval '1 day')`,
        `(${q(inv[s][1])}, ${q(customer)}, ${q(users.unrelatedUser.email)}, 'Unrelated User', 'customer_employee', ${q(hashToken(tokens[s][1]))}, now() + interval '1 day')`,
      ];
    }).join(", ")}`,
    `insert into outbound_emails (id, template, props, "to", customer_id) values ${SIDES.map(
      (s) => `(${q(mail[s])}, 'welcome', '{}', ${q(`mail-${s}-${tag}@matrix.test`)}, ${q(acc[s === "own" ? "C" : "C2"].id)})`,
    ).join(", ")}`,
    `insert into customer_groups (id, partner_id, name) values (${q(group.own)}, ${q(acc.P.id)}, 'Own group'), (${q(group.foreign)}, ${q(acc.P2.id)}, 'Foreign group')`,
    `insert into customer_group_members (group_id, customer_id) values (${q(group.own)}, ${q(acc.C.id)}), (${q(group.foreign)}, ${q(acc.C2.id)})`,
    `insert into customer_deletions (id, manager_id, requested_by_label, label, undo_until, customers_total, users_total, impact, customer_list) values ${SIDES.map(
      (s) => `(${q(deletion[s])}, ${q(acc[s === "own" ? "P" : "P2"].id)}, 'Matrix', 'Nothing', now() + interval '1 hour', 0, 0, '{}', '[]')`,
    ).join(", ")}`,
    `insert into notices (id, partner_id, title, body_md, mode, addressed, sender_name, targets_count, starts_at) values ${SIDES.map(
      (s) =>
        `(${q(notice[s])}, ${q(acc[s === "own" ? "P" : "P2"].id)}, 'Notice', 'Please read.', 'all_must_read', '{"kind":"customers","names":[],"descendants":false}', 'Sender', 1, now() - interval '1 minute')`,
    ).join(", ")}`,
    `insert into notice_targets (notice_id, customer_id, live_from) values ${SIDES.map(
      (s) => `(${q(notice[s])}, ${q(acc[s === "own" ? "C" : "C2"].id)}, now() - interval '1 minute')`,
    ).join(", ")}`,
    `insert into email_verifications (user_id, email, token_hash, expires_at) values ${(["own", "foreign"] as const)
      .map(
        (s) =>
          `(${q(users[s === "own" ? "victim" : "victim2"].id)}, ${q(`new-${s}-${tag}@verify.test`)}, ${q(hashToken(verification[s]))}, now() + interval '1 hour')`,
      )
      .join(", ")}`,
    // What the send would have recorded for the worker: the publish (no e-mail copies).
    `insert into notice_work (notice_id, kind, revision, run, not_before) values ${SIDES.map(
      (s) => `(${q(notice[s])}, 'publish', 1, 'copy-r1', now() - interval '1 minute')`,
    ).join(", ")}`,
  ];
  await rawSql().unsafe(statements.join(";\n"));

  const side = (s: "own" | "foreign"): SideData => {
    const own = s === "own";
    return {
      customer: acc[own ? "C" : "C2"].identifier,
      partner: acc[own ? "P" : "P2"].identifier,
      project: proj[s].identifier,
      projectId: proj[s].id,
      victimId: users[own ? "victim" : "victim2"].id,
      granteeId: users[own ? "grantee" : "grantee2"].id,
      granteeEmail: users[own ? "grantee" : "grantee2"].email,
      invitationId: inv[s][0],
      token: tokens[s][0],
      inviteeToken: tokens[s][1],
      inviteeInvitationId: inv[s][1],
      emailId: mail[s],
      groupId: group[s],
      deletionId: deletion[s],
      noticeId: notice[s],
      customerId: acc[own ? "C" : "C2"].id,
      partnerId: acc[own ? "P" : "P2"].id,
      victimVerificationToken: verification[s],
    };
  };
  /** A customer of one side, opened from the Administration area of an account named by its key. */
  const crossed = (area: AccountKey, child: "own" | "foreign"): SideData => ({ ...side(child), partner: acc[area].identifier });
  const principals = Object.fromEntries(
    PRINCIPALS.map((name) => [
      name,
      name === "anonymous"
        ? ANONYMOUS
        : name === "system"
          ? systemPrincipal("test")
          : name === "apiKey"
            ? { kind: "api_key", keyId: `key-${tag}`, customerId: acc[KEY_ACCOUNT].id, scopes: KEY_SCOPES }
            : userPrincipal({ ...users[name], isOperator: name === "operator" }),
    ]),
  ) as Record<PrincipalName, Principal>;
  return {
    tag,
    own: side("own"),
    foreign: side("foreign"),
    "P/C2": crossed("P", "foreign"),
    "P2/C": crossed("P2", "own"),
    "S/C": crossed("S", "own"),
    "S/C2": crossed("S", "foreign"),
    principals,
    configuredOperatorEmail: users.configured.email,
  };
}
