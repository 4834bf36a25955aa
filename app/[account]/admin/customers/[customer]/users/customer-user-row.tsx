"use client";
import type { ReactNode } from "react";
import { ConfirmButton } from "@/app/components/confirm-button";
import { DiscIcon, TrashIcon } from "@/app/components/icons";
import { useActionForm } from "@/app/components/use-action-form";
import type { MemberGroup } from "@/lib/authz";
import { changeMemberGroupAction } from "@/app/[account]/users/actions";
import type { GroupOption } from "@/app/[account]/users/invite-form";
import { RowMessage, useRowOutcome } from "@/app/[account]/users/row-feedback";
import { deleteCustomerUserAction, renameCustomerUserAction } from "./actions";

export type CustomerUserRowData = {
  userId: string;
  name: string;
  email: string;
  group: MemberGroup;
  groupLabel: string;
  joined: ReactNode;
  isYou: boolean;
};

/** A customer's user as its managers see it; `manage` lets them rename the person and change their group in place. */
export function CustomerUserRow({
  member: m,
  manage,
  account,
  customer,
  groups,
}: {
  member: CustomerUserRowData;
  manage: boolean;
  account: string;
  customer: string;
  groups: GroupOption[];
}) {
  const { outcome, track } = useRowOutcome();
  const rename = useActionForm(track(renameCustomerUserAction));
  const group = useActionForm(track(changeMemberGroupAction));
  const remove = useActionForm(track(deleteCustomerUserAction));
  return (
    <>
      <tr data-testid="member-row">
        <td className="font-medium">
          {manage ? (
            <form {...rename.formProps} className="grid grid-cols-[12rem_auto] items-center gap-1">
              <input type="hidden" name="account" value={account} />
              <input type="hidden" name="customer" value={customer} />
              <input type="hidden" name="userId" value={m.userId} />
              <input name="name" defaultValue={m.name} maxLength={120} required className="input" aria-label={`Name of ${m.email}`} />
              <button type="submit" className="btn-icon" aria-label={`Save name of ${m.email}`} title="Save name" disabled={rename.pending}>
                <DiscIcon />
              </button>
            </form>
          ) : (
            m.name
          )}
          {m.isYou ? <span className="ml-1.5 text-xs font-normal text-slate-500">(you)</span> : null}
        </td>
        <td>{m.email}</td>
        <td>
          {manage ? (
            <form {...group.formProps} className="grid grid-cols-[12.5rem_auto] items-center gap-1">
              {/* The group change authorizes against the customer itself, as on the customer's own Users page. */}
              <input type="hidden" name="account" value={customer} />
              <input type="hidden" name="userId" value={m.userId} />
              <select name="group" defaultValue={m.group} className="input" aria-label={`Group of ${m.email}`}>
                {groups.map((g) => (
                  <option key={g.value} value={g.value}>
                    {g.label}
                  </option>
                ))}
              </select>
              <button type="submit" className="btn-icon" aria-label={`Save group of ${m.email}`} title="Save group" disabled={group.pending}>
                <DiscIcon />
              </button>
            </form>
          ) : (
            m.groupLabel
          )}
        </td>
        <td>{m.joined}</td>
        {manage ? (
          <td className="text-right">
            <form {...remove.formProps} aria-label={`Delete user ${m.email}`}>
              <input type="hidden" name="account" value={account} />
              <input type="hidden" name="customer" value={customer} />
              <input type="hidden" name="userId" value={m.userId} />
              <ConfirmButton
                ariaLabel={`Delete ${m.email}`}
                title={`Delete ${m.name}?`}
                message={
                  <>
                    {m.name} leaves this customer and loses access to its projects. If they belong to no other account, their user is deleted too; otherwise
                    they keep their other accounts.
                  </>
                }
                confirmLabel="Delete user"
                disabled={remove.pending}
              >
                <TrashIcon />
              </ConfirmButton>
            </form>
          </td>
        ) : null}
      </tr>
      <RowMessage outcome={outcome} colSpan={manage ? 5 : 4} />
    </>
  );
}
