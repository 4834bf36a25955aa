"use client";
import Link from "next/link";
import { FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { addMyselfAction } from "./actions";

/**
 * "Add Myself" makes the partner user a Customer Admin of the customer. Afterwards (or when they already are one) it
 * says where to go next: the customer is now in the account switcher.
 */
export function AddMyself({ account, customer, isAdmin }: { account: string; customer: { identifier: string; name: string }; isAdmin: boolean }) {
  const { state, pending, formProps } = useActionForm(addMyselfAction);
  if (state.ok || isAdmin)
    return (
      <div
        role={state.ok ? "status" : undefined}
        data-testid="add-myself-done"
        className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-900"
      >
        <p className="font-medium">{state.ok ? state.message : `You are a Customer Admin of ${customer.name}.`}</p>
        <p className="mt-1">Switch to {customer.name} in the account switcher at the top left to invite its users and create its projects.</p>
        <Link href={`/${customer.identifier}/users`} className="mt-1 inline-block font-medium text-blue-700 hover:underline">
          Open the Users of {customer.name} →
        </Link>
      </div>
    );
  return (
    <form {...formProps} className="space-y-2 sm:text-right">
      <input type="hidden" name="account" value={account} />
      <input type="hidden" name="customer" value={customer.identifier} />
      <SubmitButton pending={pending} pendingLabel="Adding you…" className="btn btn-primary w-full sm:w-auto">
        Add Myself
      </SubmitButton>
      <p className="text-xs text-slate-500">Makes you a Customer Admin, so you can work in its projects and settings.</p>
      <FormMessage state={state} />
    </form>
  );
}
