"use client";
import type { ReactNode } from "react";
import { ConfirmButton } from "@/app/components/confirm-button";
import { DiscIcon, TrashIcon } from "@/app/components/icons";
import { useActionForm } from "@/app/components/use-action-form";
import type { MemberGroup } from "@/lib/authz";
import { changeMemberGroupAction, removeMemberAction } from "./actions";
import type { GroupOption } from "./invite-form";
import { RowMessage, useRowOutcome } from "./row-feedback";

export type MemberRowData = {
  userId: string;
  name: string;
  email: string;
  group: MemberGroup;
  groupLabel: string;
  joined: ReactNode;
  isYou: boolean;
  emailVerified: boolean;
};

/** A member as everyone sees it; `manage` adds the group select, save and remove for those allowed to manage users. */
export function MemberRow({
  member: m,
  manage,
  account,
  accountName,
  groups,
}: {
  member: MemberRowData;
  manage: boolean;
  account: string;
  accountName: string;
  groups: GroupOption[];
}) {
  const { outcome, track } = useRowOutcome();
  const group = useActionForm(track(changeMemberGroupAction));
  const remove = useActionForm(track(removeMemberAction, { removesRow: true }));
  return (
    <>
      <tr data-testid="member-row">
        <td className="font-medium">
          {m.name}
          {m.isYou ? <span className="ml-1.5 text-xs font-normal text-slate-500">(you)</span> : null}
        </td>
        <td>
          {m.email}
          {m.emailVerified ? null : (
            <span
              className="ml-1.5 rounded bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-900"
              title="This person hasn't confirmed yet that the address is theirs."
              data-testid="unverified-email"
            >
              unverified
            </span>
          )}
        </td>
        <td>
          {manage ? (
            <form {...group.formProps} className="grid grid-cols-[12.5rem_auto] items-center gap-1">
              <input type="hidden" name="account" value={account} />
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
          <td>
            {/* One's own membership is left from "Leave this account" below the list. */}
            {m.isYou ? null : (
              <form {...remove.formProps} className="flex justify-end">
                <input type="hidden" name="account" value={account} />
                <input type="hidden" name="userId" value={m.userId} />
                <ConfirmButton
                  title={`Remove ${m.name}?`}
                  message={
                    <p>
                      {m.name} ({m.email}) will lose access to {accountName}, to all of its projects and to their cloud resources. To come back, they need a new
                      invitation.
                    </p>
                  }
                  confirmLabel="Remove"
                  ariaLabel={`Remove ${m.email}`}
                  className="btn-icon hover:text-red-700"
                  disabled={remove.pending}
                >
                  <TrashIcon />
                </ConfirmButton>
              </form>
            )}
          </td>
        ) : null}
      </tr>
      <RowMessage outcome={outcome} colSpan={manage ? 5 : 4} />
    </>
  );
}
