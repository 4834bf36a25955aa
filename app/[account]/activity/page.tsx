import type { Metadata } from "next";
import { ActivityTable } from "@/app/components/activity-table";
import { listAuditEvents } from "@/lib/audit";
import { getAccountContext } from "@/lib/web";

export const metadata: Metadata = { title: "Activity" };

export default async function ActivityPage({ params, searchParams }: { params: Promise<{ account: string }>; searchParams: Promise<{ before?: string }> }) {
  const { account } = await params;
  const { principal, customer, can } = await getAccountContext(account);
  if (!can("VIEW_ACTIVITY"))
    return (
      <section>
        <h1 className="text-2xl font-semibold">Activity</h1>
        <p className="mt-2 text-slate-600">Only Customer Admins can see the account&apos;s activity.</p>
      </section>
    );
  const before = Number((await searchParams).before) || undefined;
  const { events, nextBefore } = await listAuditEvents(principal, customer.identifier, { before, limit: 50 });
  return (
    <section className="space-y-4">
      <h1 className="text-2xl font-semibold">Activity</h1>
      <ActivityTable events={events} path={`/${customer.identifier}/activity`} before={before} nextBefore={nextBefore} />
    </section>
  );
}
