import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { SearchParams } from "@/lib/core";
import { matchingCustomerIdentifiers } from "@/lib/partners";
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
  searchParams: Promise<SearchParams<"customer" | "customers" | "all" | "q" | "filterGroup" | "parent" | "quota">>;
}) {
  const { account } = await params;
  const sp = await searchParams;
  const { principal, customer: partner, can } = await getAdminContext(account);
  if (partner.kind !== "partner" || !can("SEND_NOTICES")) notFound();
  const groups = await getGroupChoices(principal, partner.identifier);
  // From a row's envelope (?customer=), the Customers list's selection (?customers=a,b), or its "all that match"
  // (?all=1 and the filter, turned into the list here); whatever is not identifier-shaped is dropped, and the server
  // checks each one again when the notice is sent.
  const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
  const matching =
    first(sp.all) === "1"
      ? await matchingCustomerIdentifiers(
          principal,
          partner.identifier,
          {
            q: first(sp.q),
            group: first(sp.filterGroup),
            parent: first(sp.parent),
            quota: (["at", "near", "under"] as const).find((v) => v === first(sp.quota)),
          },
          { limit: MAX_PREFILLED },
        )
      : null;
  const customer = (matching ? matching.identifiers : [sp.customer ?? [], sp.customers ?? []].flat().flatMap((c) => c.split(",")))
    .map((c) => c.trim())
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
      {matching && matching.total > matching.identifiers.length ? (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950">
          {matching.total.toLocaleString("en")} customers match the selection; a notice lists at most {MAX_PREFILLED.toLocaleString("en")} by identifier, so
          only the first {MAX_PREFILLED.toLocaleString("en")} are filled in below. To reach them all, put the selection in a group (Add to group in the
          Customers list) and send the notice to that group.
        </p>
      ) : null}
      <ComposeNoticeForm account={partner.identifier} groups={groups} customer={customer} />
    </div>
  );
}
