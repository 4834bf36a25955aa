import { Suspense, type ReactNode } from "react";
import { NavLink } from "@/app/components/nav-link";
import { getAdminContext } from "./admin-context";
import { getPartnerGroups } from "./group-choices";
import { GroupNav } from "./group-nav";

// Notices are sent from partner accounts only.
const SECTIONS = [
  { path: "customers", label: "Customers" },
  { path: "notices", label: "Notices", partnerOnly: true },
  { path: "deletions", label: "Deletions" },
];
/** Groups listed in the sidebar; the Groups page has them all. */
const SIDEBAR_GROUPS = 12;

export default async function AdministrationLayout({ children, params }: { children: ReactNode; params: Promise<{ account: string }> }) {
  const { account } = await params;
  const { customer, principal } = await getAdminContext(account);
  const base = `/${customer.identifier}/admin`;
  const groups = customer.kind === "partner" ? await getPartnerGroups(principal, customer.identifier) : null;
  return (
    <div className="gap-8 md:grid md:grid-cols-[12rem_minmax(0,1fr)]">
      <aside className="mb-6 space-y-2 md:mb-0">
        <p className="mb-2 hidden px-3 text-xs font-semibold uppercase tracking-wide text-slate-500 md:block">Administration</p>
        <nav aria-label="Administration" className="flex gap-1 overflow-x-auto border-b border-slate-200 pb-2 md:block md:border-0 md:pb-0">
          <div className="flex gap-1 md:flex-col">
            {SECTIONS.filter((s) => !s.partnerOnly || customer.kind === "partner").map((s) => (
              <NavLink key={s.path} href={`${base}/${s.path}`}>
                {s.label}
              </NavLink>
            ))}
            {groups ? (
              <NavLink href={`${base}/groups`} exact>
                Groups
              </NavLink>
            ) : null}
          </div>
          {groups ? (
            <Suspense>
              <GroupNav
                base={base}
                groups={groups.rows.slice(0, SIDEBAR_GROUPS).map((g) => ({ id: g.id, name: g.name, customers: g.customers }))}
                more={!groups.complete || groups.rows.length > SIDEBAR_GROUPS}
              />
            </Suspense>
          ) : null}
        </nav>
      </aside>
      <div className="min-w-0">{children}</div>
    </div>
  );
}
