"use client";
import { useState } from "react";
import { Field, FormMessage, SubmitButton } from "@/app/components/form";
import { PlusIcon } from "@/app/components/icons";
import { useActionForm } from "@/app/components/use-action-form";
import { suggestIdentifier } from "@/lib/validation";
import { createCustomerAction } from "./actions";

/** The row at the top of the customers table: name, identifier (suggested from the name until edited) and "+". */
export function CreateCustomerForm({ account }: { account: string }) {
  const { state, pending, formProps } = useActionForm(createCustomerAction, { resetOnSuccess: true });
  const [name, setName] = useState("");
  const [identifier, setIdentifier] = useState<string | null>(null);
  return (
    <form
      {...formProps}
      onReset={() => {
        setName("");
        setIdentifier(null);
      }}
      className="space-y-3 border-b border-slate-200 bg-slate-50 p-3"
      aria-label="New customer"
    >
      <input type="hidden" name="account" value={account} />
      <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto] sm:items-start">
        <Field name="name" label="Customer name" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} state={state} />
        <Field
          name="identifier"
          label="Customer identifier"
          autoComplete="off"
          value={identifier ?? suggestIdentifier(name)}
          onChange={(e) => setIdentifier(e.target.value)}
          state={state}
          inputClassName="font-mono"
          spellCheck={false}
          hint={
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
