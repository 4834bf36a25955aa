"use client";
import { FieldError, FormMessage, SubmitButton } from "@/app/components/form";
import { GroupPicker, type GroupChoice, type GroupChoices } from "@/app/components/group-picker";
import { PlusIcon } from "@/app/components/icons";
import { NameIdentifierFields } from "@/app/components/name-identifier-fields";
import { useActionForm } from "@/app/components/use-action-form";
import { createCustomerAction } from "./actions";

/**
 * The row at the top of a customers table: name, identifier (suggested from the name until edited) and "+". With
 * `parent` it creates a sub-customer of that customer; with `groups` it offers the partner's groups to start in.
 */
export function CreateCustomerForm({
  account,
  parent,
  groups,
  picked,
}: {
  account: string;
  parent?: string;
  /** The partner's groups to offer (see GroupPicker); `picked` start ticked (the group the list is filtered by). */
  groups?: GroupChoices;
  picked?: GroupChoice[];
}) {
  const { state, pending, formProps } = useActionForm(createCustomerAction, { resetOnSuccess: true });
  const noun = parent ? "Sub-customer" : "Customer";
  return (
    <form {...formProps} className="space-y-3 border-b border-slate-200 bg-slate-50 p-3" aria-label={parent ? "New sub-customer" : "New customer"}>
      <input type="hidden" name="account" value={account} />
      {parent ? <input type="hidden" name="parent" value={parent} /> : null}
      <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-start">
        <NameIdentifierFields
          noun={noun}
          state={state}
          autoComplete="off"
          identifierHint={
            <span className="font-medium text-amber-800">
              <span aria-hidden>⚠ </span>The identifier can never be changed. Please choose it carefully.
            </span>
          }
        />
        <SubmitButton
          pending={pending}
          className="btn btn-primary w-full sm:mt-6 sm:w-auto"
          aria-label={`Create ${noun.toLowerCase()}`}
          title={`Create ${noun.toLowerCase()}`}
        >
          <PlusIcon />
          <span className="sm:hidden" aria-hidden>
            Create {noun.toLowerCase()}
          </span>
        </SubmitButton>
      </div>
      {groups && groups.choices.length > 0 ? (
        <fieldset className="text-sm">
          <legend className="mb-1 font-medium text-slate-700">Groups (optional; every customer is in All)</legend>
          <GroupPicker account={account} name="groups" multiple groups={groups} selected={picked} label="Groups" />
          <FieldError name="groups" state={state} />
        </fieldset>
      ) : null}
      <FormMessage state={state} />
    </form>
  );
}
