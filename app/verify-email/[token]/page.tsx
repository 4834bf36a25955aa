import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { findEmailVerification } from "@/lib/profile";
import { getPrincipal } from "@/lib/web";
import { ConfirmEmailForm, SignOutButton } from "./forms";

// The token is in the path: no search engine, and no Referer to anywhere.
export const metadata: Metadata = { title: "Confirm your e-mail address", robots: { index: false, follow: false }, referrer: "no-referrer" };

function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card space-y-4 p-6 text-sm text-slate-700">
      <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
      {children}
    </section>
  );
}

const toProfile = (
  <Link href="/profile" className="btn btn-primary w-full">
    Go to your profile
  </Link>
);

export default async function VerifyEmailPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const principal = await getPrincipal();
  const found = await findEmailVerification(principal, token);
  if (found.status === "invalid")
    return (
      <Panel title="This link doesn't work">
        <p>It was not copied completely, or a newer link replaced it. Your profile can send you a new one.</p>
        {toProfile}
      </Panel>
    );
  if (found.status === "used")
    return (
      <Panel title="This link has already been used">
        <p>Each confirmation link works once. Your profile shows whether your address is confirmed.</p>
        {toProfile}
      </Panel>
    );
  if (found.status === "expired")
    return (
      <Panel title="This link has expired">
        <p>A confirmation link works for 48 hours. Your profile can send you a new one.</p>
        {toProfile}
      </Panel>
    );

  const title = found.kind === "change" ? "Confirm your new e-mail address" : "Confirm your e-mail address";
  if (found.forYou)
    return (
      <Panel title={title}>
        <p>
          {found.kind === "change" ? (
            <>
              From now on you sign in with <strong>{found.email}</strong>.
            </>
          ) : (
            <>
              Confirm that <strong>{found.email}</strong> is your address.
            </>
          )}
        </p>
        <ConfirmEmailForm token={token} email={found.email} />
      </Panel>
    );

  // Whoever registered the address confirms it signed in; the owner of a mailbox someone else registered takes the
  // registration over with a password reset instead.
  const takeOver =
    found.kind === "address" ? (
      <p>
        Didn&apos;t sign up yourself? Someone else used your address. You can take the registration over by{" "}
        <Link href={`/forgot-password?${new URLSearchParams({ email: found.email })}`} className="font-medium text-blue-700 hover:underline">
          choosing a new password
        </Link>
        ; that signs everyone else out of it.
      </p>
    ) : null;
  if (principal.kind === "user")
    return (
      <Panel title="This link is for another sign-in">
        <p>
          You are signed in as <strong>{principal.email}</strong>, and this link confirms an address for another sign-in. Sign out, then open the link again.
        </p>
        {takeOver}
        <SignOutButton token={token} />
      </Panel>
    );
  const signIn = new URLSearchParams({ callbackUrl: `/verify-email/${token}`, ...(found.kind === "address" ? { email: found.email } : {}) });
  return (
    <Panel title={title}>
      <p>Sign in to confirm {found.kind === "change" ? "your new address" : <strong>{found.email}</strong>}.</p>
      <Link href={`/sign-in?${signIn}`} className="btn btn-primary w-full">
        Sign in to confirm
      </Link>
      {takeOver}
    </Panel>
  );
}
