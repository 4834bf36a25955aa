import Link from "next/link";
import type { ReactNode } from "react";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col items-center px-4 py-10 sm:py-16">
      <Link href="/" className="mb-8 text-2xl font-bold text-blue-900">
        Tenancy
      </Link>
      <main className="w-full max-w-md">{children}</main>
    </div>
  );
}
