import Link from "next/link";
import type { ReactNode } from "react";
import { AccountSwitcher } from "@/app/components/account-switcher";
import { NavLink } from "@/app/components/nav-link";
import { NoticeEvents } from "@/app/components/notice-events";
import { ShellBanners } from "@/app/components/shell-banners";
import { SettingsMenu } from "@/app/components/user-menu";
import { listMyAccounts } from "@/lib/accounts";
import { listOpenNotices } from "@/lib/notices";
import { getAccountContext, getShellState } from "@/lib/web";
import { NoticePanel } from "./notices/notice-panel";

/** Accounts the switcher lists; someone in more gets its search and the Accounts page. */
const SWITCHER_ACCOUNTS = 20;

export default async function AccountLayout({ children, params }: { children: ReactNode; params: Promise<{ account: string }> }) {
  const { account } = await params;
  const ctx = await getAccountContext(account);
  // A person's open notices come first on every page of the account until they acknowledge them. Only a partner sends
  // notices, to the accounts it manages: an account no partner manages has none to show.
  const receives = ctx.can("RECEIVE_NOTICES") && ctx.membership !== null && ctx.customer.partnerId !== null;
  const [accounts, openNotices, shell] = await Promise.all([
    listMyAccounts(ctx.principal, { limit: SWITCHER_ACCOUNTS }),
    receives ? listOpenNotices(ctx.principal, ctx.customer.identifier) : [],
    getShellState(),
  ]);
  // The switcher's button says where the current account sits, also when it is not among the accounts it lists.
  const current =
    accounts.rows.find((a) => a.identifier === ctx.customer.identifier) ??
    (ctx.membership && accounts.next !== null ? (await listMyAccounts(ctx.principal, { identifier: ctx.customer.identifier, limit: 1 })).rows[0] : undefined);
  const base = `/${ctx.customer.identifier}`;
  const nav = [
    { href: `${base}/projects`, label: "Projects" },
    { href: `${base}/users`, label: "Users" },
    { href: `${base}/settings`, label: "Settings" },
    ...(receives ? [{ href: `${base}/notices`, label: openNotices.length ? `Notices (${openNotices.length})` : "Notices" }] : []),
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
          <AccountSwitcher
            current={
              current ?? {
                identifier: ctx.customer.identifier,
                name: ctx.customer.name,
                kind: ctx.customer.kind,
              }
            }
            accounts={accounts.rows}
            more={accounts.next !== null}
          />
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
        <nav aria-label="Account" className="scroll-hint mx-auto flex max-w-6xl gap-1 overflow-x-auto px-4 pb-2">
          {nav.map((n) => (
            <NavLink key={n.href} href={n.href}>
              {n.label}
            </NavLink>
          ))}
        </nav>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">
        <ShellBanners />
        {receives ? <NoticeEvents account={ctx.customer.identifier} /> : null}
        <NoticePanel account={ctx.customer.identifier} notices={openNotices} folded={shell.noticePanelFolded} />
        {children}
      </main>
    </div>
  );
}
