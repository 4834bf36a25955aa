"use client";
import { Field, FieldError, FormMessage, SubmitButton } from "@/app/components/form";
import { PlusIcon } from "@/app/components/icons";
import { useActionForm } from "@/app/components/use-action-form";
import type { MemberGroup } from "@/lib/authz";
import { inviteMemberAction } from "./actions";

export type GroupOption = { value: MemberGroup; label: string };

export function InviteForm({ account, groups, defaultGroup }: { account: string; groups: GroupOption[]; defaultGroup: MemberGroup }) {
  const { state, pending, formProps } = useActionForm(inviteMemberAction, { resetOnSuccess: true });
  const groupError = state.fieldErrors?.group;
  return (
    <form {...formProps} className="space-y-3 border-b border-slate-200 bg-slate-50 p-3" aria-label="Invite a person">
      <input type="hidden" name="account" value={account} />
      <div className="grid gap-3 sm:grid-cols-[minmax(0,1fr)_minmax(0,1fr)_12rem_auto] sm:items-start">
        <Field name="fullName" label="Full name" autoComplete="off" required state={state} />
        <Field name="email" label="E-mail" type="email" autoComplete="off" spellCheck={false} required state={state} />
        <div>
          <label htmlFor="field-group" className="mb-1 block text-sm font-medium text-slate-700">
            Group
          </label>
          <select id="field-group" name="group" className="input" defaultValue={defaultGroup} aria-invalid={groupError ? true : undefined}>
            {groups.map((g) => (
              <option key={g.value} value={g.value}>
                {g.label}
              </option>
            ))}
          </select>
          <FieldError name="group" state={state} />
        </div>
        <SubmitButton pending={pending} className="btn btn-primary w-full sm:mt-6 sm:w-auto" aria-label="Invite" title="Send invitation">
          <PlusIcon />
          <span className="sm:hidden" aria-hidden>
            Invite
          </span>
        </SubmitButton>
      </div>
      <FormMessage state={state} />
    </form>
  );
}
