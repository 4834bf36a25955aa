import Link from "next/link";
import type { ReactNode } from "react";
import { NavLink } from "@/app/components/nav-link";

/** Heading of a managed customer's pages: back to the list, name and identifier, its views, and page actions on the right. */
export function CustomerHeader({
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
  const list = `/${partnerIdentifier}/admin/customers`;
  const base = `${list}/${customer.identifier}`;
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
      <nav aria-label={`Views of ${customer.name}`} className="flex gap-1 overflow-x-auto border-b border-slate-200 pb-2">
        <NavLink href={`${base}/users`}>Users</NavLink>
        <NavLink href={`${base}/quota`}>Quota</NavLink>
      </nav>
    </div>
  );
}
