"use client";
import { signOut } from "next-auth/react";
import { Field, NewPasswordField, FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { acceptInvitationAction, acceptWithSignUpAction } from "./actions";

export function AcceptForm({ token, accountName }: { token: string; accountName: string }) {
  const { state, pending, formProps } = useActionForm(acceptInvitationAction);
  return (
    <form {...formProps} className="space-y-3">
      <input type="hidden" name="token" value={token} />
      <FormMessage state={state} />
      <SubmitButton pending={pending} pendingLabel="Joining…" className="btn btn-primary w-full">
        Join {accountName}
      </SubmitButton>
    </form>
  );
}

export function SignUpToAcceptForm({ token, email, fullName, accountName }: { token: string; email: string; fullName: string; accountName: string }) {
  const { state, pending, formProps } = useActionForm(acceptWithSignUpAction);
  return (
    <form {...formProps} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      <FormMessage state={state} />
      <div>
        <label htmlFor="invited-email" className="mb-1 block text-sm font-medium text-slate-700">
          E-mail
        </label>
        <input id="invited-email" className="input" value={email} readOnly disabled aria-describedby="invited-email-hint" />
        <p id="invited-email-hint" className="mt-1 text-xs text-slate-500">
          The address the invitation was sent to; you sign in with it.
        </p>
      </div>
      <Field name="fullName" label="Full name" autoComplete="name" defaultValue={fullName} required state={state} />
      <NewPasswordField state={state} />
      <SubmitButton pending={pending} pendingLabel="Creating your account…" className="btn btn-primary w-full">
        Create account and join {accountName}
      </SubmitButton>
    </form>
  );
}

export function SignOutButton({ token }: { token: string }) {
  return (
    <button type="button" className="btn btn-secondary w-full" onClick={() => signOut({ callbackUrl: `/invitations/${token}` })}>
      Sign out
    </button>
  );
}
