import type { Metadata } from "next";
import { Day } from "@/app/components/day";
import { KeysetPager } from "@/app/components/keyset-pager";
import { SearchBox } from "@/app/components/list-controls";
import { ListSection, TableCard } from "@/app/components/list-section";
import { firstParams, searchTerm, type SearchParams } from "@/lib/core";
import { listCustomerProjects } from "@/lib/projects";
import { orNotFound } from "@/lib/web";
import { getManagedCustomerContext } from "../../../admin-context";
import { CustomerHeader } from "../customer-header";

export const metadata: Metadata = { title: "Customer Projects · Administration" };

export default async function CustomerProjectsPage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string; customer: string }>;
  searchParams: Promise<SearchParams<"q" | "after" | "before">>;
}) {
  const { account, customer: customerParam } = await params;
  const current = firstParams(await searchParams, ["q", "after", "before"]);
  const { principal, customer: manager, managed } = await getManagedCustomerContext(account, customerParam);
  const list = { q: searchTerm(current.q), after: current.after, before: current.before };
  const projects = await orNotFound(listCustomerProjects(principal, manager.identifier, managed.identifier, list));
  const path = `/${manager.identifier}/admin/customers/${managed.identifier}/projects`;
  return (
    <div className="space-y-8">
      <CustomerHeader partnerIdentifier={manager.identifier} customer={managed} title="Customer Projects" />
      <ListSection
        id="customer-projects-heading"
        title="Projects"
        description={<>The projects of {managed.name}. Working in them takes a membership: use Add Myself on the Users tab.</>}
        tools={<SearchBox q={list.q} label="Search projects" />}
      >
        <TableCard
          columns={["Name", "Identifier", "Users with access", "Created"]}
          tableClassName="min-w-[36rem] whitespace-nowrap"
          empty={projects.rows.length === 0 && (list.q ? "No project matches your search." : `${managed.name} has no projects yet.`)}
          footer={<KeysetPager label="Projects" page={projects} total={projects.total} base={path} current={{ q: current.q }} />}
        >
          {projects.rows.map((p) => (
            <tr key={p.id} data-testid="project-row">
              <td className="font-medium">
                {p.name}
                {p.id === projects.home?.id ? (
                  <span className="ml-1.5 rounded bg-blue-50 px-1.5 py-0.5 text-xs font-medium text-blue-800" title="Its users land here after signing in">
                    home page
                  </span>
                ) : null}
              </td>
              <td className="font-mono text-xs">{p.identifier}</td>
              <td className="tabular-nums">{p.members}</td>
              <td>
                <Day at={p.createdAt} />
              </td>
            </tr>
          ))}
        </TableCard>
      </ListSection>
    </div>
  );
}
