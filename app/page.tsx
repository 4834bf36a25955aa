import Link from "next/link";
import { redirect } from "next/navigation";
import { findHomePage } from "@/lib/accounts";
import { getPrincipal } from "@/lib/web";

export const dynamic = "force-dynamic";

export default async function Home() {
  const principal = await getPrincipal();
  const user = principal.kind === "user" ? principal : null;
  if (user) {
    // Their first account's home page: the project its customer chose, or its overview.
    const home = await findHomePage(user);
    if (home) redirect(home);
  }
  return (
    <main className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center px-6">
      <h1 className="text-4xl font-bold text-blue-900">Tenancy</h1>
      <p className="mt-3 text-lg text-slate-700">
        Customer accounts for your multi-tenant service: sign up your company, invite your people, organise projects.
      </p>
      {user ? (
        <>
          <p className="mt-6 rounded-md bg-amber-50 p-3 text-sm text-amber-900">
            You are signed in as {user.email} but belong to no customer account yet. Ask an admin of your company for an invitation.
          </p>
          <div className="mt-6 flex flex-wrap gap-3">
            {/* Shown to those the operator area would let in. */}
            {user.isOperator ? (
              <Link href="/operator" className="btn btn-primary">
                Operator area
              </Link>
            ) : null}
            <Link href="/profile" className="btn btn-secondary">
              Your profile
            </Link>
          </div>
        </>
      ) : (
        <div className="mt-8 flex gap-3">
          <Link href="/sign-up" className="btn btn-primary">
            Create an account
          </Link>
          <Link href="/sign-in" className="btn btn-secondary">
            Sign in
          </Link>
        </div>
      )}
    </main>
  );
}
