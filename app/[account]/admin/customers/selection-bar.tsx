"use client";
// The Customers list's bulk tools: rows are checked in the table (their checkboxes belong to this form by its id), then
// put into or taken out of one group. Without JavaScript the form still posts the checked rows.
import { useEffect, useState } from "react";
import { FieldError, FormMessage, SubmitButton } from "@/app/components/form";
import { GroupPicker, type GroupChoice, type GroupChoices } from "@/app/components/group-picker";
import { useActionForm } from "@/app/components/use-action-form";
import { changeGroupMembershipAction } from "./actions";

export const SELECTION_FORM = "customer-selection";

export function SelectionBar({
  account,
  groups,
  picked,
  canDelete,
  canNotify,
  deleteAllHref,
}: {
  account: string;
  /** The partner's groups to put the selection in or take it out of (see GroupPicker); null: no group tools. */
  groups: GroupChoices | null;
  /** The group the list is filtered by, picked to start with. */
  picked: GroupChoice[];
  canDelete: boolean;
  canNotify: boolean;
  /** The confirmation of deleting everything the list's filter matches, when the list is filtered. */
  deleteAllHref?: string;
}) {
  const { state, pending, formProps } = useActionForm(changeGroupMembershipAction);
  const selected = useSelectedCount();
  return (
    <form
      {...formProps}
      id={SELECTION_FORM}
      aria-label="Change the groups of the selected customers"
      className="space-y-2 border-b border-slate-200 bg-slate-50 p-3"
    >
      <input type="hidden" name="account" value={account} />
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-medium" aria-live="polite" data-testid="selected-count">
          {selected === 0
            ? `Select customers to ${[groups && "group", canNotify && "notify", canDelete && "delete"].filter(Boolean).join(", ")} them`
            : `${selected} selected`}
        </span>
        {groups ? (
          <>
            <GroupPicker account={account} name="groupId" groups={groups} selected={picked} label="Group" className="w-auto max-w-[14rem]" />
            <SubmitButton pending={pending} name="change" value="add" className="btn btn-secondary">
              Add to group
            </SubmitButton>
            <SubmitButton pending={pending} name="change" value="remove" className="btn btn-secondary">
              Remove from group
            </SubmitButton>
          </>
        ) : null}
        {canNotify ? (
          <button type="submit" formAction={`/${account}/admin/notices/new`} formMethod="get" formNoValidate className="btn btn-secondary">
            Send a notice…
          </button>
        ) : null}
        {canDelete ? (
          <button type="submit" formAction={`/${account}/admin/deletions/new`} formMethod="get" formNoValidate className="btn btn-danger">
            Delete selected…
          </button>
        ) : null}
        {canDelete && deleteAllHref ? (
          <a href={deleteAllHref} className="text-sm text-red-700 hover:underline">
            Delete all that match this filter…
          </a>
        ) : null}
      </div>
      <FieldError name="customers" state={state} />
      <FieldError name="groupId" state={state} />
      <FormMessage state={state} />
    </form>
  );
}

/** How many rows are checked, following the checkboxes that belong to the selection form. */
function useSelectedCount() {
  const [count, setCount] = useState(0);
  useEffect(() => {
    const boxes = () => document.querySelectorAll<HTMLInputElement>(`input[type=checkbox][form="${SELECTION_FORM}"][name="customers"]`);
    const update = () => setCount([...boxes()].filter((b) => b.checked).length);
    update();
    document.addEventListener("change", update);
    return () => document.removeEventListener("change", update);
  }, []);
  return count;
}

/** "Select all on this page": checks or clears every row checkbox of the selection form. */
export function SelectPage({ label }: { label: string }) {
  return (
    <input
      type="checkbox"
      aria-label={label}
      className="h-4 w-4"
      onChange={(e) => {
        const on = e.currentTarget.checked;
        document.querySelectorAll<HTMLInputElement>(`input[type=checkbox][form="${SELECTION_FORM}"][name="customers"]`).forEach((b) => (b.checked = on));
        document.dispatchEvent(new Event("change"));
      }}
    />
  );
}
