import type { Metadata } from "next";
import { ActivityTable } from "@/app/components/activity-table";
import { listAuditEvents } from "@/lib/audit";
import { orNotFound } from "@/lib/web";
import { getManagedCustomerContext } from "../../../admin-context";
import { CustomerHeader } from "../customer-header";

export const metadata: Metadata = { title: "Customer Activity · Administration" };

export default async function CustomerActivityPage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string; customer: string }>;
  searchParams: Promise<{ before?: string }>;
}) {
  const { account, customer: customerParam } = await params;
  const { principal, customer: manager, managed } = await getManagedCustomerContext(account, customerParam);
  const before = Number((await searchParams).before) || undefined;
  const { events, nextBefore } = await orNotFound(listAuditEvents(principal, managed.identifier, { before, limit: 50 }));
  return (
    <div className="space-y-6">
      <CustomerHeader partnerIdentifier={manager.identifier} customer={managed} title="Customer Activity" />
      <section aria-labelledby="customer-activity-heading" className="space-y-3">
        <div>
          <h2 id="customer-activity-heading" className="text-lg font-semibold">
            Activity
          </h2>
          <p className="text-sm text-slate-600">What happened in {managed.name}, newest first: by its own users and by those who manage it.</p>
        </div>
        <ActivityTable events={events} path={`/${manager.identifier}/admin/customers/${managed.identifier}/activity`} before={before} nextBefore={nextBefore} />
      </section>
    </div>
  );
}
