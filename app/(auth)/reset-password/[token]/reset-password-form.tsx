"use client";
import { FormMessage, NewPasswordField, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { resetPasswordAction } from "./actions";

export function ResetPasswordForm({ token, email }: { token: string; email: string }) {
  const { state, pending, formProps } = useActionForm(resetPasswordAction);
  return (
    <form {...formProps} className="card space-y-4 p-6">
      <h1 className="text-xl font-semibold">Choose a new password</h1>
      <p className="text-sm text-slate-600">
        For <strong>{email}</strong>. Every session of this account ends, on every device; then you sign in with the new password.
      </p>
      <input type="hidden" name="token" value={token} />
      {/* Lets password managers save the new password for the right account. */}
      <input type="hidden" name="username" autoComplete="username" value={email} readOnly />
      <FormMessage state={state} />
      <NewPasswordField state={state} />
      <SubmitButton pending={pending} pendingLabel="Saving…" className="btn btn-primary w-full">
        Set new password
      </SubmitButton>
    </form>
  );
}
