"use client";
import { Field, FieldError, FormMessage, SubmitButton } from "@/app/components/form";
import { PlusIcon } from "@/app/components/icons";
import { useActionForm } from "@/app/components/use-action-form";
import type { MemberGroup } from "@/lib/authz";
import { inviteListAction, inviteMemberAction } from "./actions";

export type GroupOption = { value: MemberGroup; label: string };

export function InviteForm({ account, groups, defaultGroup }: { account: string; groups: GroupOption[]; defaultGroup: MemberGroup }) {
  const { state, pending, formProps } = useActionForm(inviteMemberAction, { resetOnSuccess: true });
  const groupError = state.fieldErrors?.group;
  return (
    <>
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
      <InviteListForm account={account} groups={groups} defaultGroup={defaultGroup} />
    </>
  );
}

/** Many people into the account at once: a pasted list, checked line by line, then all invited (or none). */
function InviteListForm({ account, groups, defaultGroup }: { account: string; groups: GroupOption[]; defaultGroup: MemberGroup }) {
  const { state, pending, formProps } = useActionForm(inviteListAction);
  const lines = Array.isArray(state.data?.lines) ? state.data.lines : [];
  return (
    <details className="border-b border-slate-200 bg-slate-50 px-3 pb-3" data-testid="invite-list">
      <summary className="cursor-pointer py-2 text-sm font-medium text-blue-800">Invite several people at once…</summary>
      <form {...formProps} aria-label="Invite a list of people" className="space-y-3">
        <input type="hidden" name="account" value={account} />
        <div>
          <label htmlFor="field-people" className="mb-1 block text-sm font-medium text-slate-700">
            People, one per line
          </label>
          <textarea
            id="field-people"
            name="people"
            rows={6}
            spellCheck={false}
            className="input font-mono text-sm"
            placeholder={"Ada Lovelace <ada@example.com>\nAlan Turing, alan@example.com"}
            aria-invalid={state.fieldErrors?.people ? true : undefined}
            aria-describedby="field-people-hint"
          />
          <p id="field-people-hint" className="mt-1 text-xs text-slate-500">
            A full name and an e-mail address on each line. Check the list first: every line is checked, and nobody is invited until all are fine.
          </p>
          <FieldError name="people" state={state} />
        </div>
        <div className="flex flex-wrap items-end gap-2">
          <div>
            <label htmlFor="field-list-group" className="mb-1 block text-sm font-medium text-slate-700">
              Group for all of them
            </label>
            <select id="field-list-group" name="group" className="input" defaultValue={defaultGroup}>
              {groups.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
            </select>
          </div>
          <SubmitButton pending={pending} name="intent" value="check" className="btn btn-secondary">
            Check the list
          </SubmitButton>
          <SubmitButton pending={pending} name="intent" value="invite" className="btn btn-primary">
            Invite everyone
          </SubmitButton>
        </div>
        <FormMessage state={state} />
        {lines.length > 0 ? (
          <ul className="max-h-64 overflow-y-auto rounded border border-slate-200 bg-white p-2 text-sm" data-testid="invite-list-lines">
            {lines.map((l) => (
              <li key={l} className={l.endsWith("ready to invite") ? "text-slate-700" : "text-red-700"}>
                {l}
              </li>
            ))}
          </ul>
        ) : null}
      </form>
    </details>
  );
}
