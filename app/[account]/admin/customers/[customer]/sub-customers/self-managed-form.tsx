"use client";
import { ConfirmButton } from "@/app/components/confirm-button";
import { FormMessage } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { setSelfManagedAction } from "./actions";

/** The partner's switch: whether the customer's own Customer Admins manage its sub-customers. Either way is confirmed. */
export function SelfManagedForm({ account, customer, selfManaged }: { account: string; customer: { identifier: string; name: string }; selfManaged: boolean }) {
  const { state, pending, formProps } = useActionForm(setSelfManagedAction);
  return (
    <form {...formProps} className="space-y-2" aria-label="Self-managed">
      <input type="hidden" name="account" value={account} />
      <input type="hidden" name="customer" value={customer.identifier} />
      <input type="hidden" name="selfManaged" value={selfManaged ? "off" : "on"} />
      <ConfirmButton
        className={selfManaged ? "btn btn-secondary" : "btn btn-primary"}
        disabled={pending}
        title={selfManaged ? `Stop self-management of ${customer.name}?` : `Make ${customer.name} self-managed?`}
        message={
          selfManaged ? (
            <p>
              The Customer Admins of {customer.name} lose their Administration area at once: they can no longer create sub-customers, invite their users or add
              themselves to them. Memberships they already hold stay.
            </p>
          ) : (
            <p>
              Every Customer Admin of {customer.name} gets an Administration area over its sub-customers, all the way down: they can create sub-customers,
              invite and manage their users, and add themselves to them. Quotas and this setting stay yours.
            </p>
          )
        }
        confirmLabel={selfManaged ? "Stop self-management" : "Make self-managed"}
      >
        {pending ? "Saving…" : selfManaged ? "Stop self-management" : "Make self-managed"}
      </ConfirmButton>
      <FormMessage state={state} />
    </form>
  );
}
