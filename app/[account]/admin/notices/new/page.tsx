import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { SearchParams } from "@/lib/core";
import { getGroupChoices } from "../../group-choices";
import { getAdminContext } from "../../admin-context";
import { ComposeNoticeForm } from "./compose-form";

const MAX_PREFILLED = 1000;

export const metadata: Metadata = { title: "New notice · Administration" };

export default async function NewNoticePage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string }>;
  searchParams: Promise<SearchParams<"customer" | "customers">>;
}) {
  const { account } = await params;
  const sp = await searchParams;
  const { principal, customer: partner, can } = await getAdminContext(account);
  if (partner.kind !== "partner" || !can("SEND_NOTICES")) notFound();
  const groups = await getGroupChoices(principal, partner.identifier);
  // From a row's envelope (?customer=) or the rows ticked in the Customers list (?customers=a&customers=b); whatever
  // is not identifier-shaped is dropped here, and the server checks each one again when the notice is sent.
  const customer = [sp.customer ?? [], sp.customers ?? []]
    .flat()
    .filter((c) => /^[a-z0-9-]{1,40}$/.test(c))
    .slice(0, MAX_PREFILLED)
    .join("\n");
  return (
    <div className="space-y-6">
      <div>
        <Link href={`/${partner.identifier}/admin/notices`} className="text-sm text-blue-800 hover:underline">
          ‹ Notices
        </Link>
        <h1 className="mt-1 text-2xl font-semibold">New notice</h1>
        <p className="mt-1 max-w-2xl text-sm text-slate-600">
          Recipients see it on every page of their account, right after they sign in, until it is acknowledged. Preview it to see how it reads and whom it
          reaches.
        </p>
      </div>
      <ComposeNoticeForm account={partner.identifier} groups={groups} customer={customer} />
    </div>
  );
}
