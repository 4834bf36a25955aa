"use client";
import { Field, FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { requestDeletionAction } from "../actions";
import { clearSelection } from "../../customers/selection";

/** Type-to-confirm: the identifier of the one customer, or the number of customers it deletes. */
export function ConfirmDeletionForm({
  account,
  customers,
  group,
  filter,
  expected,
  label,
  buttonLabel,
}: {
  account: string;
  customers: string[];
  group?: string;
  filter?: { q?: string; filterGroup?: string; parent?: string; quota?: string };
  expected: string;
  label?: string;
  buttonLabel: string;
}) {
  const { state, pending, formProps } = useActionForm(requestDeletionAction);
  return (
    <form
      {...formProps}
      // Confirmed as asked: the Customers list's selection has done its work (its customers are about to go).
      onSubmitCapture={(e) => {
        const typed = new FormData(e.currentTarget).get("confirmation");
        if (typeof typed === "string" && typed.trim().toLowerCase() === expected.toLowerCase()) clearSelection(account);
      }}
      aria-label="Confirm the deletion"
      className="card space-y-4 border-red-200 p-5"
    >
      <input type="hidden" name="account" value={account} />
      {customers.map((c) => (
        <input key={c} type="hidden" name="customers" value={c} />
      ))}
      {group ? <input type="hidden" name="group" value={group} /> : null}
      {label ? <input type="hidden" name="label" value={label} /> : null}
      {filter ? (
        <>
          <input type="hidden" name="all" value="1" />
          {Object.entries(filter).map(([k, v]) => (v ? <input key={k} type="hidden" name={k} value={v} /> : null))}
        </>
      ) : null}
      <Field
        name="confirmation"
        label={`Type ${expected} to confirm`}
        state={state}
        autoComplete="off"
        spellCheck={false}
        required
        hint={/^\d+$/.test(expected) ? "The number of customers to delete, as shown in the heading." : "The customer's identifier."}
      />
      <SubmitButton pending={pending} pendingLabel="Deleting…" className="btn btn-danger">
        {buttonLabel}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
