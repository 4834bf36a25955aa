import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { db } from "@/db/client";
import { Day } from "@/app/components/day";
import { ACTIONS_COLUMN, TableCard } from "@/app/components/list-section";
import { requireUser } from "@/lib/auth/session";
import { can } from "@/lib/authz";
import { NotFoundError } from "@/lib/errors";
import { listMemberOptions } from "@/lib/members";
import { getProject } from "@/lib/projects";
import { AccessRow, GrantAccessForm } from "./access-forms";

export const metadata: Metadata = { title: "Project" };

export default async function ProjectPage({ params }: { params: Promise<{ account: string; project: string }> }) {
  const { account, project: projectIdentifier } = await params;
  const user = await requireUser(`/${account}/projects/${projectIdentifier}`);
  const found = await getProject(user.id, account, projectIdentifier).catch((err) => {
    if (err instanceof NotFoundError) notFound();
    throw err;
  });
  const { customer, membership, project, access } = found;
  const editable = can(membership.group, "MANAGE_PROJECT_ACCESS", customer.kind);
  const members = editable ? await listMemberOptions(db, customer.id) : [];
  const candidates = members.filter((m) => !access.some((a) => a.userId === m.userId));
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
      <h2 className="text-lg font-semibold">Project access</h2>
      {editable ? <GrantAccessForm ids={ids} candidates={candidates} /> : null}
      <TableCard columns={["Member", "Project role", ACTIONS_COLUMN]} empty={access.length === 0 && "Nobody has access yet."}>
        {access.map((a) => (
          <AccessRow key={a.userId} ids={ids} member={a} editable={editable} />
        ))}
      </TableCard>
    </section>
  );
}
