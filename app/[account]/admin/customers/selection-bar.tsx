"use client";
// The Customers list's bulk tools over the selection (selection.ts): how many are selected, across every page and
// filter, with a look at them and a way to clear; "select all that match" once a whole page is ticked; and the bulk
// actions: into or out of a group (here), a notice or a deletion (on pages named by `?customers=` or a filter).
import Link from "next/link";
import { FieldError, FormMessage, SubmitButton } from "@/app/components/form";
import { GroupPicker, type GroupChoice, type GroupChoices } from "@/app/components/group-picker";
import { useActionForm } from "@/app/components/use-action-form";
import { counted } from "@/lib/core";
import { changeGroupMembershipAction } from "./actions";
import { clearSelection, isPicked, pick, pickAllMatching, selectionQuery, useSelection, type ListFilter, type Picked } from "./selection";

export const SELECTION_FORM = "customer-selection";

export function SelectionBar({
  account,
  groups,
  picked,
  canDelete,
  canNotify,
  filter,
  filterLabel,
  matching,
  matchingMore,
  pageRows,
}: {
  account: string;
  /** The partner's groups to put the selection in or take it out of (see GroupPicker); null: no group tools. */
  groups: GroupChoices | null;
  /** The group the list is filtered by, picked to start with. */
  picked: GroupChoice[];
  canDelete: boolean;
  canNotify: boolean;
  /** The list's filter now, what it is in words, and how many customers it matches. */
  filter: ListFilter;
  filterLabel: string;
  matching: number;
  /** More match than `matching` says (a search is counted up to a bound). */
  matchingMore: boolean;
  /** The rows this page shows. */
  pageRows: Picked[];
}) {
  const { state, pending, formProps } = useActionForm(changeGroupMembershipAction);
  const sel = useSelection(account);
  const count = sel.kind === "filter" ? sel.count : sel.customers.length;
  const wholePage = pageRows.length > 0 && pageRows.every((r) => isPicked(sel, r.identifier));
  const query = selectionQuery(sel);
  const verbs = [groups && "group", canNotify && "notify", canDelete && "delete"].filter(Boolean).join(", ");
  return (
    <form
      {...formProps}
      id={SELECTION_FORM}
      aria-label="Change the groups of the selected customers"
      className="space-y-2 border-b border-slate-200 bg-slate-50 p-3"
    >
      <input type="hidden" name="account" value={account} />
      {sel.kind === "some" ? (
        sel.customers.map((c) => <input key={c.identifier} type="hidden" name="customers" value={c.identifier} />)
      ) : (
        <>
          <input type="hidden" name="all" value="1" />
          {Object.entries(sel.filter).map(([k, v]) => (v ? <input key={k} type="hidden" name={`filter.${k}`} value={v} /> : null))}
        </>
      )}
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm" aria-live="polite">
        <span className="font-medium" data-testid="selected-count">
          {count === 0
            ? `Select customers to ${verbs} them`
            : sel.kind === "filter"
              ? `All ${sel.more ? `${sel.count.toLocaleString("en")}+ customers` : counted.customers(sel.count)} that match ${sel.label} are selected`
              : `${count.toLocaleString("en")} selected`}
        </span>
        {sel.kind === "some" && count > 0 ? (
          <details className="relative" data-testid="selection-list">
            <summary className="cursor-pointer text-blue-800 hover:underline">View</summary>
            <ul className="absolute z-10 mt-1 max-h-64 w-72 max-w-[calc(100vw-8rem)] overflow-y-auto rounded-md border border-slate-200 bg-white p-2 shadow-lg">
              {sel.customers.map((c) => (
                <li key={c.identifier} className="flex items-center justify-between gap-2 py-0.5">
                  <span className="min-w-0 truncate" title={c.identifier}>
                    {c.name}
                  </span>
                  <button
                    type="button"
                    className="text-xs text-blue-800 hover:underline"
                    onClick={() => pick(account, [c], false)}
                    aria-label={`Unselect ${c.name}`}
                  >
                    Unselect
                  </button>
                </li>
              ))}
            </ul>
          </details>
        ) : null}
        {count > 0 ? (
          <button type="button" className="text-blue-800 hover:underline" onClick={() => clearSelection(account)}>
            Clear selection
          </button>
        ) : null}
        {sel.kind === "some" && wholePage && (matching > pageRows.length || matchingMore) ? (
          <span data-testid="select-all-matching">
            All {pageRows.length} on this page are selected.{" "}
            <button
              type="button"
              className="font-medium text-blue-800 hover:underline"
              onClick={() => pickAllMatching(account, filter, matching, filterLabel, matchingMore)}
            >
              Select all {matchingMore ? `${matching.toLocaleString("en")}+ customers` : counted.customers(matching)} that match
            </button>
          </span>
        ) : null}
      </div>
      <div className="flex flex-wrap items-center gap-2">
        {groups ? (
          <>
            <GroupPicker account={account} name="groupId" groups={groups} selected={picked} label="Group" className="w-auto max-w-[14rem]" />
            <SubmitButton pending={pending} name="change" value="add" className="btn btn-secondary" disabled={count === 0}>
              Add to group
            </SubmitButton>
            <SubmitButton pending={pending} name="change" value="remove" className="btn btn-secondary" disabled={count === 0}>
              Remove from group
            </SubmitButton>
          </>
        ) : null}
        {canNotify ? <ActionLink href={count ? `/${account}/admin/notices/new?${query}` : null} label="Send a notice…" className="btn btn-secondary" /> : null}
        {canDelete ? <ActionLink href={count ? `/${account}/admin/deletions/new?${query}` : null} label="Delete selected…" className="btn btn-danger" /> : null}
      </div>
      <FieldError name="customers" state={state} />
      <FieldError name="groupId" state={state} />
      <FormMessage state={state} />
    </form>
  );
}

/** A bulk action that opens its page for the selection; nothing selected, it is shown disabled. */
function ActionLink({ href, label, className }: { href: string | null; label: string; className: string }) {
  if (!href)
    return (
      <span role="link" aria-disabled="true" className={`${className} cursor-not-allowed opacity-50`}>
        {label}
      </span>
    );
  return (
    <Link href={href} className={className}>
      {label}
    </Link>
  );
}

/** "Select all on this page": adds every row of the page to the selection, or takes them out. */
export function SelectPage({ account, rows, label }: { account: string; rows: Picked[]; label: string }) {
  const sel = useSelection(account);
  const all = rows.length > 0 && rows.every((r) => isPicked(sel, r.identifier));
  return (
    <input
      type="checkbox"
      aria-label={label}
      className="h-4 w-4"
      checked={all}
      disabled={sel.kind === "filter"}
      onChange={(e) => pick(account, rows, e.currentTarget.checked)}
    />
  );
}

/** A row's box: in the selection or not (all of them while "all that match" is selected). */
export function RowPick({ account, row }: { account: string; row: Picked }) {
  const sel = useSelection(account);
  return (
    <input
      type="checkbox"
      name="customers"
      value={row.identifier}
      form={SELECTION_FORM}
      aria-label={`Select ${row.name}`}
      className="h-4 w-4"
      checked={isPicked(sel, row.identifier)}
      disabled={sel.kind === "filter"}
      onChange={(e) => pick(account, [row], e.currentTarget.checked)}
    />
  );
}
