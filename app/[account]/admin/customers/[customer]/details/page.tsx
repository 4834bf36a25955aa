import type { Metadata } from "next";
import { listCustomerProjects } from "@/lib/projects";
import { customerDetailsOf } from "@/app/[account]/settings/customer-details";
import { CustomerDetailsForm } from "@/app/[account]/settings/customer-details-form";
import { getManagedCustomerContext } from "../../../admin-context";
import { CustomerHeader } from "../customer-header";

export const metadata: Metadata = { title: "Customer Details · Administration" };

/** The home page select lists this many projects at most, by name. */
const HOME_PAGE_CHOICES = 200;

export default async function CustomerDetailsPage({ params }: { params: Promise<{ account: string; customer: string }> }) {
  const { account, customer: customerParam } = await params;
  const { principal, customer: manager, managed, canManage } = await getManagedCustomerContext(account, customerParam);
  const projects = await listCustomerProjects(principal, manager.identifier, managed.identifier, { limit: HOME_PAGE_CHOICES });
  const choices = projects.home && !projects.rows.some((p) => p.id === projects.home!.id) ? [projects.home, ...projects.rows] : projects.rows;
  return (
    <div className="space-y-6">
      <CustomerHeader partnerIdentifier={manager.identifier} customer={managed} title="Customer Details" />
      <div className="max-w-2xl">
        <CustomerDetailsForm
          withName
          editable={canManage("EDIT_CUSTOMER")}
          details={customerDetailsOf(managed)}
          projects={choices.map((p) => ({ id: p.id, name: p.name, identifier: p.identifier }))}
          moreProjects={projects.total > projects.rows.length}
        />
      </div>
    </div>
  );
}
