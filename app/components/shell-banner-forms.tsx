"use client";
import { FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { dismissOperatorWelcomeAction } from "@/app/[account]/shell-actions";
import { resendVerificationAction } from "@/app/profile/actions";

/** A new confirmation link for the signed-in person's address, from the banner on every page. */
export function ResendLinkForm() {
  const { state, pending, formProps } = useActionForm(resendVerificationAction);
  return (
    <form {...formProps} aria-label="Send a new confirmation link" className="flex flex-wrap items-center gap-2">
      <SubmitButton pending={pending} pendingLabel="Sending…" className="text-sm font-medium text-blue-800 hover:underline">
        Send a new link
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function DismissWelcomeForm() {
  const { pending, formProps } = useActionForm(dismissOperatorWelcomeAction);
  return (
    <form {...formProps} aria-label="Dismiss the operator note">
      <SubmitButton pending={pending} className="btn btn-secondary px-3 py-1.5">
        Got it
      </SubmitButton>
    </form>
  );
}
