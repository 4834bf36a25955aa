import type { Metadata } from "next";
import Link from "next/link";
import { Day } from "@/app/components/day";
import { SearchBox } from "@/app/components/list-controls";
import { ACTIONS_COLUMN, TableCard } from "@/app/components/list-section";
import type { ProjectRole } from "@/lib/authz";
import { PROJECT_ROLE_LABELS } from "@/lib/authz";
import { firstParams, type SearchParams } from "@/lib/core";
import { searchProjectCandidates } from "@/lib/members";
import { getProject } from "@/lib/projects";
import { orNotFound, requirePrincipal } from "@/lib/web";
import { AccessRow, GrantAccessForm } from "./access-forms";
import { DeleteProjectForm, RenameProjectForm } from "./project-forms";

export const metadata: Metadata = { title: "Project" };

const ROLES = (Object.keys(PROJECT_ROLE_LABELS) as ProjectRole[]).map((value) => ({ value, label: PROJECT_ROLE_LABELS[value] }));

export default async function ProjectPage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string; project: string }>;
  searchParams: Promise<SearchParams<"mq">>;
}) {
  const { account, project: projectIdentifier } = await params;
  const { mq } = firstParams(await searchParams, ["mq"]);
  const principal = await requirePrincipal(`/${account}/projects/${projectIdentifier}`);
  const { customer, project, access, can } = await orNotFound(getProject(principal, decodeURIComponent(account), decodeURIComponent(projectIdentifier)));
  const editable = can("MANAGE_PROJECT_ACCESS");
  const q = (mq ?? "").trim();
  // The picker is a search: the first matches by name, narrowed by what the person types, however many members there are.
  const candidates = editable ? await searchProjectCandidates(principal, customer.identifier, project.id, { q }) : null;
  const ids = { account: customer.identifier, projectId: project.id };
  return (
    <section className="space-y-4">
      <div>
        <Link href={`/${customer.identifier}/projects`} className="text-sm text-blue-700 hover:underline">
          ← Projects
        </Link>
        <h1 className="mt-1 text-2xl font-semibold">{project.name}</h1>
        <p className="text-sm text-slate-600">
          Identifier <span className="font-mono">{project.identifier}</span> (permanent) · created <Day at={project.createdAt} />
        </p>
      </div>
      {can("MANAGE_PROJECTS") ? <RenameProjectForm refs={{ account: customer.identifier, project: project.identifier }} name={project.name} /> : null}
      <h2 className="text-lg font-semibold">Project access</h2>
      {candidates ? (
        <div className="space-y-2">
          <SearchBox q={q} label="Search members to give access" param="mq" />
          {candidates.more ? (
            <p className="text-xs text-slate-500" data-testid="candidates-more">
              Showing the first {candidates.rows.length} members without access{q ? " that match" : ""}. Search by name or e-mail to find others.
            </p>
          ) : null}
          <GrantAccessForm ids={ids} roles={ROLES} candidates={candidates.rows} searched={Boolean(q)} />
        </div>
      ) : null}
      <TableCard columns={["Member", "Project role", ACTIONS_COLUMN]} empty={access.length === 0 && "Nobody has access yet."}>
        {access.map((a) => (
          <AccessRow key={a.userId} ids={ids} roles={ROLES} member={a} editable={editable} />
        ))}
      </TableCard>
      {can("MANAGE_PROJECTS") ? (
        <div className="space-y-2 border-t border-slate-200 pt-4">
          <h2 className="text-lg font-semibold">Delete this project</h2>
          <p className="text-sm text-slate-600">Its access list goes with it, and the account&apos;s quota gets the room back.</p>
          <DeleteProjectForm
            refs={{ account: customer.identifier, project: project.identifier }}
            name={project.name}
            people={access.slice(0, 5).map((a) => ({ name: a.name, email: a.email }))}
            total={access.length}
          />
        </div>
      ) : null}
    </section>
  );
}
