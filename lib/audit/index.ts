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
  "account.made_partner": "made the account a partner account",
  "account.made_customer": "made the account a customer account",
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
