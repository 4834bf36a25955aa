"use client";
import { signOut } from "next-auth/react";
import { FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { confirmEmailAction } from "./actions";

export function ConfirmEmailForm({ token, email }: { token: string; email: string }) {
  const { state, pending, formProps } = useActionForm(confirmEmailAction);
  return (
    <form {...formProps} className="space-y-3">
      <input type="hidden" name="token" value={token} />
      <FormMessage state={state} />
      <SubmitButton pending={pending} pendingLabel="Confirming…" className="btn btn-primary w-full">
        Confirm {email}
      </SubmitButton>
    </form>
  );
}

export function SignOutButton({ token }: { token: string }) {
  return (
    <button type="button" className="btn btn-secondary w-full" onClick={() => signOut({ callbackUrl: `/verify-email/${token}` })}>
      Sign out
    </button>
  );
}
