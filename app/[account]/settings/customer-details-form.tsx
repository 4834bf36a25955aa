"use client";
// A customer's details and home page: the same form for its own admins (Settings) and for those who manage it
// (Administration › Customers › Details), posting to the same action.
import { Field, FieldError, FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import type { CustomerView } from "@/lib/accounts";
import { updateCustomerDetailsAction } from "./actions";

/** The details a form edits, and no more of the customer: a client component's props reach the browser. */
export type CustomerDetails = Pick<
  CustomerView,
  | "identifier"
  | "name"
  | "description"
  | "contactEmail"
  | "contactPhone"
  | "country"
  | "state"
  | "city"
  | "postalCode"
  | "addressLine1"
  | "addressLine2"
  | "homeProjectId"
>;

export type HomePageChoice = { id: string; name: string; identifier: string };

export function CustomerDetailsForm({
  details,
  projects,
  moreProjects = false,
  editable,
  withName,
}: {
  details: CustomerDetails;
  /** The projects that may be chosen as home page (the current one included). */
  projects: HomePageChoice[];
  /** True when the customer has more projects than listed. */
  moreProjects?: boolean;
  editable: boolean;
  /** Name and identifier belong to this form (Administration); Settings has them in its own form. */
  withName: boolean;
}) {
  const { state, pending, formProps } = useActionForm(updateCustomerDetailsAction);
  const v = (k: keyof CustomerDetails) => details[k] ?? "";
  const homeError = state.fieldErrors?.homeProject;
  const homeHint =
    projects.length === 0 && !details.homeProjectId
      ? "Where the customer's users land after signing in. It has no projects yet, so the overview is the only choice: once it has a project, that project can be its home page."
      : "Where the customer's users land after signing in. Those who may not see the project land on the overview.";
  return (
    <form {...formProps} className="space-y-6" aria-label="Customer details">
      <input type="hidden" name="account" value={details.identifier} />
      <FormMessage state={state} />
      <fieldset className="card space-y-4 p-5" disabled={!editable}>
        <legend className="sr-only">General</legend>
        <h2 className="font-semibold">General</h2>
        {withName ? (
          <>
            <Field name="name" label="Name" defaultValue={v("name")} required maxLength={120} state={state} />
            <div>
              <label htmlFor="details-identifier" className="mb-1 block text-sm font-medium text-slate-700">
                Identifier
              </label>
              <input
                id="details-identifier"
                className="input font-mono"
                value={details.identifier}
                readOnly
                disabled
                aria-describedby="details-identifier-note"
                data-testid="identifier"
              />
              <p id="details-identifier-note" className="mt-1 text-xs text-amber-800">
                The identifier names the customer on every connected platform. It can never be changed.
              </p>
            </div>
          </>
        ) : null}
        <div>
          <label htmlFor="field-description" className="mb-1 block text-sm font-medium text-slate-700">
            Description (optional)
          </label>
          <textarea
            id="field-description"
            name="description"
            rows={3}
            maxLength={1000}
            defaultValue={v("description")}
            className="input"
            aria-invalid={state.fieldErrors?.description ? true : undefined}
          />
          <FieldError name="description" state={state} />
        </div>
      </fieldset>
      <fieldset className="card space-y-4 p-5" disabled={!editable}>
        <legend className="sr-only">Contact</legend>
        <h2 className="font-semibold">Contact</h2>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field
            name="contactEmail"
            label="Contact e-mail"
            type="email"
            defaultValue={v("contactEmail")}
            autoComplete="off"
            spellCheck={false}
            maxLength={254}
            state={state}
          />
          <Field name="contactPhone" label="Contact phone" type="tel" defaultValue={v("contactPhone")} autoComplete="off" maxLength={40} state={state} />
        </div>
      </fieldset>
      <fieldset className="card space-y-4 p-5" disabled={!editable}>
        <legend className="sr-only">Address</legend>
        <h2 className="font-semibold">Address</h2>
        <Field name="addressLine1" label="Address line 1" defaultValue={v("addressLine1")} autoComplete="off" maxLength={200} state={state} />
        <Field name="addressLine2" label="Address line 2" defaultValue={v("addressLine2")} autoComplete="off" maxLength={200} state={state} />
        <div className="grid gap-4 sm:grid-cols-3">
          <Field name="postalCode" label="Postal code" defaultValue={v("postalCode")} autoComplete="off" maxLength={20} state={state} />
          <Field name="city" label="City" defaultValue={v("city")} autoComplete="off" maxLength={100} state={state} className="sm:col-span-2" />
        </div>
        <div className="grid gap-4 sm:grid-cols-2">
          <Field name="state" label="State or region" defaultValue={v("state")} autoComplete="off" maxLength={100} state={state} />
          <Field name="country" label="Country" defaultValue={v("country")} autoComplete="off" maxLength={100} state={state} />
        </div>
      </fieldset>
      <fieldset className="card space-y-4 p-5" disabled={!editable}>
        <legend className="sr-only">Home page</legend>
        <h2 className="font-semibold">Home page</h2>
        <div>
          <label htmlFor="field-homeProject" className="mb-1 block text-sm font-medium text-slate-700">
            Users land on
          </label>
          <select
            id="field-homeProject"
            name="homeProject"
            defaultValue={details.homeProjectId ?? ""}
            className="input"
            aria-invalid={homeError ? true : undefined}
            aria-describedby={homeError ? "field-homeProject-hint field-homeProject-error" : "field-homeProject-hint"}
          >
            <option value="">The account overview</option>
            {details.homeProjectId && !projects.some((p) => p.id === details.homeProjectId) ? (
              <option value={details.homeProjectId}>The current home project (not listed here)</option>
            ) : null}
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                Project {p.name} ({p.identifier})
              </option>
            ))}
          </select>
          <p id="field-homeProject-hint" className="mt-1 text-xs text-slate-500">
            {homeHint}
            {moreProjects ? " Only the first projects by name are listed." : ""}
          </p>
          {homeError ? (
            <p id="field-homeProject-error" role="alert" className="mt-1 text-sm text-red-700" data-field-error="homeProject">
              {homeError}
            </p>
          ) : null}
        </div>
      </fieldset>
      {editable ? (
        <SubmitButton pending={pending} pendingLabel="Saving…">
          Save details
        </SubmitButton>
      ) : (
        <p className="text-sm text-slate-600">Only admins of the customer and of those who manage it can change these details.</p>
      )}
    </form>
  );
}
