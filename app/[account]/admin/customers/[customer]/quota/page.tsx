import type { Metadata } from "next";
import { QuotaBar } from "@/app/components/quota-bar";
import { getQuotaUsage } from "@/lib/projects";
import { getManagedCustomerContext } from "../../../admin-context";
import { CustomerHeader } from "../customer-header";
import { QuotaForm } from "./quota-form";

export const metadata: Metadata = { title: "Customer Quota · Administration" };

export default async function CustomerQuotaPage({ params }: { params: Promise<{ account: string; customer: string }> }) {
  const { account, customer: customerParam } = await params;
  const { principal, customer: partner, managed, canManage } = await getManagedCustomerContext(account, customerParam);
  const usage = await getQuotaUsage(principal, managed.identifier);
  return (
    <div className="space-y-6">
      <CustomerHeader partnerIdentifier={partner.identifier} customer={managed} title="Customer Quota" />
      <section aria-labelledby="quota-heading" className="card max-w-2xl space-y-5 p-5">
        <div>
          <h2 id="quota-heading" className="text-lg font-semibold">
            Project quota
          </h2>
          <p className="text-sm text-slate-600">The quota limits how many projects {managed.name} can create.</p>
        </div>
        <QuotaBar used={usage.used} quota={usage.quota} />
        {canManage("SET_QUOTA") ? (
          <QuotaForm account={partner.identifier} customer={managed.identifier} quota={usage.quota} used={usage.used} />
        ) : (
          <p className="text-sm text-slate-600">
            The project quota is <strong data-testid="project-quota">{usage.quota}</strong>. Only Partner Admins can change it.
          </p>
        )}
      </section>
    </div>
  );
}
