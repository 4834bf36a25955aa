"use client";
import type { ReactNode } from "react";
import { ConfirmButton } from "@/app/components/confirm-button";
import { ResendIcon, TrashIcon } from "@/app/components/icons";
import { useActionForm } from "@/app/components/use-action-form";
import { resendInvitationAction, revokeInvitationAction } from "./actions";
import { RowMessage, useRowOutcome } from "./row-feedback";

export type InvitationRowData = {
  id: string;
  fullName: string;
  email: string;
  groupLabel: string;
  invitedBy: string;
  sentAt: ReactNode;
  expiresAt: ReactNode;
  expired: boolean;
  deliveryStatus: "queued" | "sent" | "failed";
  deliveryError: string | null;
};

export function InvitationRow({ account, invitation: inv }: { account: string; invitation: InvitationRowData }) {
  const { outcome, track } = useRowOutcome();
  const resend = useActionForm(track(resendInvitationAction));
  const revoke = useActionForm(track(revokeInvitationAction, { removesRow: true }));
  return (
    <>
      <tr data-testid="invitation-row">
        <td className="font-medium">{inv.fullName}</td>
        <td>{inv.email}</td>
        <td>{inv.groupLabel}</td>
        <td>{inv.invitedBy}</td>
        <td>{inv.sentAt}</td>
        <td>{inv.expired ? <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-medium text-amber-900">expired</span> : inv.expiresAt}</td>
        <td>
          <DeliveryStatus status={inv.deliveryStatus} error={inv.deliveryError} />
        </td>
        <td>
          <div className="flex justify-end gap-1">
            <form {...resend.formProps}>
              <input type="hidden" name="account" value={account} />
              <input type="hidden" name="invitationId" value={inv.id} />
              <button type="submit" className="btn-icon" aria-label={`Resend invitation to ${inv.email}`} title="Resend" disabled={resend.pending}>
                <ResendIcon />
              </button>
            </form>
            <form {...revoke.formProps}>
              <input type="hidden" name="account" value={account} />
              <input type="hidden" name="invitationId" value={inv.id} />
              <ConfirmButton
                title="Revoke this invitation?"
                message={
                  <p>
                    {inv.fullName} ({inv.email}) will no longer be able to join with the link we sent. You can invite them again later.
                  </p>
                }
                confirmLabel="Revoke"
                ariaLabel={`Revoke invitation of ${inv.email}`}
                className="btn-icon hover:text-red-700"
                disabled={revoke.pending}
              >
                <TrashIcon />
              </ConfirmButton>
            </form>
          </div>
        </td>
      </tr>
      <RowMessage outcome={outcome} colSpan={8} />
    </>
  );
}

function DeliveryStatus({ status, error }: { status: InvitationRowData["deliveryStatus"]; error: string | null }) {
  if (status === "failed")
    return (
      <span className="inline-flex flex-col">
        <span className="w-fit rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800" data-testid="delivery-status">
          failed
        </span>
        <span className="mt-0.5 text-xs text-red-700" data-testid="delivery-error">
          {error ? `${error} ` : "Not delivered. "}Check the address, then resend.
        </span>
      </span>
    );
  const style = status === "sent" ? "bg-green-100 text-green-800" : "bg-slate-100 text-slate-700";
  return (
    <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${style}`} data-testid="delivery-status">
      {status === "queued" ? "sending…" : status}
    </span>
  );
}
