"use client";
import Link from "next/link";
import { useState } from "react";
import { useActionForm } from "@/app/components/use-action-form";
import { Field, NewPasswordField, FormMessage, SubmitButton } from "@/app/components/form";
import { suggestIdentifier } from "@/lib/core";
import { signUpAction } from "./actions";

export function SignUpForm() {
  const { state, pending, formProps } = useActionForm(signUpAction);
  const [accountName, setAccountName] = useState("");
  const [identifier, setIdentifier] = useState("");
  const [identifierEdited, setIdentifierEdited] = useState(false);
  const shownIdentifier = identifierEdited ? identifier : suggestIdentifier(accountName);

  return (
    <form {...formProps} className="card space-y-4 p-6">
      <h1 className="text-xl font-semibold">Create your account</h1>
      <p className="text-sm text-slate-600">A customer account for your company or department is created with you as its Customer Admin.</p>
      <FormMessage state={state} />
      <fieldset className="space-y-4">
        <legend className="text-sm font-semibold text-slate-800">You</legend>
        <Field name="fullName" label="Full name" autoComplete="name" required state={state} />
        <Field name="email" label="E-mail" type="email" autoComplete="email" required state={state} />
        <NewPasswordField state={state} />
      </fieldset>
      <fieldset className="space-y-4">
        <legend className="text-sm font-semibold text-slate-800">Your customer account</legend>
        <div>
          <label htmlFor="field-accountName" className="mb-1 block text-sm font-medium text-slate-700">
            Account name
          </label>
          <input
            id="field-accountName"
            name="accountName"
            className="input"
            required
            value={accountName}
            onChange={(e) => setAccountName(e.target.value)}
            aria-invalid={state.fieldErrors?.accountName ? true : undefined}
            aria-describedby={state.fieldErrors?.accountName ? "field-accountName-error" : undefined}
            placeholder="e.g. Acme Cloud GmbH"
          />
          {state.fieldErrors?.accountName ? (
            <p id="field-accountName-error" role="alert" className="mt-1 text-sm text-red-700" data-field-error="accountName">
              {state.fieldErrors.accountName}
            </p>
          ) : null}
        </div>
        <div>
          <label htmlFor="field-identifier" className="mb-1 block text-sm font-medium text-slate-700">
            Account identifier
          </label>
          <input
            id="field-identifier"
            name="identifier"
            className="input font-mono"
            required
            value={shownIdentifier}
            onChange={(e) => {
              setIdentifierEdited(true);
              setIdentifier(e.target.value);
            }}
            aria-invalid={state.fieldErrors?.identifier ? true : undefined}
            aria-describedby="field-identifier-hint field-identifier-warning"
            spellCheck={false}
            autoCapitalize="none"
          />
          <p id="field-identifier-hint" className="mt-1 text-xs text-slate-500">
            Lowercase letters, digits and hyphens; 3–40 characters, starting with a letter.
          </p>
          <p id="field-identifier-warning" className="mt-1 rounded bg-amber-50 px-2 py-1 text-xs text-amber-900">
            ⚠ The identifier can never be changed later: it names this account on every connected platform.
          </p>
          {state.fieldErrors?.identifier ? (
            <p role="alert" className="mt-1 text-sm text-red-700" data-field-error="identifier">
              {state.fieldErrors.identifier}
            </p>
          ) : null}
        </div>
      </fieldset>
      <SubmitButton pending={pending} className="btn btn-primary w-full" pendingLabel="Creating your account…">
        Create account
      </SubmitButton>
      <p className="text-center text-sm text-slate-600">
        Already have an account?{" "}
        <Link href="/sign-in" className="font-medium text-blue-700 hover:underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
