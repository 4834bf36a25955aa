// The rules, as data. Each table says what one kind of relation to an account grants; a principal's permissions on an
// account are the union over its relations. Code asks `grantsFor(relation)` — never a group name — so a new group, role
// or key scope is one line here.
import type { Customer, MemberGroup, ProjectRole } from "@/db/schema";

// The groups and roles the tables speak of, for pages that show them (app/ doesn't import db/).
export type { MemberGroup, ProjectRole };

export const PERMISSIONS = [
  // inside an account
  "VIEW_ACCOUNT",
  "VIEW_MEMBERS",
  "VIEW_INVITATIONS",
  "VIEW_QUOTA",
  "EDIT_SETTINGS",
  "MANAGE_USERS",
  "VIEW_ACTIVITY",
  // leaving the account of one's own accord (never as its last admin: the members module refuses that)
  "LEAVE_ACCOUNT",
  "CREATE_PROJECTS",
  // renaming and deleting an account's projects
  "MANAGE_PROJECTS",
  // on a project: granted account-wide by a group, or for one project by a project role
  "VIEW_PROJECT",
  "USE_PROJECT",
  "MANAGE_PROJECT_ACCESS",
  // a partner account's Administration area
  "VIEW_ADMINISTRATION",
  "CREATE_CUSTOMERS",
  // on a customer, granted to the members of the partner that manages it
  "VIEW_CUSTOMER",
  "ADD_MYSELF",
  "SET_QUOTA",
  "EDIT_CUSTOMER",
  "CREATE_SUB_CUSTOMERS",
  "SET_SELF_MANAGED",
  // a partner account's own customer groups
  "MANAGE_CUSTOMER_GROUPS",
  // deleting customers of an Administration area (and undoing it while it can be undone)
  "DELETE_CUSTOMERS",
  // notices: a partner sends them to its customers' users and follows who acknowledged; those users receive them
  "SEND_NOTICES",
  "VIEW_NOTICE_TRACKING",
  "RECEIVE_NOTICES",
  // installation-wide
  "VIEW_ALL_ACCOUNTS",
  "CHANGE_ACCOUNT_KIND",
  "MANAGE_OPERATORS",
  "READ_DEV_MAILBOX",
  // the machinery: job queues and e-mail delivery (operators' dashboard)
  "VIEW_QUEUES",
  "RETRY_JOBS",
  // the worker carrying out deletions and what notices owe
  "RUN_DELETIONS",
  "RUN_NOTICE_WORK",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const CUSTOMER_ADMIN: Permission[] = [
  "VIEW_ACCOUNT",
  "VIEW_MEMBERS",
  "VIEW_INVITATIONS",
  "VIEW_QUOTA",
  "EDIT_SETTINGS",
  "EDIT_CUSTOMER",
  "MANAGE_USERS",
  "VIEW_ACTIVITY",
  "CREATE_PROJECTS",
  "MANAGE_PROJECTS",
  "VIEW_PROJECT",
  "USE_PROJECT",
  "MANAGE_PROJECT_ACCESS",
];

/** What each group may do in its own account. */
export const MEMBER_GROUP_PERMISSIONS: Record<MemberGroup, readonly Permission[]> = {
  customer_admin: [...CUSTOMER_ADMIN, "RECEIVE_NOTICES", "LEAVE_ACCOUNT"],
  customer_employee: ["VIEW_ACCOUNT", "VIEW_MEMBERS", "VIEW_QUOTA", "RECEIVE_NOTICES", "LEAVE_ACCOUNT"],
  customer_reader: ["VIEW_ACCOUNT", "VIEW_MEMBERS", "VIEW_QUOTA", "RECEIVE_NOTICES", "LEAVE_ACCOUNT"],
  // A partner account can itself sit below another partner, whose notices then reach its people too.
  partner_admin: [
    ...CUSTOMER_ADMIN,
    "RECEIVE_NOTICES",
    "LEAVE_ACCOUNT",
    "VIEW_ADMINISTRATION",
    "CREATE_CUSTOMERS",
    "MANAGE_CUSTOMER_GROUPS",
    "DELETE_CUSTOMERS",
    "SEND_NOTICES",
    "VIEW_NOTICE_TRACKING",
  ],
  partner_employee: ["VIEW_ACCOUNT", "VIEW_MEMBERS", "VIEW_QUOTA", "RECEIVE_NOTICES", "LEAVE_ACCOUNT", "VIEW_ADMINISTRATION", "VIEW_NOTICE_TRACKING"],
};

/**
 * What a partner's groups may do to the customers the partner manages. Working *inside* a customer (its projects, its
 * settings) takes a membership there, which Add Myself gives.
 */
/** What managing a customer from outside it grants (a partner's admins, a self-managed ancestor's admins). */
const MANAGE_CUSTOMER: Permission[] = [
  "VIEW_CUSTOMER",
  "VIEW_MEMBERS",
  "VIEW_INVITATIONS",
  "VIEW_QUOTA",
  "VIEW_ACTIVITY",
  "ADD_MYSELF",
  "EDIT_CUSTOMER",
  "MANAGE_USERS",
  "CREATE_SUB_CUSTOMERS",
];

export const MANAGING_PARTNER_PERMISSIONS: Partial<Record<MemberGroup, readonly Permission[]>> = {
  partner_admin: [...MANAGE_CUSTOMER, "SET_QUOTA", "SET_SELF_MANAGED"],
  partner_employee: ["VIEW_CUSTOMER", "VIEW_MEMBERS", "VIEW_INVITATIONS", "VIEW_QUOTA", "VIEW_ACTIVITY"],
};

/**
 * ThingsBoard PE's self-managed customer: its Customer Admins manage its sub-customers (all the way down) as the
 * partner's admins do, except for what the partner keeps: quotas and who is self-managed.
 */
export const SELF_MANAGED_ANCESTOR_PERMISSIONS: Partial<Record<MemberGroup, readonly Permission[]>> = {
  customer_admin: MANAGE_CUSTOMER,
};

/** What a self-managed customer's own groups gain in it: an Administration area over its sub-customers. */
export const SELF_MANAGED_ACCOUNT_PERMISSIONS: Partial<Record<MemberGroup, readonly Permission[]>> = {
  customer_admin: ["VIEW_ADMINISTRATION", "CREATE_CUSTOMERS", "CREATE_SUB_CUSTOMERS", "DELETE_CUSTOMERS"],
};

/** What a project role allows on its one project. */
export const PROJECT_ROLE_PERMISSIONS: Record<ProjectRole, readonly Permission[]> = {
  project_admin: ["VIEW_PROJECT", "USE_PROJECT", "MANAGE_PROJECT_ACCESS"],
  project_user: ["VIEW_PROJECT", "USE_PROJECT"],
  project_reader: ["VIEW_PROJECT"],
};

/** Operators of the installation, on any account. */
export const OPERATOR_PERMISSIONS: readonly Permission[] = [
  "VIEW_ALL_ACCOUNTS",
  "SET_QUOTA",
  "CHANGE_ACCOUNT_KIND",
  "MANAGE_OPERATORS",
  "READ_DEV_MAILBOX",
  "VIEW_QUEUES",
  "RETRY_JOBS",
];

/** The installation itself (worker, admin CLI) may do everything; it is who runs the server. */
export const SYSTEM_PERMISSIONS: readonly Permission[] = PERMISSIONS;

/** The groups that exist in each kind of account; a membership in another group grants nothing. */
export const GROUPS_BY_KIND: Record<Customer["kind"], readonly MemberGroup[]> = {
  customer: ["customer_admin", "customer_employee", "customer_reader"],
  partner: ["partner_admin", "partner_employee"],
};

/** The groups offered when inviting or regrouping (Customer Reader arrives with its page explanations). */
export const OFFERED_GROUPS: Record<Customer["kind"], readonly MemberGroup[]> = {
  customer: ["customer_admin", "customer_employee", "customer_reader"],
  partner: ["partner_admin", "partner_employee"],
};

/** What any relation may grant at most to a member of these groups, whatever else it holds (a project role, say). */
// Acknowledging a notice is reading it: a reader receives notices like everyone else; and a reader may leave.
const READ_ONLY: readonly Permission[] = ["VIEW_ACCOUNT", "VIEW_MEMBERS", "VIEW_QUOTA", "VIEW_PROJECT", "RECEIVE_NOTICES", "LEAVE_ACCOUNT"];
export const MEMBER_GROUP_CEILING: Partial<Record<MemberGroup, readonly Permission[]>> = {
  // ThingsBoard CE's read-only customer user: sees the account and the projects given to it, changes nothing.
  customer_reader: READ_ONLY,
};

/** One line per group, for the Users page and the group selects. */
export const GROUP_DESCRIPTIONS: Record<MemberGroup, string> = {
  customer_admin: "manages the account: settings, users and invitations, every project and who may use it, activity.",
  customer_employee: "sees the account and its members, and uses the projects given to them (a Project Admin role lets them manage that project's access).",
  customer_reader: "sees the account, its members and the projects given to them, and changes nothing anywhere.",
  partner_admin: "manages the partner account and its Administration: managed customers, their quotas, Add Myself, notices to their users.",
  partner_employee: "sees the partner account and its Administration (notices' tracking too), read-only.",
};

/** How a principal stands to one account (and, for project permissions, to one project of it). */
export type Relation = {
  system?: boolean;
  operator?: boolean;
  /** The principal's group in the account itself. */
  memberGroup?: MemberGroup | null;
  accountKind?: Customer["kind"];
  /** Whether the account is a self-managed customer. */
  selfManaged?: boolean;
  /** The principal's group in the partner account that manages this account. */
  managingPartnerGroup?: MemberGroup | null;
  /** The principal's group in a self-managed customer above this account (within the same partner's reach). */
  managingAncestorGroup?: MemberGroup | null;
  projectRole?: ProjectRole | null;
  /** An API key's scopes, when the key belongs to this account. */
  keyScopes?: readonly Permission[] | null;
};

/** The permissions a relation grants: the union of every table that applies. Pure, so tests and pages share it. */
export function grantsFor(relation: Relation): Set<Permission> {
  const out = new Set<Permission>();
  const add = (list: readonly Permission[] | undefined) => list?.forEach((p) => out.add(p));
  if (relation.system) add(SYSTEM_PERMISSIONS);
  if (relation.operator) add(OPERATOR_PERMISSIONS);
  const group = relation.memberGroup;
  if (group && (!relation.accountKind || GROUPS_BY_KIND[relation.accountKind].includes(group))) {
    add(MEMBER_GROUP_PERMISSIONS[group]);
    if (relation.selfManaged && relation.accountKind === "customer") add(SELF_MANAGED_ACCOUNT_PERMISSIONS[group]);
  }
  if (relation.managingPartnerGroup) add(MANAGING_PARTNER_PERMISSIONS[relation.managingPartnerGroup]);
  if (relation.managingAncestorGroup) add(SELF_MANAGED_ANCESTOR_PERMISSIONS[relation.managingAncestorGroup]);
  if (relation.projectRole) add(PROJECT_ROLE_PERMISSIONS[relation.projectRole]);
  if (relation.keyScopes) add(relation.keyScopes);
  const ceiling = group ? MEMBER_GROUP_CEILING[group] : undefined;
  if (ceiling && !relation.system && !relation.operator) for (const p of [...out]) if (!ceiling.includes(p)) out.delete(p);
  return out;
}

export const GROUP_LABELS: Record<MemberGroup, string> = {
  customer_admin: "Customer Admin",
  customer_employee: "Customer Employee",
  customer_reader: "Customer Reader",
  partner_admin: "Partner Admin",
  partner_employee: "Partner Employee",
};

export const PROJECT_ROLE_LABELS: Record<ProjectRole, string> = {
  project_admin: "Project Admin",
  project_user: "Project User",
  project_reader: "Project Reader",
};

/** The groups a member of this kind of account can be put in. */
export function groupsFor(kind: Customer["kind"]): MemberGroup[] {
  return [...OFFERED_GROUPS[kind]];
}

/** Admin groups are the ones that may manage users; the last of them can never leave. */
export function isAdminGroup(group: MemberGroup): boolean {
  return MEMBER_GROUP_PERMISSIONS[group].includes("MANAGE_USERS");
}

export const ADMIN_GROUPS = (Object.keys(MEMBER_GROUP_PERMISSIONS) as MemberGroup[]).filter(isAdminGroup);
