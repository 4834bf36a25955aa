import Link from "next/link";
import type { ReactNode } from "react";
import { NavLink } from "@/app/components/nav-link";
import { ShellBanners } from "@/app/components/shell-banners";
import { SettingsMenu } from "@/app/components/user-menu";
import { getOperatorContext } from "./operator-context";

export const dynamic = "force-dynamic";

export default async function OperatorLayout({ children }: { children: ReactNode }) {
  const { principal, mailbox } = await getOperatorContext();
  const nav = [
    { href: "/operator", label: "Accounts" },
    { href: "/operator/operators", label: "Operators" },
    { href: "/operator/queues", label: "Queues" },
    { href: "/operator/emails", label: "E-mails" },
    ...(mailbox ? [{ href: "/operator/mailbox", label: "Mailbox" }] : []),
  ];
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl items-center gap-3 px-4 py-2">
          <Link href="/" className="text-lg font-bold text-blue-900">
            Tenancy
          </Link>
          <span className="rounded bg-amber-100 px-2 py-0.5 text-xs font-semibold uppercase tracking-wide text-amber-900">Operator</span>
          <div className="ml-auto">
            <SettingsMenu
              name={principal.name}
              email={principal.email}
              items={[{ href: "/", label: "My accounts" }, ...nav.map((n) => ({ ...n, label: `Operator › ${n.label}` }))]}
            />
          </div>
        </div>
        <nav aria-label="Operator" className="mx-auto flex max-w-6xl gap-1 overflow-x-auto px-4 pb-2">
          {nav.map((n) => (
            <NavLink key={n.href} href={n.href} exact={n.href === "/operator"}>
              {n.label}
            </NavLink>
          ))}
        </nav>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">
        <ShellBanners inOperatorArea />
        {children}
      </main>
    </div>
  );
}
