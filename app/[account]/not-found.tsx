import Link from "next/link";

export default function AccountNotFound() {
  return (
    <main className="mx-auto max-w-lg px-6 py-16 text-center">
      <h1 className="text-2xl font-semibold">No access to this account</h1>
      <p className="mt-2 text-slate-600">It doesn't exist, or you are not (or no longer) a member of it. Ask one of its Customer Admins for an invitation.</p>
      <Link href="/" className="btn btn-secondary mt-6">
        Go to your accounts
      </Link>
    </main>
  );
}
