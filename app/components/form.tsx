"use client";
// Accessible form pieces: every field has a label, its error is announced and tied to it with aria-describedby.
import type { ComponentProps, ReactNode } from "react";
import type { ActionState } from "@/lib/web";

export function Field({
  name,
  label,
  state,
  hint,
  className,
  inputClassName = "",
  ...input
}: { name: string; label: string; state?: ActionState; hint?: ReactNode; className?: string; inputClassName?: string } & ComponentProps<"input">) {
  const error = state?.fieldErrors?.[name];
  const id = input.id ?? `field-${name}`;
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className={className}>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
      <input id={id} name={name} className={`input ${inputClassName}`} aria-invalid={error ? true : undefined} aria-describedby={described} {...input} />
      {hint ? (
        <p id={`${id}-hint`} className="mt-1 text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} role="alert" className="mt-1 text-sm text-red-700" data-field-error={name}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function FieldError({ name, state }: { name: string; state?: ActionState }) {
  const error = state?.fieldErrors?.[name];
  if (!error) return null;
  return (
    <p role="alert" className="mt-1 text-sm text-red-700" data-field-error={name}>
      {error}
    </p>
  );
}

export function FormMessage({ state }: { state: ActionState }) {
  if (state.error)
    return (
      <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
        {state.error}
      </div>
    );
  if (state.message)
    return (
      <div role="status" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
        {state.message}
      </div>
    );
  return null;
}

export function SubmitButton({
  children,
  pending = false,
  pendingLabel,
  className = "btn btn-primary",
  ...rest
}: { children: ReactNode; pending?: boolean; pendingLabel?: string; className?: string } & React.ButtonHTMLAttributes<HTMLButtonElement>) {
  return (
    <button type="submit" className={className} {...rest} disabled={pending || rest.disabled} aria-busy={pending}>
      {pending && pendingLabel ? pendingLabel : children}
    </button>
  );
}

/** The password field of every form that creates an account; the hint states the rules `passwordSchema` enforces. */
export function NewPasswordField({ state }: { state?: ActionState }) {
  return (
    <Field
      name="password"
      label="Password"
      type="password"
      autoComplete="new-password"
      required
      state={state}
      hint="At least 10 characters, mixing letters with digits or symbols."
    />
  );
}
