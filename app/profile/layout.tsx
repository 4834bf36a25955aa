import Link from "next/link";
import type { ReactNode } from "react";
import { ShellBanners } from "@/app/components/shell-banners";
import { SettingsMenu } from "@/app/components/user-menu";
import { requirePrincipal } from "@/lib/web";

export default async function ProfileLayout({ children }: { children: ReactNode }) {
  const principal = await requirePrincipal("/profile");
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-3xl items-center gap-3 px-4 py-2">
          <Link href="/" className="text-lg font-bold text-blue-900">
            Tenancy
          </Link>
          <div className="ml-auto">
            <SettingsMenu name={principal.name} email={principal.email} items={[]} />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-3xl px-4 py-6">
        <ShellBanners />
        {children}
      </main>
    </div>
  );
}
