"use client";
import { FormMessage, SubmitButton } from "@/app/components/form";
import { PlusIcon } from "@/app/components/icons";
import { NameIdentifierFields } from "@/app/components/name-identifier-fields";
import { useActionForm } from "@/app/components/use-action-form";
import { createCustomerAction } from "./actions";

/** The row at the top of the customers table: name, identifier (suggested from the name until edited) and "+". */
export function CreateCustomerForm({ account }: { account: string }) {
  const { state, pending, formProps } = useActionForm(createCustomerAction, { resetOnSuccess: true });
  return (
    <form {...formProps} className="space-y-3 border-b border-slate-200 bg-slate-50 p-3" aria-label="New customer">
      <input type="hidden" name="account" value={account} />
      <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-start">
        <NameIdentifierFields
          noun="Customer"
          state={state}
          autoComplete="off"
          identifierHint={
            <span className="font-medium text-amber-800">
              <span aria-hidden>⚠ </span>The identifier can never be changed. Please choose it carefully.
            </span>
          }
        />
        <SubmitButton pending={pending} className="btn btn-primary w-full sm:mt-6 sm:w-auto" aria-label="Create customer" title="Create customer">
          <PlusIcon />
          <span className="sm:hidden" aria-hidden>
            Create customer
          </span>
        </SubmitButton>
      </div>
      <FormMessage state={state} />
    </form>
  );
}
