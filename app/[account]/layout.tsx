import Link from "next/link";
import type { ReactNode } from "react";
import { AccountSwitcher } from "@/app/components/account-switcher";
import { NavLink } from "@/app/components/nav-link";
import { SettingsMenu } from "@/app/components/user-menu";
import { listMyAccounts } from "@/lib/accounts";
import { getAccountContext } from "@/lib/web";

export default async function AccountLayout({ children, params }: { children: ReactNode; params: Promise<{ account: string }> }) {
  const { account } = await params;
  const ctx = await getAccountContext(account);
  const accounts = await listMyAccounts(ctx.principal);
  const base = `/${ctx.customer.identifier}`;
  const nav = [
    { href: `${base}/projects`, label: "Projects" },
    { href: `${base}/users`, label: "Users" },
    { href: `${base}/settings`, label: "Settings" },
    ...(ctx.can("VIEW_ACTIVITY") ? [{ href: `${base}/activity`, label: "Activity" }] : []),
    ...(ctx.can("VIEW_ADMINISTRATION") ? [{ href: `${base}/admin/customers`, label: "Administration" }] : []),
  ];
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-2">
          <Link href={base} className="hidden text-lg font-bold text-blue-900 sm:block">
            Tenancy
          </Link>
          <AccountSwitcher current={{ identifier: ctx.customer.identifier, name: ctx.customer.name, kind: ctx.customer.kind }} accounts={accounts} />
          <div className="ml-auto">
            <SettingsMenu
              name={ctx.principal.name}
              email={ctx.principal.email}
              items={[
                ...nav.map((n) => ({ href: n.href, label: n.label === "Administration" ? "Administration" : `Account › ${n.label}` })),
                // The operator area is shown to those the server would let in.
                ...(ctx.principal.isOperator ? [{ href: "/operator", label: "Operator" }] : []),
              ]}
            />
          </div>
        </div>
        <nav aria-label="Account" className="mx-auto flex max-w-6xl gap-1 overflow-x-auto px-4 pb-2">
          {nav.map((n) => (
            <NavLink key={n.href} href={n.href}>
              {n.label}
            </NavLink>
          ))}
        </nav>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </div>
  );
}
