// The audit trail: every change to an account is recorded with who acted (a user, the system, an API key), the target
// and the time, in the change's own transaction.
import { and, desc, eq, lt } from "drizzle-orm";
import { db, type Executor } from "@/db/client";
import { auditEvents, users } from "@/db/schema";
import { authorizeAccount, type Principal } from "@/lib/authz";

export type AuditInput = {
  customerId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  targetLabel?: string;
  details?: Record<string, unknown>;
};

function actorOf(principal: Principal) {
  switch (principal.kind) {
    case "user":
      return { actorKind: "user" as const, actorId: principal.userId, actorLabel: `${principal.name} <${principal.email}>` };
    case "api_key":
      return { actorKind: "api_key" as const, actorId: null, actorLabel: `API key ${principal.keyId}` };
    case "system":
      return { actorKind: "system" as const, actorId: null, actorLabel: "Tenancy" };
    case "anonymous":
      return { actorKind: "system" as const, actorId: null, actorLabel: "someone signed out" };
  }
}

export async function recordAudit(ex: Executor, principal: Principal, event: AuditInput): Promise<void> {
  await ex.insert(auditEvents).values({ ...actorOf(principal), ...event });
}

export const ACTION_LABELS: Record<string, string> = {
  "account.created": "created the account",
  "account.settings_updated": "updated the account settings",
  "account.made_partner": "made this a partner account",
  "account.made_customer": "made this a customer account",
  "invitation.created": "invited",
  "invitation.resent": "resent the invitation to",
  "invitation.revoked": "revoked the invitation of",
  "invitation.accepted": "accepted the invitation as",
  "invitation.delivery_failed": "could not deliver the invitation to",
  "member.group_changed": "changed the group of",
  "member.removed": "removed",
  "member.deleted": "deleted the user",
  "member.added_self": "added themselves as Customer Admin:",
  "project.created": "created the project",
  "project.renamed": "renamed the project",
  "project.deleted": "deleted the project",
  "member.left": "left the account:",
  "customer.deletion_requested": "asked to delete",
  "customer.deletion_cancelled": "undid the deletion of",
  "customer.deletion_finished": "finished deleting",
  "project.access_granted": "gave project access to",
  "project.access_changed": "changed the project role of",
  "project.access_revoked": "took project access away from",
  "customer.created": "created the managed customer",
  "customer.quota_changed": "changed the project quota of",
  "customer.made_self_managed": "let the Customer Admins manage the sub-customers of",
  "customer.made_partner_managed": "took the management of sub-customers back from the Customer Admins of",
  "customer_group.created": "created the customer group",
  "customer_group.updated": "changed the customer group",
  "customer_group.deleted": "deleted the customer group",
  "customer_group.customers_added": "added customers to the group",
  "customer_group.customers_removed": "took customers out of the group",
  "customer.details_updated": "updated the details of",
  "member.renamed": "renamed",
  "notice.sent": "sent the notice",
  "notice.corrected": "corrected the notice",
  "notice.reissued": "re-issued the notice",
  "notice.withdrawn": "withdrew the notice",
  "notice.reminded": "sent a reminder of the notice",
  "notice.acknowledged": "acknowledged the notice",
};

/** The settings' fields in the words people use, several fields of one address saying it once. */
const SETTING_WORDS: Record<string, string> = {
  name: "the name",
  taxId: "the tax ID",
  billingStreet: "the billing address",
  billingPostalCode: "the billing address",
  billingCity: "the billing address",
  billingCountry: "the billing address",
  paymentMethod: "the payment method",
  sepaAccountHolder: "the account holder",
  sepaIban: "the IBAN",
};

/** "a", "a and b", "a, b and c". */
function listed(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

type Describable = { action: string; targetType?: string | null; targetLabel: string | null; details: unknown };

/**
 * What an audit event says happened, as the rest of a sentence after the person who did it: "changed the billing
 * address and the IBAN", "made this a partner account". Labels are the words people read elsewhere in the product;
 * an action the list doesn't know shows as recorded rather than not at all.
 */
export function describeAuditEvent(e: Describable, labels: Record<string, string> = {}): string {
  const d = (e.details && typeof e.details === "object" ? e.details : {}) as Record<string, unknown>;
  const label = (v: unknown) => labels[String(v)] ?? String(v);
  const target = e.targetLabel ? ` ${e.targetLabel}` : "";
  switch (e.action) {
    case "account.created":
    case "account.made_partner":
    case "account.made_customer":
      return ACTION_LABELS[e.action];
    case "account.settings_updated": {
      const words = [...new Set((Array.isArray(d.changed) ? d.changed : []).map((k) => SETTING_WORDS[String(k)] ?? String(k)))];
      return words.length ? `changed ${listed(words)}` : "saved the settings without a change";
    }
    case "customer.details_updated":
      return `updated the details of${target}${Array.isArray(d.changed) && d.changed.length ? `: ${listed(d.changed.map(String))}` : ""}`;
    case "project.renamed":
      return d.from && d.to ? `renamed the project ${String(d.from)} to ${String(d.to)}` : `renamed the project${target}`;
    case "project.deleted":
      return `deleted the project${target}${typeof d.accessRemoved === "number" && d.accessRemoved > 0 ? ` and its access list (${d.accessRemoved})` : ""}`;
    case "member.left":
      return "left the account";
  }
  const base = `${ACTION_LABELS[e.action] ?? e.action}${target}`;
  if (d.from !== undefined && d.to !== undefined) return `${base} from ${label(d.from)} to ${label(d.to)}`;
  if (d.role) return `${base} as ${label(d.role)}`;
  if (d.group && e.action.startsWith("invitation.")) return `${base} as ${label(d.group)}`;
  if (typeof d.error === "string") return `${base}: ${d.error}`;
  return base;
}

/** The account's activity, newest first, keyset-paginated by id. */
export async function listAuditEvents(principal: Principal, identifier: string, opts: { before?: number; limit?: number } = {}) {
  const limit = opts.limit ?? 50;
  return db.transaction(async (tx) => {
    const { customer } = await authorizeAccount(tx, principal, identifier, "VIEW_ACTIVITY");
    const rows = await tx
      .select({
        id: auditEvents.id,
        action: auditEvents.action,
        actorKind: auditEvents.actorKind,
        actorLabel: auditEvents.actorLabel,
        actorName: users.name,
        targetType: auditEvents.targetType,
        targetLabel: auditEvents.targetLabel,
        details: auditEvents.details,
        createdAt: auditEvents.createdAt,
      })
      .from(auditEvents)
      .leftJoin(users, eq(users.id, auditEvents.actorId))
      .where(and(eq(auditEvents.customerId, customer.id), opts.before ? lt(auditEvents.id, opts.before) : undefined))
      .orderBy(desc(auditEvents.id))
      .limit(limit + 1);
    return { events: rows.slice(0, limit), nextBefore: rows.length > limit ? rows[limit - 1].id : null };
  });
}
