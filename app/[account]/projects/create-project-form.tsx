"use client";
import { FormMessage, SubmitButton } from "@/app/components/form";
import { PlusIcon } from "@/app/components/icons";
import { NameIdentifierFields } from "@/app/components/name-identifier-fields";
import { useActionForm } from "@/app/components/use-action-form";
import { createProjectAction } from "./actions";

export function CreateProjectForm({ account, full }: { account: string; full: boolean }) {
  const { state, pending, formProps } = useActionForm(createProjectAction, { resetOnSuccess: true });
  return (
    <form {...formProps} className="card space-y-3 p-4" aria-label="Create project">
      <input type="hidden" name="account" value={account} />
      <FormMessage state={state} />
      <div className="grid items-start gap-3 sm:grid-cols-[1fr_1fr_auto]">
        <NameIdentifierFields noun="Project" state={state} disabled={full} identifierHint="Can never be changed later." />
        <SubmitButton pending={pending} className="btn btn-primary sm:mt-6" aria-label="Create project" disabled={full}>
          <PlusIcon /> Create
        </SubmitButton>
      </div>
    </form>
  );
}
