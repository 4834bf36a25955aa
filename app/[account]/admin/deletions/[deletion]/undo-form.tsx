"use client";
import { useEffect, useState } from "react";
import { FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { cancelDeletionAction } from "../actions";

/** Undo, with the time left to do it counting down. */
export function UndoForm({ account, deletionId, undoUntil }: { account: string; deletionId: string; undoUntil: string }) {
  const { state, pending, formProps } = useActionForm(cancelDeletionAction);
  const left = useSecondsUntil(undoUntil);
  return (
    <form {...formProps} aria-label="Undo the deletion" className="space-y-2">
      <input type="hidden" name="account" value={account} />
      <input type="hidden" name="deletionId" value={deletionId} />
      <div className="flex flex-wrap items-center gap-3">
        <SubmitButton pending={pending} pendingLabel="Undoing…" className="btn btn-primary" disabled={left === 0}>
          Undo the deletion
        </SubmitButton>
        <span className="text-sm text-slate-600 tabular-nums" data-testid="undo-left">
          {left === null ? "" : left > 0 ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} left to undo` : "Too late to undo: it is starting."}
        </span>
      </div>
      <FormMessage state={state} />
    </form>
  );
}

function useSecondsUntil(iso: string) {
  const [left, setLeft] = useState<number | null>(null);
  useEffect(() => {
    const tick = () => setLeft(Math.max(0, Math.round((Date.parse(iso) - Date.now()) / 1000)));
    tick();
    const timer = setInterval(tick, 1000);
    return () => clearInterval(timer);
  }, [iso]);
  return left;
}
