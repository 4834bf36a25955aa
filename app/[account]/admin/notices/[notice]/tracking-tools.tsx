"use client";
import { ConfirmButton } from "@/app/components/confirm-button";
import { Field, FieldError, FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { editNoticeAction, remindNoticeAction, withdrawNoticeAction } from "./actions";

/** `open`: how many are still open, in the notice's unit (people, or customers for Single read only); none disables reminding. */
type Props = { account: string; notice: { id: string; title: string; body: string }; open: number; shown: boolean };

export function TrackingTools({ account, notice, open, shown }: Props) {
  const remind = useActionForm(remindNoticeAction);
  const withdraw = useActionForm(withdrawNoticeAction);
  const edit = useActionForm(editNoticeAction);
  const hidden = (
    <>
      <input type="hidden" name="account" value={account} />
      <input type="hidden" name="noticeId" value={notice.id} />
    </>
  );
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-start gap-2">
        {shown ? (
          <form {...remind.formProps} aria-label="Remind those still open">
            {hidden}
            <SubmitButton pending={remind.pending} className="btn btn-secondary" disabled={open === 0}>
              Remind those still open
            </SubmitButton>
          </form>
        ) : null}
        <details className="text-left">
          <summary className="btn btn-secondary cursor-pointer list-none">Edit</summary>
          <form {...edit.formProps} aria-label="Edit the notice" className="card mt-2 w-[min(32rem,calc(100vw-2rem))] space-y-3 p-3">
            {hidden}
            <Field name="title" label="Title" state={edit.state} id="edit-title" defaultValue={notice.title} maxLength={200} required />
            <div>
              <label htmlFor="edit-body" className="mb-1 block text-sm font-medium text-slate-700">
                Message (Markdown)
              </label>
              <textarea id="edit-body" name="body" rows={6} maxLength={20000} className="input font-mono" defaultValue={notice.body} required />
              <FieldError name="body" state={edit.state} />
            </div>
            <label className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="reissue" className="mt-0.5 h-4 w-4" />
              <span>
                A material change: <strong>re-issue</strong> it, so everyone must acknowledge again. Leave unticked to correct a typo and keep the
                acknowledgements.
              </span>
            </label>
            <SubmitButton pending={edit.pending}>Save</SubmitButton>
            <FormMessage state={edit.state} />
          </form>
        </details>
        {shown ? (
          <form {...withdraw.formProps} aria-label="Withdraw the notice">
            {hidden}
            <ConfirmButton
              className="btn btn-danger"
              title={`Withdraw “${notice.title}”?`}
              message="Nobody will see it any more, open or not. Its tracking stays here. This can't be undone; send a new notice instead."
              confirmLabel="Withdraw"
              disabled={withdraw.pending}
            >
              Withdraw
            </ConfirmButton>
          </form>
        ) : null}
      </div>
      <FormMessage state={remind.state} />
      <FormMessage state={withdraw.state} />
    </div>
  );
}
