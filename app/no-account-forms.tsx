"use client";
// What someone who belongs to no account can do from the start page: accept an invitation, or create an account.
import { FormMessage, SubmitButton } from "@/app/components/form";
import { NameIdentifierFields } from "@/app/components/name-identifier-fields";
import { useActionForm } from "@/app/components/use-action-form";
import { acceptMyInvitationAction, createOwnAccountAction } from "./actions";

export function AcceptInvitationButton({ invitationId, account }: { invitationId: string; account: string }) {
  const { state, pending, formProps } = useActionForm(acceptMyInvitationAction);
  return (
    <form {...formProps} aria-label={`Accept the invitation to ${account}`} className="space-y-1">
      <input type="hidden" name="invitationId" value={invitationId} />
      <SubmitButton pending={pending} className="btn btn-primary">
        Join {account}
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}

export function CreateOwnAccountForm() {
  const { state, pending, formProps } = useActionForm(createOwnAccountAction);
  return (
    <form {...formProps} aria-label="Create an account of your own" className="card space-y-4 p-5">
      <h2 className="text-lg font-semibold">Create an account of your own</h2>
      <p className="text-sm text-slate-600">A customer account for your company or department, with you as its Customer Admin.</p>
      <FormMessage state={state} />
      <NameIdentifierFields noun="Account" state={state} identifierHint="Lowercase letters, digits and hyphens. It can never be changed." />
      <SubmitButton pending={pending}>Create account</SubmitButton>
    </form>
  );
}
