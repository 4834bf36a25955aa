"use client";
import { FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { retryEmailAction } from "./actions";

export function RetryEmail({ emailId, to }: { emailId: string; to: string }) {
  const { state, pending, formProps } = useActionForm(retryEmailAction);
  return (
    <form {...formProps} className="flex flex-col items-end gap-1">
      <input type="hidden" name="emailId" value={emailId} />
      <SubmitButton pending={pending} className="btn btn-secondary whitespace-nowrap" aria-label={`Retry the e-mail to ${to}`}>
        Retry
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
