"use client";
import { ConfirmButton } from "@/app/components/confirm-button";
import { FieldError, FormMessage, SubmitButton } from "@/app/components/form";
import { DiscIcon } from "@/app/components/icons";
import { useActionForm } from "@/app/components/use-action-form";
import { setAccountKindAction, setAnyQuotaAction } from "./actions";

export type OperatorAccountRow = {
  identifier: string;
  name: string;
  kind: "customer" | "partner";
  partner: string | null;
  users: number;
  projects: number;
  quota: number;
  created: React.ReactNode;
};

export function AccountRow({ account }: { account: OperatorAccountRow }) {
  const kind = useActionForm(setAccountKindAction);
  const quota = useActionForm(setAnyQuotaAction);
  const toPartner = account.kind === "customer";
  return (
    <tr data-testid="operator-account-row">
      <td className="font-medium">
        <span className="break-words">{account.name}</span>
        <FormMessage state={kind.state.error || kind.state.message ? kind.state : quota.state} />
      </td>
      <td className="font-mono text-xs">{account.identifier}</td>
      <td>{account.kind === "partner" ? "Partner" : account.partner ? `Customer of ${account.partner}` : "Customer"}</td>
      <td className="tabular-nums">{account.users}</td>
      <td>
        <form {...quota.formProps} className="flex items-center gap-1" aria-label={`Project quota of ${account.name}`}>
          <input type="hidden" name="account" value={account.identifier} />
          <span className="tabular-nums text-sm text-slate-600">{account.projects} /</span>
          <input
            name="quota"
            type="number"
            min={0}
            max={100000}
            defaultValue={account.quota}
            className="input w-24 py-1 tabular-nums"
            aria-label={`Project quota of ${account.name}`}
          />
          <SubmitButton pending={quota.pending} className="btn-icon" aria-label={`Save project quota of ${account.name}`}>
            <DiscIcon />
          </SubmitButton>
        </form>
        <FieldError name="quota" state={quota.state} />
      </td>
      <td className="whitespace-nowrap">{account.created}</td>
      <td className="text-right">
        <form {...kind.formProps}>
          <input type="hidden" name="account" value={account.identifier} />
          <input type="hidden" name="kind" value={toPartner ? "partner" : "customer"} />
          <ConfirmButton
            className="btn btn-secondary whitespace-nowrap"
            title={toPartner ? "Make it a partner account?" : "Make it a customer account?"}
            message={
              toPartner
                ? `${account.name} will manage customers of its own from Administration. Its admins become Partner Admins, everyone else Partner Employees.`
                : `${account.name} will no longer manage customers. Its Partner Admins become Customer Admins, everyone else Customer Employees.`
            }
            confirmLabel={toPartner ? "Make partner" : "Make customer"}
          >
            {toPartner ? "Make partner" : "Make customer"}
          </ConfirmButton>
        </form>
      </td>
    </tr>
  );
}
