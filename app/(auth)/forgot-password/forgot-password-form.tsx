"use client";
import Link from "next/link";
import { Field, FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { requestPasswordResetAction } from "./actions";

export function ForgotPasswordForm({ email }: { email?: string }) {
  const { state, pending, formProps } = useActionForm(requestPasswordResetAction);
  return (
    <form {...formProps} className="card space-y-4 p-6">
      <h1 className="text-xl font-semibold">Forgot your password?</h1>
      <p className="text-sm text-slate-600">Enter the address you sign in with. We send you a link to choose a new password.</p>
      <FormMessage state={state} />
      <Field name="email" label="E-mail" type="email" autoComplete="email" required defaultValue={email} state={state} />
      <SubmitButton pending={pending} pendingLabel="Sending…" className="btn btn-primary w-full">
        Send link
      </SubmitButton>
      <p className="text-center text-sm text-slate-600">
        Remembered it?{" "}
        <Link href="/sign-in" className="font-medium text-blue-700 hover:underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
