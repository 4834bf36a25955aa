"use client";
// A row's forms report under the row. A removal's success is reported by the list instead: the row is gone by then.
import { createContext, useContext, useState, type ReactNode } from "react";
import { FormMessage } from "@/app/components/form";
import type { ActionState } from "@/lib/web";

type Action = (prev: ActionState, formData: FormData) => Promise<ActionState>;

const ReportToList = createContext<(state: ActionState) => void>(() => {});

export function ListFeedback({ children }: { children: ReactNode }) {
  const [state, setState] = useState<ActionState>({});
  return (
    <ReportToList.Provider value={setState}>
      <FormMessage state={state} />
      {children}
    </ReportToList.Provider>
  );
}

/** The latest outcome of any of a row's forms; `track` wraps each form's action to record it. */
export function useRowOutcome() {
  const reportToList = useContext(ReportToList);
  const [outcome, setOutcome] = useState<ActionState>({});
  const track =
    (action: Action, opts: { removesRow?: boolean } = {}): Action =>
    async (prev, formData) => {
      const state = await action(prev, formData);
      if (opts.removesRow && state.ok) reportToList(state);
      else setOutcome(state);
      return state;
    };
  return { outcome, track };
}

export function RowMessage({ outcome: answer, colSpan }: { outcome: ActionState; colSpan: number }) {
  // A row's fields have no room for their own messages: a field's error is said under the row (the field is marked).
  const fieldSaid = Object.values(answer.fieldErrors ?? {}).join(" ");
  const outcome = !answer.error && !answer.message && fieldSaid ? { ...answer, error: fieldSaid } : answer;
  if (!outcome.error && !outcome.message) return null;
  return (
    <tr>
      <td colSpan={colSpan} className="whitespace-normal bg-slate-50">
        {/* Sticky: on a phone the table scrolls sideways, and the message stays in view wherever the button was. */}
        <div className="sticky left-3 max-w-[calc(100vw-3.5rem)] sm:max-w-none">
          <FormMessage state={outcome} />
        </div>
      </td>
    </tr>
  );
}
