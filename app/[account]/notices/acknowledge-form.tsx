"use client";
import { FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { acknowledgeNoticeAction } from "./actions";

export function AcknowledgeForm({ account, noticeId, title, compact = false }: { account: string; noticeId: string; title: string; compact?: boolean }) {
  const { state, pending, formProps } = useActionForm(acknowledgeNoticeAction);
  return (
    <form {...formProps} aria-label={`Acknowledge ${title}`} className="flex flex-wrap items-center gap-2">
      <input type="hidden" name="account" value={account} />
      <input type="hidden" name="noticeId" value={noticeId} />
      <SubmitButton pending={pending} pendingLabel="Acknowledging…" className={compact ? "btn btn-primary px-2.5 py-1 text-xs" : undefined}>
        Acknowledge
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
