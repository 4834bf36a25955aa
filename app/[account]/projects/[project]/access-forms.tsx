"use client";
import { FieldError, FormMessage, SubmitButton } from "@/app/components/form";
import { ConfirmButton } from "@/app/components/confirm-button";
import { DiscIcon, PlusIcon, TrashIcon } from "@/app/components/icons";
import { useActionForm } from "@/app/components/use-action-form";
import type { ProjectRole } from "@/lib/authz";
import { setProjectAccessAction } from "../actions";

type Role = { value: ProjectRole; label: string };
type Ids = { account: string; projectId: string };

function Hidden({ account, projectId, userId }: Ids & { userId?: string }) {
  return (
    <>
      <input type="hidden" name="account" value={account} />
      <input type="hidden" name="projectId" value={projectId} />
      {userId ? <input type="hidden" name="userId" value={userId} /> : null}
    </>
  );
}

export function GrantAccessForm({
  ids,
  roles,
  candidates,
  searched,
}: {
  ids: Ids;
  roles: Role[];
  candidates: { userId: string; name: string; email: string }[];
  searched: boolean;
}) {
  const { state, pending, formProps } = useActionForm(setProjectAccessAction, { resetOnSuccess: true });
  return (
    <form {...formProps} className="card space-y-3 p-4" aria-label="Give access">
      <Hidden {...ids} />
      <FormMessage state={state} />
      <div className="grid items-end gap-3 sm:grid-cols-[1fr_12rem_auto]">
        <div>
          <label htmlFor="grant-user" className="mb-1 block text-sm font-medium text-slate-700">
            Member
          </label>
          <select id="grant-user" name="userId" className="input" defaultValue="" disabled={candidates.length === 0}>
            <option value="" disabled>
              {candidates.length > 0 ? "Choose a member…" : searched ? "No member without access matches" : "Every member already has access"}
            </option>
            {candidates.map((c) => (
              <option key={c.userId} value={c.userId}>
                {c.name} ({c.email})
              </option>
            ))}
          </select>
          <FieldError name="userId" state={state} />
        </div>
        <div>
          <label htmlFor="grant-role" className="mb-1 block text-sm font-medium text-slate-700">
            Project role
          </label>
          <select id="grant-role" name="role" className="input" defaultValue="project_user">
            {roles.map((r) => (
              <option key={r.value} value={r.value}>
                {r.label}
              </option>
            ))}
          </select>
        </div>
        <SubmitButton pending={pending} disabled={candidates.length === 0}>
          <PlusIcon /> Give access
        </SubmitButton>
      </div>
    </form>
  );
}

export function AccessRow({
  ids,
  roles,
  member,
  editable,
}: {
  ids: Ids;
  roles: Role[];
  member: { userId: string; name: string; email: string; role: ProjectRole };
  editable: boolean;
}) {
  const change = useActionForm(setProjectAccessAction);
  const remove = useActionForm(setProjectAccessAction);
  const message = change.state.error || change.state.message ? change.state : remove.state;
  return (
    <tr>
      <td>
        <div className="font-medium">{member.name}</div>
        <div className="text-xs text-slate-500">{member.email}</div>
        <FormMessage state={message} />
      </td>
      <td>
        {editable ? (
          <form {...change.formProps} className="flex items-center gap-1">
            <Hidden {...ids} userId={member.userId} />
            <select name="role" defaultValue={member.role} className="input py-1" aria-label={`Project role of ${member.email}`}>
              {roles.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
            <SubmitButton pending={change.pending} className="btn-icon" aria-label={`Save project role of ${member.email}`}>
              <DiscIcon />
            </SubmitButton>
          </form>
        ) : (
          roles.find((r) => r.value === member.role)?.label
        )}
      </td>
      <td className="text-right">
        {editable ? (
          <form {...remove.formProps}>
            <Hidden {...ids} userId={member.userId} />
            <input type="hidden" name="role" value="none" />
            <ConfirmButton
              ariaLabel={`Take project access away from ${member.email}`}
              title="Take access away?"
              message={`${member.name} will no longer be able to use this project.`}
              confirmLabel="Take access away"
            >
              <TrashIcon />
            </ConfirmButton>
          </form>
        ) : null}
      </td>
    </tr>
  );
}
