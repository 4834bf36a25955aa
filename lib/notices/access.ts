// Finding a notice as its partner: the partner account, authorized, and the notice inside it.
import { sql } from "drizzle-orm";
import { z } from "zod";
import { type Executor } from "@/db/client";
import type { Customer } from "@/db/schema";
import { authorizeAccount, type Principal } from "@/lib/authz";
import { NotFoundError, parseRow, timestampColumn } from "@/lib/core";

export async function partnerFor(ex: Executor, principal: Principal, partnerIdentifier: string, permission: "SEND_NOTICES" | "VIEW_NOTICE_TRACKING") {
  const { customer } = await authorizeAccount(ex, principal, partnerIdentifier, permission);
  if (customer.kind !== "partner") throw new NotFoundError("Notices are sent from partner accounts.");
  return customer;
}

export const NOTICE_NOT_FOUND = "This notice doesn't exist.";

/** A notice's row as raw queries return it (`select *` or `returning *`), parsed: timestamps become dates. */
export const noticeRow = z.object({
  id: z.uuid(),
  partner_id: z.uuid(),
  title: z.string(),
  body_md: z.string(),
  mode: z.enum(["all_must_read", "single_read_only"]),
  audience: z.enum(["all", "admins"]),
  importance: z.enum(["information", "action_required"]),
  due_at: timestampColumn.nullable(),
  starts_at: timestampColumn,
  expires_at: timestampColumn.nullable(),
  withdrawn_at: timestampColumn.nullable(),
  email_copy: z.boolean(),
  remind_after_days: z.number().int().nullable(),
  revision: z.number().int(),
  addressed: z.object({ kind: z.enum(["customers", "groups", "all"]), names: z.array(z.string()), descendants: z.boolean() }),
  targets_count: z.number().int(),
  sender_name: z.string(),
  reminders_sent: z.number().int(),
  last_reminded_at: timestampColumn.nullable(),
  completed_revision: z.number().int().nullable(),
  created_at: timestampColumn,
  updated_at: timestampColumn,
});
export type NoticeRow = z.output<typeof noticeRow>;

export async function findNotice(ex: Executor, partner: Customer, noticeId: string, lock = false): Promise<NoticeRow> {
  if (!z.uuid().safeParse(noticeId).success) throw new NotFoundError(NOTICE_NOT_FOUND);
  const row = parseRow(
    noticeRow,
    await ex.execute(sql`select * from notices where id = ${noticeId} and partner_id = ${partner.id} ${lock ? sql`for update` : sql``}`),
  );
  if (!row) throw new NotFoundError(NOTICE_NOT_FOUND);
  return row;
}
