import Link from "next/link";

export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg px-6 py-16 text-center">
      <h1 className="text-2xl font-semibold">Not found, or no access</h1>
      <p className="mt-2 text-slate-600">
        This page doesn&apos;t exist, or it belongs to an account you are not (or no longer) a member of. Ask one of the account&apos;s Customer Admins for an
        invitation.
      </p>
      <Link href="/" className="btn btn-secondary mt-6">
        Go to your accounts
      </Link>
    </main>
  );
}
