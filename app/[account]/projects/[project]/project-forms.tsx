"use client";
// Renaming a project (its identifier stays) and deleting it, after a confirmation that names who loses access.
import { ConfirmButton } from "@/app/components/confirm-button";
import { Field, FormMessage, SubmitButton } from "@/app/components/form";
import { useActionForm } from "@/app/components/use-action-form";
import { deleteProjectAction, renameProjectAction } from "../actions";
import { counted } from "@/lib/core";

type Ref = { account: string; project: string };

function Hidden({ account, project }: Ref) {
  return (
    <>
      <input type="hidden" name="account" value={account} />
      <input type="hidden" name="project" value={project} />
    </>
  );
}

export function RenameProjectForm({ refs, name }: { refs: Ref; name: string }) {
  const { state, pending, formProps } = useActionForm(renameProjectAction);
  return (
    <form {...formProps} className="card space-y-3 p-4" aria-label="Rename the project">
      <Hidden {...refs} />
      <div className="flex flex-wrap items-end gap-3">
        <Field name="name" label="Project name" state={state} defaultValue={name} required maxLength={100} className="w-full max-w-sm" />
        <SubmitButton pending={pending} className="btn btn-secondary">
          Rename
        </SubmitButton>
      </div>
      <p className="text-xs text-slate-500">
        The identifier <span className="font-mono">{refs.project}</span> stays as it is: it names the project&apos;s resources elsewhere.
      </p>
      <FormMessage state={state} />
    </form>
  );
}

export function DeleteProjectForm({
  refs,
  name,
  people,
  total,
}: {
  refs: Ref;
  name: string;
  /** The first few who have access, for the confirmation; `total` counts them all. */
  people: { name: string; email: string }[];
  total: number;
}) {
  const { state, pending, formProps } = useActionForm(deleteProjectAction);
  const more = total - people.length;
  return (
    <form {...formProps} aria-label="Delete the project">
      <Hidden {...refs} />
      <ConfirmButton
        title={`Delete ${name}?`}
        confirmLabel="Delete project"
        className="btn btn-danger"
        disabled={pending}
        message={
          <div className="space-y-2">
            <p>
              The project <span className="font-mono">{refs.project}</span> and its access list go for good. This can&apos;t be undone.
            </p>
            {total === 0 ? (
              <p>Nobody has access to it.</p>
            ) : (
              <>
                <p>
                  {counted.peopleLose(total)} access to it{total === 1 ? ":" : ", among them:"}
                </p>
                <ul className="list-disc pl-5" data-testid="losing-access">
                  {people.map((p) => (
                    <li key={p.email}>
                      {p.name} ({p.email})
                    </li>
                  ))}
                  {more > 0 ? <li>and {more} more</li> : null}
                </ul>
              </>
            )}
          </div>
        }
      >
        Delete project…
      </ConfirmButton>
      <FormMessage state={state} />
    </form>
  );
}
