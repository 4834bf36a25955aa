"use client";
import { useState } from "react";
import { Field, FormMessage, SubmitButton } from "@/app/components/form";
import { PlusIcon } from "@/app/components/icons";
import { useActionForm } from "@/app/components/use-action-form";
import { suggestIdentifier } from "@/lib/validation";
import { createProjectAction } from "./actions";

export function CreateProjectForm({ account, full }: { account: string; full: boolean }) {
  const { state, pending, formProps } = useActionForm(createProjectAction, { resetOnSuccess: true });
  const [name, setName] = useState("");
  const [identifier, setIdentifier] = useState<string | null>(null);
  return (
    <form
      {...formProps}
      onReset={() => {
        setName("");
        setIdentifier(null);
      }}
      className="card space-y-3 p-4"
      aria-label="Create project"
    >
      <input type="hidden" name="account" value={account} />
      <FormMessage state={state} />
      <div className="grid items-start gap-3 sm:grid-cols-[1fr_1fr_auto]">
        <Field name="name" label="Project name" value={name} onChange={(e) => setName(e.target.value)} state={state} disabled={full} />
        <Field
          name="identifier"
          label="Project identifier"
          value={identifier ?? suggestIdentifier(name)}
          onChange={(e) => setIdentifier(e.target.value)}
          state={state}
          inputClassName="font-mono"
          spellCheck={false}
          disabled={full}
          hint="Can never be changed later."
        />
        <SubmitButton pending={pending} className="btn btn-primary sm:mt-6" aria-label="Create project" disabled={full}>
          <PlusIcon /> Create
        </SubmitButton>
      </div>
    </form>
  );
}
