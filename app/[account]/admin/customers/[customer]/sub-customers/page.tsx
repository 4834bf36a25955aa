import type { Metadata } from "next";
import Link from "next/link";
import { Day } from "@/app/components/day";
import { PrevNext, SearchBox, withParams } from "@/app/components/list-controls";
import { ListSection, TableCard } from "@/app/components/list-section";
import { firstParams, type SearchParams, searchTerm, counted } from "@/lib/core";
import { getCustomerPath, listSubCustomers } from "@/lib/partners";
import { orNotFound } from "@/lib/web";
import { getManagedCustomerContext } from "../../../admin-context";
import { CreateCustomerForm } from "../../create-customer-form";
import { CustomerHeader } from "../customer-header";
import { SelfManagedForm } from "./self-managed-form";

export const metadata: Metadata = { title: "Sub-customers · Administration" };

export default async function SubCustomersPage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string; customer: string }>;
  searchParams: Promise<SearchParams<"q" | "after" | "before">>;
}) {
  const { account, customer: customerParam } = await params;
  const sp = firstParams(await searchParams, ["q", "after", "before"]);
  const { principal, customer: manager, managed, canManage } = await getManagedCustomerContext(account, customerParam);
  const q = searchTerm(sp.q);
  const [trail, list] = await Promise.all([
    orNotFound(getCustomerPath(principal, manager.identifier, managed.identifier)),
    orNotFound(listSubCustomers(principal, manager.identifier, managed.identifier, { q, after: sp.after, before: sp.before })),
  ]);
  const customers = `/${manager.identifier}/admin/customers`;
  const path = `${customers}/${managed.identifier}/sub-customers`;
  // A partner account placed here creates its own customers: they would be out of this area's reach.
  const create = canManage("CREATE_SUB_CUSTOMERS") && managed.kind === "customer";
  const paged = Boolean(sp.after || sp.before);
  const listParams = { q: q || undefined };

  return (
    <div className="space-y-6">
      <CustomerHeader partnerIdentifier={manager.identifier} customer={managed} title="Sub-customers" />

      <nav aria-label={`Where ${managed.name} sits`} className="text-sm text-slate-600" data-testid="customer-path">
        <ol className="flex flex-wrap items-center gap-x-1.5 gap-y-1">
          {trail.map((step, i) => (
            <li key={step.identifier} className="flex items-center gap-1.5">
              {/* The manager is the area itself: its link is the Customers list; the others are customers of the area. */}
              <Link href={i === 0 ? customers : `${customers}/${step.identifier}/sub-customers`} className="text-blue-700 hover:underline">
                {step.name}
              </Link>
              <span aria-hidden>›</span>
            </li>
          ))}
          <li aria-current="page" className="font-medium text-slate-900">
            {managed.name}
          </li>
        </ol>
      </nav>

      <SelfManagedSection
        account={manager.identifier}
        customer={managed}
        canSet={canManage("SET_SELF_MANAGED") && managed.kind === "customer"}
        isPartner={managed.kind === "partner"}
      />

      <ListSection
        id="sub-customers-heading"
        title="Sub-customers"
        description={
          <>
            The customers directly under {managed.name}.{" "}
            <Link href={`${customers}?parent=${encodeURIComponent(managed.identifier)}`} className="text-blue-700 hover:underline">
              See its whole subtree →
            </Link>
          </>
        }
        tools={<SearchBox q={q} label="Search sub-customers" />}
      >
        <TableCard
          columns={["Name", "Identifier", "Sub-customers", "Users", "Projects", "Created"]}
          tableClassName="min-w-[44rem]"
          top={create ? <CreateCustomerForm account={manager.identifier} parent={managed.identifier} /> : null}
          empty={
            list.rows.length === 0 &&
            (paged ? (
              <>
                No more sub-customers here.{" "}
                <Link href={withParams(path, listParams, {})} className="text-blue-700 hover:underline">
                  Back to the first page
                </Link>
              </>
            ) : q ? (
              <>
                No sub-customer&apos;s name or identifier contains “{q}”.{" "}
                <Link href={path} className="text-blue-700 hover:underline">
                  Clear the search
                </Link>
              </>
            ) : (
              <>
                <span className="block font-medium text-slate-700">{managed.name} has no sub-customers yet.</span>
                {create ? "Enter a name and an identifier above and press + to create the first one." : null}
              </>
            ))
          }
          footer={
            <PrevNext
              label="Sub-customers"
              prev={list.prev ? withParams(path, listParams, { before: list.prev }) : null}
              next={list.next ? withParams(path, listParams, { after: list.next }) : null}
            />
          }
        >
          {list.rows.map((c) => (
            <tr key={c.id} data-testid="sub-customer-row">
              <td className="font-medium">
                <Link href={`${customers}/${c.identifier}`} className="text-blue-700 hover:underline">
                  {c.name}
                </Link>
                {c.kind === "partner" ? <span className="ml-1.5 rounded bg-indigo-100 px-1.5 text-xs font-normal text-indigo-800">Partner</span> : null}
                {c.self_managed ? <span className="ml-1.5 rounded bg-emerald-100 px-1.5 text-xs font-normal text-emerald-800">Self-managed</span> : null}
              </td>
              <td className="font-mono text-xs whitespace-nowrap">{c.identifier}</td>
              <td className="tabular-nums">
                <Link
                  href={`${customers}/${c.identifier}/sub-customers`}
                  className="text-blue-700 hover:underline"
                  aria-label={`${counted.subCustomers(c.children)} of ${c.name}`}
                >
                  {c.children}
                </Link>
              </td>
              <td className="tabular-nums">{c.users}</td>
              <td className="tabular-nums">{c.projects}</td>
              <td className="whitespace-nowrap">
                <Day at={c.created_at} />
              </td>
            </tr>
          ))}
        </TableCard>
      </ListSection>
    </div>
  );
}

/** Whether the customer's own admins manage what hangs below it: the switch for those who decide, a line for the rest. */
function SelfManagedSection({
  account,
  customer,
  canSet,
  isPartner,
}: {
  account: string;
  customer: { identifier: string; name: string; selfManaged: boolean };
  canSet: boolean;
  isPartner: boolean;
}) {
  if (isPartner) return null;
  const status = customer.selfManaged ? (
    <>
      <strong className="font-semibold">Self-managed.</strong> The Customer Admins of {customer.name} create its sub-customers and manage their users
      themselves, from an Administration area of their own.
    </>
  ) : (
    <>
      <strong className="font-semibold">Not self-managed.</strong> The Customer Admins of {customer.name} manage their own account only; its sub-customers are
      managed from this Administration area.
    </>
  );
  return (
    <section aria-labelledby="self-managed-heading" className="card flex flex-wrap items-center justify-between gap-3 p-4" data-testid="self-managed">
      <div className="min-w-0 max-w-2xl flex-1 basis-72 space-y-1">
        <h2 id="self-managed-heading" className="text-base font-semibold">
          Self-management
        </h2>
        <p className="text-sm text-slate-700">{status}</p>
      </div>
      {canSet ? (
        <div className="max-w-full shrink-0">
          <SelfManagedForm account={account} customer={customer} selfManaged={customer.selfManaged} />
        </div>
      ) : null}
    </section>
  );
}
