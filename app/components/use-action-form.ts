"use client";
// Submits a form to a server action without React's automatic form reset, so what a person typed survives an error.
// Without JavaScript the form still posts to the action (progressive enhancement). With it:
// - a second submit while one runs is ignored (a double-click creates one project, not two with a false error);
// - a message belongs to the action that caused it: it goes when the next action starts, in this form or another;
// - focus moves to what the answer says: the first field with an error, else the message.
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from "react";
import type { ActionState } from "@/lib/web";

/** Announced on the document when any form's action starts, so the other forms drop their earlier messages. */
const STARTED = "tenancy:action-started";
const NONE: ActionState = {};

export function useActionForm(action: (prev: ActionState, formData: FormData) => Promise<ActionState>, opts: { resetOnSuccess?: boolean } = {}) {
  const [state, dispatch, pending] = useActionState(action, NONE);
  const ref = useRef<HTMLFormElement>(null);
  const inFlight = useRef(false);
  // The answer that an action started since has made stale (hidden); a newer answer shows at once.
  const [stale, setStale] = useState<ActionState | null>(null);

  useEffect(() => {
    if (!pending) inFlight.current = false;
  }, [pending]);

  // A new answer: the form reset if asked, and focus where the answer points.
  useEffect(() => {
    const form = ref.current;
    if (!form || state === NONE) return;
    if (state.ok && opts.resetOnSuccess) form.reset();
    // form.elements includes the fields outside the form that name it (a table row's cells share one form).
    const invalid = Array.from(form.elements).find((el): el is HTMLElement => el instanceof HTMLElement && el.getAttribute("aria-invalid") === "true");
    const target = invalid ?? form.querySelector<HTMLElement>('[role="alert"], [role="status"]');
    if (target && !target.matches("input, select, textarea, button")) target.tabIndex = -1;
    target?.focus({ preventScroll: false });
  }, [state, opts.resetOnSuccess]);

  useEffect(() => {
    const onStarted = (e: Event) => {
      if ((e as CustomEvent<HTMLFormElement>).detail !== ref.current) setStale(state);
    };
    document.addEventListener(STARTED, onStarted);
    return () => document.removeEventListener(STARTED, onStarted);
  }, [state]);

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    // A button that sends the form's fields to another page (formmethod="get") navigates there as the browser does.
    if (submitter?.getAttribute("formmethod") === "get") return;
    e.preventDefault();
    if (inFlight.current) return;
    inFlight.current = true;
    const data = new FormData(e.currentTarget);
    if (submitter?.name) data.set(submitter.name, submitter.value);
    setStale(state);
    document.dispatchEvent(new CustomEvent(STARTED, { detail: e.currentTarget }));
    startTransition(() => dispatch(data));
  };
  // While an action runs, and once another one has started, the earlier answer is no longer shown.
  const shown = pending || stale === state ? NONE : state;
  return { state: shown, pending, formProps: { ref, action: dispatch, onSubmit, noValidate: true } };
}
