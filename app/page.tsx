import Link from "next/link";
import { redirect } from "next/navigation";
import { ShellBanners } from "@/app/components/shell-banners";
import { SettingsMenu } from "@/app/components/user-menu";
import { findHomePage } from "@/lib/accounts";
import { listMyInvitations } from "@/lib/invitations";
import { getPrincipal } from "@/lib/web";
import { AcceptInvitationButton, CreateOwnAccountForm } from "./no-account-forms";

export const dynamic = "force-dynamic";

export default async function Home() {
  const principal = await getPrincipal();
  const user = principal.kind === "user" ? principal : null;
  if (!user)
    return (
      <main className="mx-auto flex min-h-screen max-w-2xl flex-col justify-center px-6">
        <h1 className="text-4xl font-bold text-blue-900">Tenancy</h1>
        <p className="mt-3 text-lg text-slate-700">
          Customer accounts for your multi-tenant service: sign up your company, invite your people, organise projects.
        </p>
        <div className="mt-8 flex gap-3">
          <Link href="/sign-up" className="btn btn-primary">
            Create an account
          </Link>
          <Link href="/sign-in" className="btn btn-secondary">
            Sign in
          </Link>
        </div>
      </main>
    );

  // Their last-used account (else their own), on its home page.
  const home = await findHomePage(user);
  if (home) redirect(home);

  // Someone who belongs to no account (never did, or was removed from the last one): never a dead end.
  const invitations = await listMyInvitations(user);
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-3xl items-center gap-3 px-4 py-2">
          <span className="text-lg font-bold text-blue-900">Tenancy</span>
          <div className="ml-auto">
            <SettingsMenu name={user.name} email={user.email} items={user.isOperator ? [{ href: "/operator", label: "Operator" }] : []} />
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-3xl space-y-6 px-4 py-8">
        <ShellBanners />
        <div>
          <h1 className="text-2xl font-semibold">Welcome, {user.name}</h1>
          <p className="mt-1 text-sm text-slate-600">
            You are signed in as {user.email} and belong to no account at the moment. Join one you were invited to, or create your own.
          </p>
        </div>
        <section aria-labelledby="invitations-heading" className="space-y-3">
          <h2 id="invitations-heading" className="text-lg font-semibold">
            Invitations for you
          </h2>
          {!invitations.verified ? (
            <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
              Confirm your e-mail address (open the link we sent to {user.email}; <Link href="/profile">your profile</Link> sends it again) to see the
              invitations sent to it here. An invitation&apos;s own link works meanwhile.
            </p>
          ) : invitations.rows.length === 0 ? (
            <p className="text-sm text-slate-600">None open. Ask an admin of your company to invite {user.email}.</p>
          ) : (
            <ul className="space-y-3">
              {invitations.rows.map((i) => (
                <li key={i.id} className="card flex flex-wrap items-center justify-between gap-3 p-4" data-testid="my-invitation">
                  <div className="min-w-0">
                    <p className="font-medium break-words">{i.account}</p>
                    <p className="text-sm text-slate-600">
                      As {i.groupLabel}
                      {i.inviter ? `, invited by ${i.inviter}` : ""} · open until {i.expiresAt.toISOString().slice(0, 10)}
                    </p>
                  </div>
                  <AcceptInvitationButton invitationId={i.id} account={i.account} />
                </li>
              ))}
            </ul>
          )}
        </section>
        <CreateOwnAccountForm />
        {user.isOperator ? (
          <p className="text-sm">
            <Link href="/operator" className="text-blue-800 hover:underline">
              Operator area
            </Link>
          </p>
        ) : null}
      </main>
    </div>
  );
}
