"use client";
import { FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { acknowledgeNoticeAction } from "./actions";

export function AcknowledgeForm({ account, noticeId, title }: { account: string; noticeId: string; title: string }) {
  const { state, pending, formProps } = useActionForm(acknowledgeNoticeAction);
  return (
    <form {...formProps} aria-label={`Acknowledge ${title}`} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="account" value={account} />
      <input type="hidden" name="noticeId" value={noticeId} />
      <SubmitButton pending={pending} pendingLabel="Acknowledging…">
        Acknowledge
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
