import type { Metadata } from "next";
import Link from "next/link";
import { Day } from "@/app/components/day";
import { GaugeIcon, UsersIcon } from "@/app/components/icons";
import { SearchBox, withParams } from "@/app/components/list-controls";
import { ListSection, TableCard } from "@/app/components/list-section";
import { firstParams, type SearchParams } from "@/lib/core";
import { SORTS, getPartnerOverview, listManagedCustomers, type SortKey } from "@/lib/partners";
import { getAdminContext } from "../admin-context";
import { CreateCustomerForm } from "./create-customer-form";
import { QuotaMeter } from "./quota-meter";

export const metadata: Metadata = { title: "Customers · Administration" };

const isSortKey = (v: string | undefined): v is SortKey => v !== undefined && Object.hasOwn(SORTS, v);

export default async function CustomersPage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string }>;
  searchParams: Promise<SearchParams<"q" | "sort" | "dir" | "after" | "before">>;
}) {
  const { account } = await params;
  const sp = firstParams(await searchParams, ["q", "sort", "dir", "after", "before"]);
  const { principal, customer: partner, can } = await getAdminContext(account);
  const q = (sp.q ?? "").trim().slice(0, 100);
  const sort: SortKey = isSortKey(sp.sort) ? sp.sort : "name";
  const dir = sp.dir === "desc" ? "desc" : "asc";
  const { after, before } = sp;
  const [overview, list] = await Promise.all([
    getPartnerOverview(principal, partner.identifier),
    listManagedCustomers(principal, partner.identifier, { q, sort, dir, after, before }),
  ]);
  const manage = can("CREATE_CUSTOMERS");
  const base = `/${partner.identifier}/admin/customers`;
  // Only non-default values go into links, so the plain first page stays a plain URL.
  const listParams = { q: q || undefined, sort: sort === "name" ? undefined : sort, dir: dir === "asc" ? undefined : dir };
  const paged = Boolean(after || before);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Customers</h1>
        <p className="mt-1 text-sm text-slate-600">The customer accounts {partner.name} manages: their users, invitations and project quotas.</p>
      </div>

      <section aria-label="Overview" className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-5">
        <OverviewCard label="Customers" value={overview.customers} hint="managed by you" />
        <OverviewCard label="Users" value={overview.users} hint="in your customers" />
        <OverviewCard label="Pending invitations" value={overview.pending_invitations} />
        <OverviewCard label="At quota" value={overview.at_quota} hint="can't create projects" tone={overview.at_quota > 0 ? "red" : undefined} />
        <OverviewCard label="Near quota" value={overview.near_quota} hint="80 % or more used" tone={overview.near_quota > 0 ? "amber" : undefined} />
      </section>

      <ListSection
        id="customers-heading"
        title="Managed customers"
        description={
          <>
            {manage
              ? "Enter the new customer's name and identifier and press + to create it. "
              : "Only Partner Admins can create customers and change quotas. "}
            Search finds names, identifiers and members&apos; e-mail addresses.
          </>
        }
        tools={
          <div className="flex flex-wrap items-center gap-2">
            <SearchBox q={q} label="Search customers" keep={{ sort: listParams.sort, dir: listParams.dir }} />
            <form action="" className="flex items-center gap-2" aria-label="Sort customers">
              {q ? <input type="hidden" name="q" value={q} /> : null}
              <label htmlFor="customers-sort" className="sr-only">
                Sort by
              </label>
              <select id="customers-sort" name="sort" defaultValue={sort} className="input w-auto">
                {Object.entries(SORTS).map(([key, s]) => (
                  <option key={key} value={key}>
                    {s.label}
                  </option>
                ))}
              </select>
              <label htmlFor="customers-dir" className="sr-only">
                Order
              </label>
              <select id="customers-dir" name="dir" defaultValue={dir} className="input w-auto">
                <option value="asc">Ascending</option>
                <option value="desc">Descending</option>
              </select>
              <button type="submit" className="btn btn-secondary">
                Sort
              </button>
            </form>
          </div>
        }
      >
        <TableCard
          columns={["Name", "Identifier", "Users", "Pending invitations", "Projects", "Created", { label: "Actions", className: "text-right" }]}
          tableClassName="min-w-[52rem]"
          top={manage ? <CreateCustomerForm account={partner.identifier} /> : null}
          empty={
            list.rows.length === 0 && (
              <EmptyState
                q={q}
                paged={paged}
                manage={manage}
                firstPage={withParams(base, listParams, {})}
                clearSearch={withParams(base, { ...listParams, q: undefined }, {})}
              />
            )
          }
          footer={
            list.prev || list.next ? (
              <nav aria-label="Customers pages" className="flex items-center justify-end gap-2 px-3 py-2 text-sm">
                {list.prev ? (
                  <Link className="btn btn-secondary" href={withParams(base, listParams, { before: list.prev })} rel="prev">
                    Previous
                  </Link>
                ) : null}
                {list.next ? (
                  <Link className="btn btn-secondary" href={withParams(base, listParams, { after: list.next })} rel="next">
                    Next
                  </Link>
                ) : null}
              </nav>
            ) : null
          }
        >
          {list.rows.map((c) => (
            <tr key={c.id} data-testid="customer-row">
              <td className="font-medium">{c.name}</td>
              <td className="font-mono text-xs whitespace-nowrap">{c.identifier}</td>
              <td className="tabular-nums">{c.users}</td>
              <td className="tabular-nums">{c.pending_invitations}</td>
              <td>
                <QuotaMeter used={c.projects} quota={c.project_quota} label={`Projects of ${c.name} used of quota`} />
              </td>
              <td className="whitespace-nowrap">
                <Day at={c.created_at} />
              </td>
              <td>
                {/* Room for the message and delete actions to come. */}
                <div className="flex justify-end gap-1">
                  <Link href={`${base}/${c.identifier}/users`} className="btn-icon" aria-label={`Users of ${c.name}`} title="Users">
                    <UsersIcon />
                  </Link>
                  <Link href={`${base}/${c.identifier}/quota`} className="btn-icon" aria-label={`Quota of ${c.name}`} title="Quota">
                    <GaugeIcon />
                  </Link>
                </div>
              </td>
            </tr>
          ))}
        </TableCard>
      </ListSection>
    </div>
  );
}

