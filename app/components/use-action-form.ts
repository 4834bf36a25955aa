"use client";
// Submits a form to a server action without React's automatic form reset, so what a person typed survives an error.
// Without JavaScript the form still posts to the action (progressive enhancement).
import { startTransition, useActionState, useEffect, useRef, type FormEvent } from "react";
import type { ActionState } from "@/lib/web";

export function useActionForm(action: (prev: ActionState, formData: FormData) => Promise<ActionState>, opts: { resetOnSuccess?: boolean } = {}) {
  const [state, dispatch, pending] = useActionState(action, {} as ActionState);
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.ok && opts.resetOnSuccess) ref.current?.reset();
  }, [state, opts.resetOnSuccess]);
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    const submitter = (e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    // A button that sends the form's fields to another page (formmethod="get") navigates there as the browser does.
    if (submitter?.getAttribute("formmethod") === "get") return;
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    if (submitter?.name) data.set(submitter.name, submitter.value);
    startTransition(() => dispatch(data));
  };
  return { state, pending, formProps: { ref, action: dispatch, onSubmit, noValidate: true } };
}
