"use client";
import { useState, type ReactNode } from "react";
import { ConfirmButton } from "@/app/components/confirm-button";
import { DiscIcon, TrashIcon } from "@/app/components/icons";
import { useActionForm } from "@/app/components/use-action-form";
import type { MemberGroup } from "@/lib/authz";
import type { GroupOption } from "@/app/[account]/users/invite-form";
import { RowMessage, useRowOutcome } from "@/app/[account]/users/row-feedback";
import { deleteCustomerUserAction, updateCustomerUserAction } from "./actions";

export type CustomerUserRowData = {
  userId: string;
  name: string;
  email: string;
  group: MemberGroup;
  groupLabel: string;
  joined: ReactNode;
  isYou: boolean;
};

/** A customer's user as its managers see it; `manage` lets them change the person's name and group in place, saved together. */
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
  const [dirty, setDirty] = useState(false);
  const update = useActionForm(
    track(async (prev, formData) => {
      const answer = await updateCustomerUserAction(prev, formData);
      if (answer.ok) setDirty(false);
      return answer;
    }),
  );
  const remove = useActionForm(track(deleteCustomerUserAction));
  // The row's cells are fields of one form (by its id), so name and group are saved together by one button.
  const formId = `member-${m.userId}`;
  const nameError = update.state.fieldErrors?.name;
  return (
    <>
      <tr data-testid="member-row">
        <td className="font-medium">
          {manage ? (
            <input
              form={formId}
              name="name"
              defaultValue={m.name}
              maxLength={120}
              required
              className="input min-w-[10rem]"
              aria-label={`Name of ${m.email}`}
              aria-invalid={nameError ? true : undefined}
              onChange={() => setDirty(true)}
            />
          ) : (
            m.name
          )}
          {m.isYou ? <span className="ml-1.5 text-xs font-normal text-slate-500">(you)</span> : null}
        </td>
        <td>{m.email}</td>
        <td>
          {manage ? (
            <select
              form={formId}
              name="group"
              defaultValue={m.group}
              className="input min-w-[11.5rem]"
              aria-label={`Group of ${m.email}`}
              onChange={() => setDirty(true)}
            >
              {groups.map((g) => (
                <option key={g.value} value={g.value}>
                  {g.label}
                </option>
              ))}
            </select>
          ) : (
            m.groupLabel
          )}
        </td>
        <td>{m.joined}</td>
        {manage ? (
          <td className="whitespace-nowrap text-right">
            <form {...update.formProps} id={formId} aria-label={`Save ${m.email}`} className="inline-block">
              <input type="hidden" name="account" value={account} />
              <input type="hidden" name="customer" value={customer} />
              <input type="hidden" name="userId" value={m.userId} />
              <button
                type="submit"
                className={dirty ? "btn btn-primary px-3 py-1.5" : "btn-icon"}
                aria-label={`Save changes to ${m.email}`}
                title={dirty ? "Save the changes of this row" : "Save"}
                disabled={update.pending}
              >
                {dirty ? "Save" : <DiscIcon />}
              </button>
            </form>
            <form {...remove.formProps} aria-label={`Delete user ${m.email}`} className="inline-block">
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
