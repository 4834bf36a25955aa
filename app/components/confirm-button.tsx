"use client";
// A destructive action asks first: the button opens a dialog; only "confirm" submits the form it belongs to.
import { useRef, type ReactNode } from "react";

export function ConfirmButton({
  children,
  title,
  message,
  confirmLabel,
  className = "btn-icon",
  ariaLabel,
  disabled,
}: {
  children: ReactNode;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  className?: string;
  ariaLabel?: string;
  disabled?: boolean;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const submit = useRef<HTMLButtonElement>(null);
  return (
    <>
      <button type="button" className={className} aria-label={ariaLabel} disabled={disabled} onClick={() => dialog.current?.showModal()}>
        {children}
      </button>
      <button ref={submit} type="submit" hidden tabIndex={-1} aria-hidden />
      {/* The dialog inherits text styles from where it sits (a table cell that doesn't wrap, a right-aligned column): it resets them. */}
      <dialog
        ref={dialog}
        className="m-auto max-h-[calc(100dvh-2rem)] w-[min(28rem,calc(100vw-2rem))] overflow-auto rounded-lg p-0 text-left font-normal whitespace-normal break-words shadow-xl backdrop:bg-slate-900/40"
        aria-label={title}
      >
        <div className="space-y-3 p-5">
          <h2 className="text-lg font-semibold">{title}</h2>
          <div className="text-sm text-slate-700">{message}</div>
          <div className="flex justify-end gap-2 pt-2">
            <button type="button" className="btn btn-secondary" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button
              type="button"
              className="btn btn-danger"
              onClick={() => {
                dialog.current?.close();
                submit.current?.click();
              }}
            >
              {confirmLabel}
            </button>
          </div>
        </div>
      </dialog>
    </>
  );
}
