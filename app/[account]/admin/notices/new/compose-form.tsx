"use client";
import { Field, FieldError, FormMessage, SubmitButton } from "@/app/components/form";
import { GroupPicker, type GroupChoices } from "@/app/components/group-picker";
import { useActionForm } from "@/app/components/use-action-form";
import { composeNoticeAction } from "./actions";
import { counted } from "@/lib/core";

function Choice({ name, value, label, hint, checked }: { name: string; value: string; label: string; hint?: string; checked: boolean }) {
  return (
    <label className="flex items-start gap-2 rounded-md border border-slate-200 bg-white p-2 text-sm has-[:checked]:border-blue-600 has-[:checked]:bg-blue-50">
      <input type="radio" name={name} value={value} defaultChecked={checked} className="mt-0.5 h-4 w-4" />
      <span>
        <span className="font-medium">{label}</span>
        {hint ? <span className="block text-xs text-slate-600">{hint}</span> : null}
      </span>
    </label>
  );
}

export function ComposeNoticeForm({
  account,
  groups,
  customer,
}: {
  account: string;
  /** The partner's groups (see GroupPicker). */
  groups: GroupChoices;
  customer: string;
}) {
  const { state, pending, formProps } = useActionForm(composeNoticeAction);
  const v = state.values ?? {};
  const to = v.to ?? "customers";
  const preview = state.data && typeof state.data.html === "string" ? state.data : null;
  const errorId = (name: string) => (state.fieldErrors?.[name] ? `field-${name}-error` : undefined);
  return (
    <form {...formProps} aria-label="New notice" className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_minmax(0,22rem)]">
      <input type="hidden" name="account" value={account} />
      <div className="card space-y-4 p-4">
        <Field name="title" label="Title" state={state} maxLength={200} required defaultValue={v.title ?? ""} autoComplete="off" />
        <div>
          <label htmlFor="field-body" className="mb-1 block text-sm font-medium text-slate-700">
            Message
          </label>
          <textarea
            id="field-body"
            name="body"
            rows={8}
            maxLength={20000}
            required
            className="input font-mono"
            defaultValue={v.body ?? ""}
            aria-invalid={state.fieldErrors?.body ? true : undefined}
            aria-describedby={["field-body-hint", errorId("body")].filter(Boolean).join(" ")}
          />
          <p id="field-body-hint" className="mt-1 text-xs text-slate-500">
            Markdown: **bold**, _italic_, lists, [links](https://example.com). Scripts, images and styles are removed.
          </p>
          <FieldError name="body" state={state} />
        </div>
        <fieldset>
          <legend className="mb-1 text-sm font-medium text-slate-700">Who must acknowledge</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            <Choice
              name="mode"
              value="all_must_read"
              label="All must read"
              hint="Every recipient acknowledges it."
              checked={(v.mode ?? "all_must_read") === "all_must_read"}
            />
            <Choice
              name="mode"
              value="single_read_only"
              label="Single read only"
              hint="The first acknowledgement in a customer closes it for that customer's other users."
              checked={v.mode === "single_read_only"}
            />
          </div>
          <FieldError name="mode" state={state} />
        </fieldset>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor="field-importance" className="mb-1 block text-sm font-medium text-slate-700">
              Importance
            </label>
            <select id="field-importance" name="importance" className="input" defaultValue={v.importance ?? "information"}>
              <option value="information">Information</option>
              <option value="action_required">Action required</option>
            </select>
            <FieldError name="importance" state={state} />
          </div>
          <Field name="dueAt" label="Due (UTC, action required only)" type="datetime-local" state={state} defaultValue={v.dueAt ?? ""} />
          <Field name="startsAt" label="Show from (UTC, empty: now)" type="datetime-local" state={state} defaultValue={v.startsAt ?? ""} />
          <Field name="expiresAt" label="Show until (UTC, optional)" type="datetime-local" state={state} defaultValue={v.expiresAt ?? ""} />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="emailCopy" defaultChecked={v.emailCopy === "on"} className="mt-0.5 h-4 w-4" />
            <span>Also send each recipient a copy by e-mail</span>
          </label>
          <Field
            name="remindAfterDays"
            label="Remind those still open after (days, optional)"
            type="number"
            min={1}
            max={90}
            state={state}
            defaultValue={v.remindAfterDays ?? ""}
          />
        </div>
      </div>

      <div className="space-y-4">
        <div className="card space-y-3 p-4">
          <fieldset>
            <legend className="mb-1 text-sm font-medium text-slate-700">To</legend>
            <div className="space-y-2">
              <Choice name="to" value="customers" label="These customers" checked={to === "customers"} />
              <div className="pl-6">
                <label htmlFor="field-customers" className="sr-only">
                  Customer identifiers
                </label>
                <textarea
                  id="field-customers"
                  name="customers"
                  rows={2}
                  className="input font-mono text-xs"
                  placeholder="acme, globex"
                  defaultValue={v.customers ?? customer}
                  aria-invalid={state.fieldErrors?.customers ? true : undefined}
                  aria-describedby={["field-customers-hint", errorId("customers")].filter(Boolean).join(" ")}
                />
                <p id="field-customers-hint" className="mt-1 text-xs text-slate-500">
                  Identifiers, separated by commas or spaces.
                </p>
                <FieldError name="customers" state={state} />
              </div>
              {groups.choices.length > 0 ? (
                <>
                  <Choice name="to" value="groups" label="The customers of these groups" checked={to === "groups"} />
                  <div className="pl-6">
                    <GroupPicker account={account} name="groups" multiple groups={groups} label="Groups" />
                    <FieldError name="groups" state={state} />
                  </div>
                </>
              ) : null}
              <Choice name="to" value="all" label="All my customers" checked={to === "all"} />
            </div>
            <FieldError name="to" state={state} />
          </fieldset>
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" name="descendants" defaultChecked={v.descendants === "on"} className="mt-0.5 h-4 w-4" />
            <span>Include their sub-customers</span>
          </label>
          <fieldset>
            <legend className="mb-1 text-sm font-medium text-slate-700">Within each customer</legend>
            <div className="space-y-2">
              <Choice name="audience" value="all" label="All users" checked={(v.audience ?? "all") === "all"} />
              <Choice name="audience" value="admins" label="Customer Admins only" checked={v.audience === "admins"} />
            </div>
          </fieldset>
        </div>
        <FormMessage state={state} />
        <div className="flex flex-wrap gap-2">
          <SubmitButton pending={pending} name="intent" value="preview" className="btn btn-secondary">
            Preview
          </SubmitButton>
          <SubmitButton pending={pending} name="intent" value="send" pendingLabel="Sending…">
            Send notice
          </SubmitButton>
        </div>
        {preview ? (
          <section aria-labelledby="preview-heading" className="card p-4" data-testid="notice-preview">
            <h2 id="preview-heading" className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
              Preview · {counted.customers(Number(preview.customers))}, {counted.people(Number(preview.people))}
            </h2>
            <h3 className="mt-2 font-semibold break-words">{String(preview.title)}</h3>
            {/* Rendered from Markdown and sanitised on the server. */}
            <div className="notice-body mt-2 text-sm break-words" dangerouslySetInnerHTML={{ __html: String(preview.html) }} />
          </section>
        ) : null}
      </div>
    </form>
  );
}