function OverviewCard({ label, value, hint, tone }: { label: string; value: number; hint?: string; tone?: "red" | "amber" }) {
  const color = tone === "red" ? "text-red-700" : tone === "amber" ? "text-amber-700" : "text-slate-900";
  return (
    <div className="card p-4" data-testid="overview-card">
      <div className="text-sm font-medium text-slate-600">{label}</div>
      <div className={`mt-1 text-2xl font-semibold tabular-nums ${color}`} data-testid="overview-value">
        {value}
      </div>
      {hint ? <div className="text-xs text-slate-500">{hint}</div> : null}
    </div>
  );
}

function EmptyState({ q, paged, manage, firstPage, clearSearch }: { q: string; paged: boolean; manage: boolean; firstPage: string; clearSearch: string }) {
  if (paged)
    return (
      <>
        No more customers here.{" "}
        <Link href={firstPage} className="text-blue-700 hover:underline">
          Back to the first page
        </Link>
      </>
    );
  if (q)
    return (
      <>
        No customer&apos;s name, identifier or member e-mail contains “{q}”.{" "}
        <Link href={clearSearch} className="text-blue-700 hover:underline">
          Clear the search
        </Link>
      </>
    );
  return (
    <>
      <span className="block font-medium text-slate-700">No managed customers yet.</span>
      {manage ? "Enter a name and an identifier above and press + to create the first one." : "A Partner Admin of your account can create them."}
    </>
  );
}
