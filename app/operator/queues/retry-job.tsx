"use client";
import { FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { retryJobAction } from "./actions";

export function RetryJob({ queue, jobId }: { queue: string; jobId: string }) {
  const { state, pending, formProps } = useActionForm(retryJobAction);
  return (
    <form {...formProps} className="flex flex-col items-end gap-1">
      <input type="hidden" name="queue" value={queue} />
      <input type="hidden" name="jobId" value={jobId} />
      <SubmitButton pending={pending} className="btn btn-secondary whitespace-nowrap" aria-label={`Retry job ${jobId}`}>
        Retry
      </SubmitButton>
      <FormMessage state={state} />
    </form>
  );
}
