"use client";
import { ConfirmButton } from "@/app/components/confirm-button";
import { Field, FormMessage, SubmitButton } from "@/app/components/form";
import { TrashIcon } from "@/app/components/icons";
import { useActionForm } from "@/app/components/use-action-form";
import { createGroupAction, deleteGroupAction, updateGroupAction } from "./actions";
import { counted } from "@/lib/core";

export function CreateGroupForm({ account }: { account: string }) {
  const { state, pending, formProps } = useActionForm(createGroupAction, { resetOnSuccess: true });
  return (
    <form {...formProps} aria-label="New group" className="space-y-3 border-b border-slate-200 bg-slate-50 p-3">
      <input type="hidden" name="account" value={account} />
      <div className="grid gap-3 sm:grid-cols-[minmax(0,14rem)_minmax(0,1fr)_auto] sm:items-start">
        <Field name="name" label="Group name" state={state} id="new-group-name" maxLength={80} required autoComplete="off" />
        <Field name="description" label="Description (optional)" state={state} id="new-group-description" maxLength={500} autoComplete="off" />
        <SubmitButton pending={pending} className="btn btn-primary sm:mt-6">
          Create group
        </SubmitButton>
      </div>
      <FormMessage state={state} />
    </form>
  );
}

/**
 * A group's row tools: rename (and change the description) in a disclosure that works without JavaScript too, and
 * delete after a confirmation.
 */
export function GroupRowTools({ account, group }: { account: string; group: { id: string; name: string; description: string | null; customers: number } }) {
  const update = useActionForm(updateGroupAction);
  const remove = useActionForm(deleteGroupAction);
  return (
    <div className="flex flex-col items-end gap-1">
      <div className="flex items-start justify-end gap-1">
        <details className="group text-left">
          <summary className="btn btn-secondary cursor-pointer list-none" aria-label={`Rename ${group.name}`}>
            Rename
          </summary>
          <form {...update.formProps} aria-label={`Edit ${group.name}`} className="mt-2 w-64 space-y-2 whitespace-normal">
            <input type="hidden" name="account" value={account} />
            <input type="hidden" name="groupId" value={group.id} />
            <Field name="name" label="Group name" state={update.state} id={`name-${group.id}`} defaultValue={group.name} maxLength={80} required />
            <Field
              name="description"
              label="Description"
              state={update.state}
              id={`description-${group.id}`}
              defaultValue={group.description ?? ""}
              maxLength={500}
            />
            <SubmitButton pending={update.pending}>Save</SubmitButton>
            <FormMessage state={update.state} />
          </form>
        </details>
        <form {...remove.formProps} aria-label={`Delete ${group.name}`}>
          <input type="hidden" name="account" value={account} />
          <input type="hidden" name="groupId" value={group.id} />
          <ConfirmButton
            ariaLabel={`Delete ${group.name}`}
            title={`Delete the group ${group.name}?`}
            message={<>The group goes; {counted.groupCustomersStay(group.customers)}, in All and in their other groups. Nothing else changes.</>}
            confirmLabel="Delete group"
            disabled={remove.pending}
          >
            <TrashIcon />
          </ConfirmButton>
        </form>
      </div>
      <div className="max-w-xs whitespace-normal">
        <FormMessage state={remove.state} />
      </div>
    </div>
  );
}
