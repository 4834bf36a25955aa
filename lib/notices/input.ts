// What a partner writes when sending or editing a notice, parsed; and the words for its modes and audiences.
import { z } from "zod";
import type { NoticeAudience, NoticeImportance, NoticeMode } from "@/db/schema";
import { identifierRefSchema, visible } from "@/lib/core";

/** A reminder by hand waits this long after the previous one, so nobody is e-mailed twice in a row by a double click. */
export const REMIND_COOLDOWN_MINUTES = 10;

export const MODE_LABELS: Record<NoticeMode, string> = { all_must_read: "All must read", single_read_only: "Single read only" };
export const AUDIENCE_LABELS: Record<NoticeAudience, string> = { all: "All users", admins: "Customer Admins only" };
export const IMPORTANCE_LABELS: Record<NoticeImportance, string> = { information: "Information", action_required: "Action required" };

export type { NoticeAudience, NoticeImportance, NoticeMode };

// ---- input ------------------------------------------------------------------------------------------------------

/** A date and time from a form (`2026-11-24T10:00`, read as UTC) or a Date; empty is none. */
const optionalDate = (what: string) =>
  z.preprocess(
    (v) => {
      if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) return undefined;
      if (typeof v !== "string") return v;
      const s = v.trim();
      if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:\d{2})?$/.test(s)) return new Date(NaN);
      return new Date(/(Z|[+-]\d{2}:\d{2})$/.test(s) ? s : `${s.length === 10 ? `${s}T00:00` : s}Z`);
    },
    z
      .date(`Enter ${what} as a date and time.`)
      .min(new Date("2000-01-01T00:00:00Z"), `Enter ${what} after the year 2000.`)
      .max(new Date("2100-01-01T00:00:00Z"), `Enter ${what} before the year 2100.`)
      .optional(),
  );

const flag = z.preprocess((v) => v === true || v === "on" || v === "true" || v === "1", z.boolean());

export const noticeContentSchema = z.object({
  title: visible(z.string().trim().min(1, "Please enter a title.").max(200, "A title can have at most 200 characters.")),
  // Line breaks and tabs belong in Markdown; other control characters don't.
  body: z
    .string()
    .trim()
    .min(1, "Please write the message.")
    .max(20000, "The message can have at most 20,000 characters.")
    .refine((v) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/.test(v), "Remove the invisible control characters."),
});

export const noticeAddressSchema = z.object({
  to: z.enum(["customers", "groups", "all"], "Choose who receives it."),
  customers: z.array(identifierRefSchema).max(1000, "Address at most 1,000 customers by name; use a group or All for more.").optional().default([]),
  groups: z.array(z.uuid("Pick groups from the list.")).max(100).optional().default([]),
  descendants: flag.optional().default(false),
  audience: z.enum(["all", "admins"], "Choose the audience.").optional().default("all"),
});

export const noticeSchema = noticeContentSchema.and(noticeAddressSchema).and(
  z.object({
    mode: z.enum(["all_must_read", "single_read_only"], "Choose All must read or Single read only."),
    importance: z.enum(["information", "action_required"], "Choose the importance.").optional().default("information"),
    dueAt: optionalDate("the due date"),
    startsAt: optionalDate("the start"),
    expiresAt: optionalDate("the expiry"),
    emailCopy: flag.optional().default(false),
    remindAfterDays: z.preprocess(
      (v) => (v === "" || v === undefined || v === null ? undefined : typeof v === "string" ? Number(v.trim()) : v),
      z.number("Enter a number of days.").int("Enter whole days.").min(1, "Remind after 1 to 90 days.").max(90, "Remind after 1 to 90 days.").optional(),
    ),
  }),
);

export type NoticeInput = z.input<typeof noticeSchema>;
export type Address = z.output<typeof noticeAddressSchema>;

/** A correction or a re-issue: the content again, and whether everyone must acknowledge anew. */
export const noticeEditSchema = noticeContentSchema.and(z.object({ reissue: flag.optional().default(false) }));
