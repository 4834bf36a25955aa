import type { ReactNode } from "react";
import { NavLink } from "@/app/components/nav-link";
import { getAdminContext } from "./admin-context";

// "Groups", "Notices" and "Deletions" join this list when their pages exist.
const SECTIONS = [{ path: "customers", label: "Customers" }];

export default async function AdministrationLayout({ children, params }: { children: ReactNode; params: Promise<{ account: string }> }) {
  const { account } = await params;
  const { customer } = await getAdminContext(account);
  const base = `/${customer.identifier}/admin`;
  return (
    <div className="gap-8 md:grid md:grid-cols-[11rem_minmax(0,1fr)]">
      <aside className="mb-6 md:mb-0">
        <p className="mb-2 hidden px-3 text-xs font-semibold uppercase tracking-wide text-slate-500 md:block">Administration</p>
        <nav aria-label="Administration" className="flex gap-1 overflow-x-auto border-b border-slate-200 pb-2 md:flex-col md:border-0 md:pb-0">
          {SECTIONS.map((s) => (
            <NavLink key={s.path} href={`${base}/${s.path}`}>
              {s.label}
            </NavLink>
          ))}
        </nav>
      </aside>
      <div className="min-w-0">{children}</div>
    </div>
  );
}
