import type { Metadata } from "next";
import Link from "next/link";
import { TableCard } from "@/app/components/list-section";
import { listGroupsOfCustomer } from "@/lib/customer-groups";
import { getManagedCustomerContext } from "../../../admin-context";
import { CustomerHeader } from "../customer-header";
import { GroupToggle } from "./group-toggle";
import { counted } from "@/lib/core";

export const metadata: Metadata = { title: "Customer Groups · Administration" };

export default async function CustomerGroupsPage({ params }: { params: Promise<{ account: string; customer: string }> }) {
  const { account, customer: customerParam } = await params;
  const { principal, customer: manager, managed } = await getManagedCustomerContext(account, customerParam);
  const { rows, canManage } = await listGroupsOfCustomer(principal, manager.identifier, managed.identifier);
  const inGroups = rows.filter((g) => g.member).length;
  return (
    <div className="space-y-6">
      <CustomerHeader partnerIdentifier={manager.identifier} customer={managed} title="Customer Groups" />
      <section aria-labelledby="groups-heading" className="space-y-3">
        <div>
          <h2 id="groups-heading" className="text-lg font-semibold">
            Groups
          </h2>
          <p className="text-sm text-slate-600" data-testid="groups-summary">
            {managed.name} is in All{inGroups > 0 ? ` and ${counted.inYourGroups(inGroups)}` : " only"}.{" "}
            <Link href={`/${manager.identifier}/admin/groups`} className="text-blue-700 hover:underline">
              Manage groups
            </Link>
          </p>
        </div>
        <TableCard
          columns={["Group", "Description", "Customers", "In it", canManage ? { label: "Actions", className: "text-right" } : null]}
          tableClassName="min-w-[36rem]"
          empty={rows.length === 0 && (manager.kind === "partner" ? "Your account has no groups yet." : "Customer groups belong to partner accounts.")}
        >
          {rows.map((g) => (
            <tr key={g.id} data-testid="customer-group-row">
              <td className="max-w-[14rem] font-medium break-words">
                <Link href={`/${manager.identifier}/admin/customers?group=${g.id}`} className="text-blue-800 hover:underline">
                  {g.name}
                </Link>
              </td>
              <td className="max-w-md text-sm break-words whitespace-normal text-slate-600">{g.description || "—"}</td>
              <td className="tabular-nums">{g.customers}</td>
              <td>
                {g.member ? <span className="rounded bg-green-50 px-1.5 py-0.5 text-xs text-green-800">yes</span> : <span className="text-slate-400">no</span>}
              </td>
              {canManage ? (
                <td className="text-right">
                  <GroupToggle account={manager.identifier} customer={managed.identifier} group={g} member={g.member} />
                </td>
              ) : null}
            </tr>
          ))}
        </TableCard>
      </section>
    </div>
  );
}
