import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { KeysetPager } from "@/app/components/keyset-pager";
import { SearchBox } from "@/app/components/list-controls";
import { ListSection, TableCard } from "@/app/components/list-section";
import { firstParams, searchTerm, type SearchParams } from "@/lib/core";
import { listCustomerGroups } from "@/lib/customer-groups";
import { getAdminContext } from "../admin-context";
import { CreateGroupForm, GroupRowTools } from "./group-forms";

export const metadata: Metadata = { title: "Customer groups · Administration" };

export default async function GroupsPage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string }>;
  searchParams: Promise<SearchParams<"q" | "after" | "before">>;
}) {
  const { account } = await params;
  const sp = firstParams(await searchParams, ["q", "after", "before"]);
  const { principal, customer: partner, can } = await getAdminContext(account);
  if (partner.kind !== "partner") notFound();
  const q = searchTerm(sp.q);
  const list = await listCustomerGroups(principal, partner.identifier, { q, after: sp.after, before: sp.before, limit: 50 });
  const manage = can("MANAGE_CUSTOMER_GROUPS");
  const canDelete = can("DELETE_CUSTOMERS");
  const base = `/${partner.identifier}/admin/groups`;
  const customers = `/${partner.identifier}/admin/customers`;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Customer groups</h1>
        <p className="mt-1 text-sm text-slate-600">
          Every customer is in All. Your own groups gather customers as you like (by region, by plan, by contract); a customer can be in several. Deleting a
          group never deletes its customers.
        </p>
      </div>
      <ListSection
        id="groups-heading"
        title="Groups"
        description={
          manage
            ? "Create a group here, then add customers from the Customers list (select rows) or from a customer's Groups tab."
            : "Only Partner Admins can change groups."
        }
        tools={<SearchBox q={q} label="Search groups" />}
      >
        <TableCard
          columns={["Name", "Description", "Customers", manage ? { label: "Actions", className: "text-right" } : null]}
          tableClassName="min-w-[40rem]"
          top={manage ? <CreateGroupForm account={partner.identifier} /> : null}
          empty={
            list.rows.length === 0 &&
            (q ? (
              <>
                No group&apos;s name contains “{q}”.{" "}
                <Link href={base} className="text-blue-700 hover:underline">
                  Clear the search
                </Link>
              </>
            ) : (
              "No groups yet: all your customers are in All."
            ))
          }
          footer={<KeysetPager label="Groups" page={list} base={base} current={{ q: q || undefined }} />}
        >
          {list.rows.map((g) => (
            <tr key={g.id} data-testid="group-row">
              <td className="max-w-[14rem] font-medium break-words">
                <Link href={`${customers}?group=${g.id}`} className="text-blue-800 hover:underline">
                  {g.name}
                </Link>
              </td>
              <td className="max-w-md text-sm break-words whitespace-normal text-slate-600">{g.description || <span className="text-slate-400">—</span>}</td>
              <td className="tabular-nums">
                {g.customers}
                {canDelete && g.customers > 0 ? (
                  <Link href={`/${partner.identifier}/admin/deletions/new?group=${g.id}`} className="ml-3 text-xs text-red-700 hover:underline">
                    Delete them…
                  </Link>
                ) : null}
              </td>
              {manage ? (
                <td className="text-right">
                  <GroupRowTools account={partner.identifier} group={g} />
                </td>
              ) : null}
            </tr>
          ))}
        </TableCard>
      </ListSection>
    </div>
  );
}
