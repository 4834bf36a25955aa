"use client";
import { ConfirmButton } from "@/app/components/confirm-button";
import { Field, FormMessage, SubmitButton } from "@/app/components/form";
import { PlusIcon, TrashIcon } from "@/app/components/icons";
import { useActionForm } from "@/app/components/use-action-form";
import { setOperatorAction } from "../actions";

export function NameOperatorForm() {
  const { state, pending, formProps } = useActionForm(setOperatorAction, { resetOnSuccess: true });
  return (
    <form {...formProps} className="card space-y-3 p-4" aria-label="Name an operator">
      <FormMessage state={state} />
      <input type="hidden" name="operator" value="yes" />
      <div className="grid items-end gap-3 sm:grid-cols-[1fr_auto]">
        <Field name="email" label="E-mail of a user to make operator" type="email" state={state} required />
        <SubmitButton pending={pending}>
          <PlusIcon /> Make operator
        </SubmitButton>
      </div>
    </form>
  );
}

export function RevokeOperator({ email, name }: { email: string; name: string }) {
  const { state, formProps } = useActionForm(setOperatorAction);
  return (
    <form {...formProps}>
      <input type="hidden" name="email" value={email} />
      <input type="hidden" name="operator" value="no" />
      <ConfirmButton
        ariaLabel={`Revoke operator rights of ${email}`}
        title="Revoke operator rights?"
        message={`${name} will no longer see the operator area.`}
        confirmLabel="Revoke"
      >
        <TrashIcon />
      </ConfirmButton>
      <FormMessage state={state} />
    </form>
  );
}
