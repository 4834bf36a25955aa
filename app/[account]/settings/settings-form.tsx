"use client";
import { useState } from "react";
import { useActionForm } from "@/app/components/use-action-form";
import { Field, FormMessage, SubmitButton } from "@/app/components/form";
import { formatIban } from "@/lib/core";
import { updateSettingsAction } from "./actions";

type Settings = {
  identifier: string;
  name: string;
  taxId: string | null;
  billingStreet: string | null;
  billingPostalCode: string | null;
  billingCity: string | null;
  billingCountry: string | null;
  paymentMethod: "invoice" | "sepa_debit";
  sepaAccountHolder: string | null;
  sepaIban: string | null;
};

export function SettingsForm({ settings, editable }: { settings: Settings; editable: boolean }) {
  const { state, pending, formProps } = useActionForm(updateSettingsAction);
  const [method, setMethod] = useState(settings.paymentMethod);
  const v = (k: keyof Settings) => settings[k] ?? "";
  return (
    <form {...formProps} className="space-y-6">
      <input type="hidden" name="account" value={settings.identifier} />
      <FormMessage state={state} />
      <fieldset className="card space-y-4 p-5" disabled={!editable}>
        <legend className="sr-only">General</legend>
        <h2 className="font-semibold">General</h2>
        <Field name="name" label="Account name" defaultValue={v("name")} required state={state} />
        <div>
          <label htmlFor="identifier" className="mb-1 block text-sm font-medium text-slate-700">
            Identifier
          </label>
          <input
            id="identifier"
            className="input font-mono"
            value={settings.identifier}
            readOnly
            disabled
            aria-describedby="identifier-note"
            data-testid="identifier"
          />
          <p id="identifier-note" className="mt-1 text-xs text-slate-500">
            This is the account&apos;s permanent identifier on every connected platform. It can never be changed.
          </p>
        </div>
        <Field name="taxId" label="Tax ID (optional)" defaultValue={v("taxId")} state={state} hint="e.g. your VAT identification number" />
      </fieldset>
      <fieldset className="card space-y-4 p-5" disabled={!editable}>
        <legend className="sr-only">Billing address</legend>
        <h2 className="font-semibold">Billing address</h2>
        <Field name="billingStreet" label="Street and number" defaultValue={v("billingStreet")} autoComplete="street-address" state={state} />
        <div className="grid gap-4 sm:grid-cols-3">
          <Field name="billingPostalCode" label="Postal code" defaultValue={v("billingPostalCode")} autoComplete="postal-code" state={state} />
          <Field name="billingCity" label="City" defaultValue={v("billingCity")} autoComplete="address-level2" state={state} className="sm:col-span-2" />
        </div>
        <Field name="billingCountry" label="Country" defaultValue={v("billingCountry")} autoComplete="country-name" state={state} />
      </fieldset>
      <fieldset className="card space-y-4 p-5" disabled={!editable}>
        <legend className="sr-only">Payment method</legend>
        <h2 className="font-semibold">Payment method</h2>
        <div className="flex flex-wrap gap-4">
          {[
            { value: "invoice", label: "Invoice" },
            { value: "sepa_debit", label: "SEPA direct debit" },
          ].map((o) => (
            <label key={o.value} className="flex items-center gap-2 text-sm">
              <input
                type="radio"
                name="paymentMethod"
                value={o.value}
                checked={method === o.value}
                onChange={() => setMethod(o.value as Settings["paymentMethod"])}
              />
              {o.label}
            </label>
          ))}
        </div>
        {method === "sepa_debit" ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field name="sepaAccountHolder" label="Account holder" defaultValue={v("sepaAccountHolder")} state={state} />
            <Field
              name="sepaIban"
              label="IBAN"
              defaultValue={settings.sepaIban ? formatIban(settings.sepaIban) : ""}
              state={state}
              inputClassName="font-mono"
              autoComplete="off"
              spellCheck={false}
              hint="Checked by its check digits. Tenancy never stores card numbers."
            />
          </div>
        ) : null}
      </fieldset>
      {editable ? (
        <SubmitButton pending={pending} pendingLabel="Saving…">
          Save settings
        </SubmitButton>
      ) : (
        <p className="text-sm text-slate-600">Only Customer Admins can change these settings.</p>
      )}
    </form>
  );
}
