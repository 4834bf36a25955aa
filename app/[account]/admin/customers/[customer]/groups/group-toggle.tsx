"use client";
import { FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { changeGroupMembershipAction } from "../../actions";

/** Puts the customer into one group or takes it out: the Customers list's selection action, for one row. */
export function GroupToggle({ account, customer, group, member }: { account: string; customer: string; group: { id: string; name: string }; member: boolean }) {
  const { state, pending, formProps } = useActionForm(changeGroupMembershipAction);
  return (
    <form {...formProps} aria-label={`${member ? "Remove from" : "Add to"} ${group.name}`} className="flex flex-col items-end gap-1">
      <input type="hidden" name="account" value={account} />
      <input type="hidden" name="groupId" value={group.id} />
      <input type="hidden" name="customers" value={customer} />
      <SubmitButton pending={pending} name="change" value={member ? "remove" : "add"} className="btn btn-secondary whitespace-nowrap">
        {member ? "Remove from group" : "Add to group"}
      </SubmitButton>
      {state.error ? <FormMessage state={state} /> : null}
    </form>
  );
}
