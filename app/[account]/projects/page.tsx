import type { Metadata } from "next";
import Link from "next/link";
import { Day } from "@/app/components/day";
import { KeysetPager } from "@/app/components/keyset-pager";
import { SearchBox } from "@/app/components/list-controls";
import { TableCard } from "@/app/components/list-section";
import { getAccountContext } from "@/lib/web";
import { firstParams, searchTerm, type SearchParams, counted } from "@/lib/core";
import { PROJECT_ROLE_LABELS } from "@/lib/authz";
import { getQuotaUsage, listProjects } from "@/lib/projects";
import { QuotaBar } from "@/app/components/quota-bar";
import { CreateProjectForm } from "./create-project-form";

export const metadata: Metadata = { title: "Projects" };

export default async function ProjectsPage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string }>;
  searchParams: Promise<SearchParams<"q" | "after" | "before" | "deleted">>;
}) {
  const { account } = await params;
  const sp = firstParams(await searchParams, ["q", "after", "before", "deleted"]);
  const { principal, customer, can } = await getAccountContext(account);
  const q = searchTerm(sp.q);
  const [list, usage] = await Promise.all([
    listProjects(principal, customer.identifier, { q, after: sp.after, before: sp.before }),
    getQuotaUsage(principal, customer.identifier),
  ]);
  const base = `/${customer.identifier}/projects`;
  const full = usage.used >= usage.quota;
  return (
    <section className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <div>
          <h1 className="text-2xl font-semibold">Projects</h1>
          <p className="text-sm text-slate-600">{list.seesAll ? "All projects of this account." : "The projects you have access to."}</p>
        </div>
        <QuotaBar used={usage.used} quota={usage.quota} />
      </div>
      {sp.deleted ? (
        <p role="status" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
          Project {sp.deleted.slice(0, 200)} deleted, with its access list.
        </p>
      ) : null}
      {can("CREATE_PROJECTS") ? (
        <>
          {full ? (
            <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
              The account has reached its quota of {counted.projects(usage.quota)}. {usage.advice}
            </p>
          ) : null}
          <CreateProjectForm account={customer.identifier} full={full} />
        </>
      ) : null}
      <SearchBox q={q} label="Search projects" />
      <TableCard
        columns={["Name", "Identifier", "Members", "Your role", "Created"]}
        empty={list.rows.length === 0 && (q ? "No project matches your search." : "No projects yet.")}
        footer={<KeysetPager label="Projects" page={list} total={list.total} base={base} current={{ q: q || undefined }} />}
      >
        {list.rows.map((p) => (
          <tr key={p.id}>
            <td>
              <Link href={`${base}/${p.identifier}`} className="font-medium text-blue-700 hover:underline">
                {p.name}
              </Link>
            </td>
            <td className="font-mono text-xs">{p.identifier}</td>
            <td>{p.members}</td>
            <td>{p.myRole ? PROJECT_ROLE_LABELS[p.myRole] : "—"}</td>
            <td>
              <Day at={p.createdAt} />
            </td>
          </tr>
        ))}
      </TableCard>
    </section>
  );
}
