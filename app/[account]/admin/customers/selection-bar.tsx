"use client";
// The Customers list's bulk tools: rows are checked in the table (their checkboxes belong to this form by its id), then
// put into or taken out of one group. Without JavaScript the form still posts the checked rows.
import { useEffect, useState } from "react";
import { FieldError, FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { changeGroupMembershipAction } from "./actions";

export const SELECTION_FORM = "customer-selection";

export function SelectionBar({
  account,
  groups,
  currentGroup,
  canDelete,
  canNotify,
  deleteAllHref,
}: {
  account: string;
  groups: { id: string; name: string }[];
  currentGroup?: string;
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
            ? `Select customers to ${[groups.length > 0 && "group", canNotify && "notify", canDelete && "delete"].filter(Boolean).join(", ")} them`
            : `${selected} selected`}
        </span>
        {groups.length > 0 ? <GroupControls groups={groups} currentGroup={currentGroup} pending={pending} /> : null}
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

function GroupControls({ groups, currentGroup, pending }: { groups: { id: string; name: string }[]; currentGroup?: string; pending: boolean }) {
  return (
    <>
      <label htmlFor="selection-group" className="sr-only">
        Group
      </label>
      <select id="selection-group" name="groupId" className="input w-auto max-w-[14rem]" defaultValue={currentGroup ?? ""}>
        <option value="" disabled>
          Choose a group…
        </option>
        {groups.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name}
          </option>
        ))}
      </select>
      <SubmitButton pending={pending} name="change" value="add" className="btn btn-secondary">
        Add to group
      </SubmitButton>
      <SubmitButton pending={pending} name="change" value="remove" className="btn btn-secondary">
        Remove from group
      </SubmitButton>
    </>
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
