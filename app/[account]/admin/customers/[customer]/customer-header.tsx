import Link from "next/link";
import type { ReactNode } from "react";
import { NavLink } from "@/app/components/nav-link";
import { getManagedCustomerContext } from "../../admin-context";

/**
 * Heading of a managed customer's pages: back to the list, name and identifier, its tabs (only those the principal may
 * use), and page actions on the right.
 */
export async function CustomerHeader({
  partnerIdentifier,
  customer,
  title,
  actions,
}: {
  partnerIdentifier: string;
  customer: { name: string; identifier: string };
  title: string;
  actions?: ReactNode;
}) {
  // The same request-cached context the page itself asked for.
  const { customer: manager, canManage, can } = await getManagedCustomerContext(partnerIdentifier, customer.identifier);
  const list = `/${partnerIdentifier}/admin/customers`;
  const base = `${list}/${customer.identifier}`;
  const tabs = [
    { path: "details", label: "Details", show: canManage("VIEW_CUSTOMER") },
    { path: "users", label: "Users", show: canManage("VIEW_MEMBERS") },
    { path: "projects", label: "Projects", show: canManage("VIEW_CUSTOMER") },
    { path: "sub-customers", label: "Sub-customers", show: canManage("VIEW_CUSTOMER") },
    // Customer groups belong to partners: a self-managed customer's Administration has none.
    { path: "groups", label: "Groups", show: canManage("VIEW_CUSTOMER") && manager.kind === "partner" },
    { path: "activity", label: "Activity", show: canManage("VIEW_ACTIVITY") },
    { path: "quota", label: "Quota", show: canManage("VIEW_QUOTA") },
  ];
  return (
    <div className="space-y-3">
      <Link href={list} className="text-sm text-blue-700 hover:underline">
        ← Customers
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="text-sm font-medium text-slate-500">{title}</p>
          <h1 className="text-2xl font-semibold break-words">{customer.name}</h1>
          <p className="text-sm text-slate-600">
            Identifier <span className="font-mono">{customer.identifier}</span>
          </p>
        </div>
        {actions ? <div className="w-full sm:w-auto sm:max-w-sm">{actions}</div> : null}
      </div>
      <div className="flex items-end gap-2 border-b border-slate-200 pb-2">
        <nav aria-label={`Views of ${customer.name}`} className="flex min-w-0 flex-1 gap-1 overflow-x-auto">
          {tabs
            .filter((t) => t.show)
            .map((t) => (
              <NavLink key={t.path} href={`${base}/${t.path}`}>
                {t.label}
              </NavLink>
            ))}
        </nav>
        {can("DELETE_CUSTOMERS") ? (
          <Link
            href={`/${partnerIdentifier}/admin/deletions/new?customers=${encodeURIComponent(customer.identifier)}`}
            className="shrink-0 rounded-md px-3 py-2 text-sm font-medium whitespace-nowrap text-red-700 hover:bg-red-50"
          >
            Delete…
          </Link>
        ) : null}
      </div>
    </div>
  );
}
