import type { NoticeState } from "@/lib/notices";
import { counted, plural } from "@/lib/core";

export const STATE_LABELS: Record<NoticeState, { label: string; className: string }> = {
  shown: { label: "Shown", className: "bg-green-50 text-green-800" },
  scheduled: { label: "Scheduled", className: "bg-blue-50 text-blue-800" },
  expired: { label: "Expired", className: "bg-slate-100 text-slate-700" },
  withdrawn: { label: "Withdrawn", className: "bg-red-50 text-red-800" },
};

/** "3 customers: acme, beta…", "Groups North, South", "All customers", with "and their sub-customers". */
export function addressedText(addressed: { kind: "customers" | "groups" | "all"; names: string[]; descendants: boolean }, customers: number): string {
  const subs = addressed.descendants ? " and their sub-customers" : "";
  if (addressed.kind === "all") return `All customers${subs} (${customers})`;
  const names = addressed.names.slice(0, 3).join(", ") + (addressed.names.length > 3 ? "…" : "");
  if (addressed.kind === "groups") return `${plural(addressed.names.length, "Group", "Groups")} ${names}${subs} (${counted.customers(customers)})`;
  return `${names}${subs}${customers > 1 ? ` (${counted.customers(customers)})` : ""}`;
}
