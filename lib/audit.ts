// The audit trail: every change to an account is recorded with actor, target and time, in the change's own transaction.
import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { auditEvents, users } from "@/db/schema";

export type AuditInput = {
  customerId: string | null;
  actorId: string | null;
  action: string;
  targetType?: string;
  targetId?: string;
  targetLabel?: string;
  details?: Record<string, unknown>;
};

export async function recordAudit(ex: Executor, event: AuditInput): Promise<void> {
  await ex.insert(auditEvents).values({
    customerId: event.customerId,
    actorId: event.actorId,
    actorLabel: event.actorId
      ? sql`(select coalesce(name, '') || ' <' || email || '>' from users where id = ${event.actorId})`
      : "system",
    action: event.action,
    targetType: event.targetType,
    targetId: event.targetId,
    targetLabel: event.targetLabel,
    details: event.details,
  });
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
  "member.added_self": "added themselves as Customer Admin:",
  "project.created": "created the project",
  "project.access_granted": "gave project access to",
  "project.access_changed": "changed the project role of",
  "project.access_revoked": "took project access away from",
  "customer.created": "created the managed customer",
  "customer.quota_changed": "changed the project quota of",
};

/** Newest first, keyset-paginated by id. */
export async function listAuditEvents(ex: Executor, customerId: string, opts: { before?: number; limit?: number } = {}) {
  const limit = opts.limit ?? 50;
  const rows = await ex
    .select({
      id: auditEvents.id,
      action: auditEvents.action,
      actorLabel: auditEvents.actorLabel,
      actorName: users.name,
      targetType: auditEvents.targetType,
      targetLabel: auditEvents.targetLabel,
      details: auditEvents.details,
      createdAt: auditEvents.createdAt,
    })
    .from(auditEvents)
    .leftJoin(users, eq(users.id, auditEvents.actorId))
    .where(and(eq(auditEvents.customerId, customerId), opts.before ? lt(auditEvents.id, opts.before) : undefined))
    .orderBy(desc(auditEvents.id))
    .limit(limit + 1);
  return { events: rows.slice(0, limit), nextBefore: rows.length > limit ? rows[limit - 1].id : null };
}
