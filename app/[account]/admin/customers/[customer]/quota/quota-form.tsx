"use client";
import { FieldError, FormMessage, SubmitButton } from "@/app/components/form";
import { DiscIcon } from "@/app/components/icons";
import { useActionForm } from "@/app/components/use-action-form";
import { setQuotaAction } from "./actions";
import { counted } from "@/lib/core";

export function QuotaForm({ account, customer, quota, used }: { account: string; customer: string; quota: number; used: number }) {
  const { state, pending, formProps } = useActionForm(setQuotaAction);
  const error = state.fieldErrors?.quota;
  return (
    <form {...formProps} className="space-y-3" aria-label="Set the quota">
      <input type="hidden" name="account" value={account} />
      <input type="hidden" name="customer" value={customer} />
      <div>
        <label htmlFor="field-quota" className="mb-1 block text-sm font-medium text-slate-700">
          Project quota
        </label>
        <div className="flex items-center gap-2">
          <input
            id="field-quota"
            name="quota"
            type="number"
            inputMode="numeric"
            min={0}
            max={100000}
            step={1}
            defaultValue={quota}
            className="input max-w-32 tabular-nums"
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "field-quota-hint field-quota-error" : "field-quota-hint"}
          />
          <SubmitButton pending={pending} pendingLabel="Saving…">
            <DiscIcon /> Save
          </SubmitButton>
        </div>
        <p id="field-quota-hint" className="mt-1 text-xs text-slate-500">
          The most projects the customer may have. {counted.inUse(used)}, so it can&apos;t go below {used}.
        </p>
        <div id="field-quota-error">
          <FieldError name="quota" state={state} />
        </div>
      </div>
      <FormMessage state={state} />
    </form>
  );
}
