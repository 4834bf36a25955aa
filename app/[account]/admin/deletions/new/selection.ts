// What a deletion's confirmation deletes, read from its URL: customers by identifier, a group, or all that a filter
// matches. The confirmation page and its download of the people read it the same way.
import { firstParams, type SearchParams } from "@/lib/core";
import type { DeletionSelection } from "@/lib/deletions";

export const DELETION_PARAMS = ["customers", "group", "all", "q", "filterGroup", "parent", "quota"] as const;
export type DeletionParams = SearchParams<(typeof DELETION_PARAMS)[number]>;

export function deletionSelectionOf(raw: DeletionParams) {
  const sp = firstParams(raw, DELETION_PARAMS);
  const customers = ([] as string[])
    .concat(raw.customers ?? [])
    .flatMap((c) => c.split(","))
    .map((c) => c.trim())
    .filter(Boolean)
    .slice(0, 1000);
  const all = sp.all === "1";
  const quota = (["at", "near", "under"] as const).find((s) => s === sp.quota);
  const selection: DeletionSelection = {
    customers: customers.length ? customers : undefined,
    group: sp.group || undefined,
    filter: all ? { q: sp.q || undefined, group: sp.filterGroup || undefined, parent: sp.parent || undefined, quota } : undefined,
  };
  return { sp, customers, all, quota, selection };
}

/** The same, from a request's query string. */
export function deletionSelectionFromUrl(params: URLSearchParams) {
  return deletionSelectionOf(Object.fromEntries(DELETION_PARAMS.map((k) => [k, params.getAll(k)])));
}
