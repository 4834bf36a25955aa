"use client";
import { Field, FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { changeEmailAction, changePasswordAction, resendVerificationAction, signOutEverywhereAction, updateNameAction } from "./actions";

export function NameForm({ name }: { name: string }) {
  const { state, pending, formProps } = useActionForm(updateNameAction);
  return (
    <form {...formProps} aria-label="Your name" className="card space-y-4 p-5">
      <h2 className="font-semibold">Name</h2>
      <FormMessage state={state} />
      <Field name="name" label="Full name" autoComplete="name" defaultValue={name} required state={state} />
      <SubmitButton pending={pending} pendingLabel="Saving…">
        Save name
      </SubmitButton>
    </form>
  );
}

export function ResendVerificationForm() {
  const { state, pending, formProps } = useActionForm(resendVerificationAction);
  return (
    <form {...formProps} aria-label="Confirm your address" className="space-y-2">
      <FormMessage state={state} />
      <SubmitButton pending={pending} pendingLabel="Sending…" className="btn btn-secondary">
        Send a new confirmation link
      </SubmitButton>
    </form>
  );
}

export function ChangeEmailForm() {
  const { state, pending, formProps } = useActionForm(changeEmailAction, { resetOnSuccess: true });
  return (
    <form {...formProps} aria-label="Change e-mail address" className="space-y-4 border-t border-slate-100 pt-4">
      <h3 className="text-sm font-semibold text-slate-800">Change your address</h3>
      <FormMessage state={state} />
      <Field
        name="email"
        label="New e-mail address"
        type="email"
        autoComplete="email"
        required
        state={state}
        hint="We send a link there; your address changes when you open it."
      />
      <Field
        id="email-current-password"
        name="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        state={state}
      />
      <SubmitButton pending={pending} pendingLabel="Sending…" className="btn btn-secondary">
        Send confirmation link
      </SubmitButton>
    </form>
  );
}

export function ChangePasswordForm() {
  const { state, pending, formProps } = useActionForm(changePasswordAction, { resetOnSuccess: true });
  return (
    <form {...formProps} aria-label="Change password" className="card space-y-4 p-5">
      <h2 className="font-semibold">Password</h2>
      <FormMessage state={state} />
      <Field
        id="password-current-password"
        name="currentPassword"
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        state={state}
      />
      <Field
        name="newPassword"
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        state={state}
        hint="At least 10 characters, mixing letters with digits or symbols. Changing it signs you out everywhere else."
      />
      <SubmitButton pending={pending} pendingLabel="Changing…">
        Change password
      </SubmitButton>
    </form>
  );
}

export function SignOutEverywhereForm() {
  const { state, pending, formProps } = useActionForm(signOutEverywhereAction);
  return (
    <form {...formProps} aria-label="Sessions" className="card space-y-4 p-5">
      <h2 className="font-semibold">Sessions</h2>
      <p className="text-sm text-slate-600">Signed in on a computer you no longer use, or lost a phone? End every session except this one.</p>
      <FormMessage state={state} />
      <SubmitButton pending={pending} pendingLabel="Signing out…" className="btn btn-secondary">
        Sign out everywhere else
      </SubmitButton>
    </form>
  );
}
