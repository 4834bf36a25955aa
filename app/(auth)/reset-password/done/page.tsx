import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Password changed" };

export default async function PasswordChangedPage({ searchParams }: { searchParams: Promise<{ email?: string | string[] }> }) {
  const { email } = await searchParams;
  const signIn = typeof email === "string" ? `/sign-in?${new URLSearchParams({ email })}` : "/sign-in";
  return (
    <section className="card space-y-4 p-6 text-sm text-slate-700">
      <h1 className="text-xl font-semibold text-slate-900">Password changed</h1>
      <p role="status">Your new password is set, and every session of your account has ended, on every device.</p>
      <Link href={signIn} className="btn btn-primary w-full">
        Sign in with your new password
      </Link>
    </section>
  );
}
