import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Check your e-mail" };
// Rendered per request like every page, so its scripts carry the request's CSP nonce (a prerendered page's don't).
export const dynamic = "force-dynamic";

// What every sign-up leads to, whether the address was new or had an account already.
export default function SignUpSentPage() {
  return (
    <section className="card space-y-4 p-6">
      <h1 className="text-xl font-semibold">Check your e-mail</h1>
      <p role="status" className="text-sm text-slate-700">
        We sent a message to the address you entered. Sign in with that address and your password to continue; the link in the message confirms the address.
      </p>
      <Link href="/sign-in" className="btn btn-primary block w-full text-center">
        Sign in
      </Link>
    </section>
  );
}
