import type { Metadata } from "next";
import Link from "next/link";
import { db } from "@/db/client";
import { Pagination, SearchBox, withParams } from "@/app/components/list-controls";
import { getAccountContext } from "@/lib/auth/account-context";
import { pageParams } from "@/lib/pagination";
import { PROJECT_ROLE_LABELS, getQuotaUsage, listProjects } from "@/lib/projects";
import { QuotaBar } from "@/app/components/quota-bar";
import { CreateProjectForm } from "./create-project-form";

export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsPage({ params, searchParams }: { params: Promise<{ account: string }>; searchParams: Promise<{ q?: string; page?: string }> }) {
  const { account } = await params;
  const sp = await searchParams;
  const { customer, membership, can } = await getAccountContext(account);
  const { q, page, limit, offset } = pageParams(sp);
  const [{ rows, total }, usage] = await Promise.all([listProjects(db, customer.id, membership, { q, limit, offset }), getQuotaUsage(db, customer.id)]);
  const base = `/${customer.identifier}/projects`;
  const full = usage.used >= usage.quota;
  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Projects</h1>
          <p className="text-sm text-slate-600">{can("VIEW_ALL_PROJECTS") ? "All projects of this account." : "The projects you have access to."}</p>
        </div>
        <QuotaBar used={usage.used} quota={usage.quota} />
      </div>
      {can("CREATE_PROJECTS") ? (
        <>
          {full ? (
            <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
              The account has reached its quota of {usage.quota} projects. Ask your partner or an administrator to raise it.
            </p>
          ) : null}
          <CreateProjectForm account={customer.identifier} full={full} />
        </>
      ) : null}
      <SearchBox q={q} label="Search projects" />
      <div className="card overflow-x-auto">
        <table className="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Identifier</th>
              <th>Members</th>
              <th>Your role</th>
              <th>Created</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link href={`${base}/${p.identifier}`} className="font-medium text-blue-700 hover:underline">
                    {p.name}
                  </Link>
                </td>
                <td className="font-mono text-xs">{p.identifier}</td>
                <td>{p.members}</td>
                <td>{p.myRole ? PROJECT_ROLE_LABELS[p.myRole] : "—"}</td>
                <td>{p.createdAt.toISOString().slice(0, 10)}</td>
              </tr>
            ))}
            {rows.length === 0 ? (
              <tr>
                <td colSpan={5} className="py-6 text-center text-slate-500">
                  {q ? "No project matches your search." : "No projects yet."}
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
        <Pagination page={page} pageSize={limit} total={total} label="Projects" hrefFor={(p) => withParams(base, { q }, { page: p })} />
      </div>
    </section>
  );
}
