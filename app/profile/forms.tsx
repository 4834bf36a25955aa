"use client";
import { formatUtc } from "@/app/components/day";
import { Field, FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import type { SessionList } from "@/lib/profile";
import { changeEmailAction, changePasswordAction, endSessionAction, resendVerificationAction, signOutEverywhereAction, updateNameAction } from "./actions";

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

/**
 * The person's sessions, this device first, each but this one with its own sign-out: one form whose buttons name the
 * session, so the answer stays on screen when the ended row leaves the list.
 */
export function SessionsList({ list }: { list: SessionList }) {
  const { state, pending, formProps } = useActionForm(endSessionAction);
  return (
    <form {...formProps} aria-label="Where you are signed in" className="space-y-3">
      <FormMessage state={state} />
      <ul className="divide-y divide-slate-100 rounded-md border border-slate-200" data-testid="sessions">
        {list.sessions.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 px-3 py-3" data-testid="session">
            <div className="min-w-0 space-y-0.5">
              <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
                <span>
                  {s.browser} on {s.device === "Unknown device" ? "an unknown device" : s.device}
                </span>
                {s.current ? (
                  <span className="rounded bg-green-50 px-1.5 py-0.5 text-xs font-medium text-green-800" data-testid="this-device">
                    This device
                  </span>
                ) : null}
              </p>
              <p className="text-xs text-slate-600">
                {s.ipAddress ?? "Address unknown"} · signed in {formatUtc(s.createdAt)} · last seen {s.current ? "now" : formatUtc(s.lastSeenAt)}
              </p>
            </div>
            {s.current ? null : (
              <SubmitButton
                name="sessionId"
                value={s.id}
                pending={pending}
                className="btn btn-secondary text-sm"
                aria-label={`Sign out ${s.browser} on ${s.device}, last seen ${formatUtc(s.lastSeenAt)}`}
              >
                Sign out
              </SubmitButton>
            )}
          </li>
        ))}
      </ul>
      {list.more > 0 ? (
        <p className="text-xs text-slate-600">And {list.more} more, seen less recently. &ldquo;Sign out everywhere else&rdquo; ends them too.</p>
      ) : null}
    </form>
  );
}

export function SignOutEverywhereForm() {
  const { state, pending, formProps } = useActionForm(signOutEverywhereAction);
  return (
    <form {...formProps} aria-label="Sign out everywhere else" className="space-y-3 border-t border-slate-100 pt-4">
      <p className="text-sm text-slate-600">Signed in on a computer you no longer use, or lost a phone? End every session except this one.</p>
      <FormMessage state={state} />
      <SubmitButton pending={pending} pendingLabel="Signing out…" className="btn btn-secondary">
        Sign out everywhere else
      </SubmitButton>
    </form>
  );
}
