"use client";
// Leaving an account, for a member who may (never the last admin: the server refuses that too).
import { ConfirmButton } from "@/app/components/confirm-button";
import { FormMessage } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { leaveAccountAction } from "./actions";

export function LeaveAccountForm({ account, accountName }: { account: string; accountName: string }) {
  const { state, pending, formProps } = useActionForm(leaveAccountAction);
  return (
    <form {...formProps} aria-label={`Leave ${accountName}`} className="space-y-2">
      <input type="hidden" name="account" value={account} />
      <ConfirmButton
        title={`Leave ${accountName}?`}
        confirmLabel="Leave"
        className="btn btn-secondary text-red-700"
        disabled={pending}
        message={<p>You will lose access to {accountName}, to all of its projects and to their cloud resources. To come back, you need a new invitation.</p>}
      >
        Leave {accountName}…
      </ConfirmButton>
      <FormMessage state={state} />
    </form>
  );
}
