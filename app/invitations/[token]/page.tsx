import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { getPrincipal } from "@/lib/web";
import { GROUP_LABELS } from "@/lib/authz";
import { findInvitationByToken } from "@/lib/invitations";
import { AcceptForm, SignOutButton, SignUpToAcceptForm } from "./forms";

export const metadata: Metadata = { title: "Invitation", robots: { index: false, follow: false } };

function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card space-y-4 p-6 text-sm text-slate-700">
      <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
      {children}
    </section>
  );
}

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const principal = await getPrincipal();
  const found = await findInvitationByToken(principal, token);
  if (found.status === "invalid")
    return (
      <Panel title="This invitation link doesn't work">
        <p>It was revoked, replaced by a newer invitation, or not copied completely.</p>
        <p>Ask the person who invited you, or another Customer Admin of the account, to send you a new invitation.</p>
      </Panel>
    );

  const { invitation, customer, inviter } = found;
  // Whom to ask when the link can't be used: the inviter when we still know them.
  const contact = inviter ? (
    <>
      {inviter.name} (
      <a href={`mailto:${inviter.email}`} className="font-medium text-blue-700 hover:underline">
        {inviter.email}
      </a>
      )
    </>
  ) : (
    <>a Customer Admin of {customer.name}</>
  );
  const invitedBy = inviter?.name ?? "Someone";

  if (found.status === "expired")
    return (
      <Panel title="This invitation has expired">
        <p>
          {invitedBy} invited {invitation.email} to <strong>{customer.name}</strong>, but the link expired on {invitation.expiresAt.toUTCString()}.
        </p>
        <p>Ask {contact} to resend the invitation; you will get a new link by e-mail.</p>
      </Panel>
    );

  if (found.status === "used")
    return (
      <Panel title="This invitation has already been used">
        <p>
          Each invitation link works once, and this one to <strong>{customer.name}</strong> was accepted. If that was you, sign in to reach the account.
        </p>
        <p>If it wasn&apos;t you, tell {contact}.</p>
        <Link href={`/${customer.identifier}`} className="btn btn-primary w-full">
          Go to {customer.name}
        </Link>
      </Panel>
    );

  const intro = (
    <p>
      {invitedBy} invited you to join <strong>{customer.name}</strong> on Tenancy as {GROUP_LABELS[invitation.group]}.
    </p>
  );
  const user = principal.kind === "user" ? principal : null;
  if (user && user.email.toLowerCase() !== invitation.email.toLowerCase())
    return (
      <Panel title="This invitation is for someone else">
        <p>
          This invitation to <strong>{customer.name}</strong> was sent to <strong>{invitation.email}</strong>, but you are signed in as{" "}
          <strong>{user.email}</strong>. Nothing has been accepted.
        </p>
        <p>
          Sign out, then open the link again to continue as {invitation.email}. If {user.email} should join instead, ask {contact} to invite that address.
        </p>
        <SignOutButton token={token} />
      </Panel>
    );

  if (user)
    return (
      <Panel title={`Join ${customer.name}`}>
        {intro}
        <p>You are signed in as {user.email}.</p>
        <AcceptForm token={token} accountName={customer.name} />
      </Panel>
    );

  if (found.inviteeHasAccount) {
    const signIn = new URLSearchParams({ callbackUrl: `/invitations/${token}`, email: invitation.email });
    return (
      <Panel title={`Join ${customer.name}`}>
        {intro}
        <p>You already have a Tenancy account as {invitation.email}. Sign in with it to accept.</p>
        <Link href={`/sign-in?${signIn}`} className="btn btn-primary w-full">
          Sign in to accept
        </Link>
      </Panel>
    );
  }

  return (
    <Panel title={`Join ${customer.name}`}>
      {intro}
      <p>Create your Tenancy account to accept. You join {customer.name}; no customer account of your own is created.</p>
      <SignUpToAcceptForm token={token} email={invitation.email} fullName={invitation.fullName} accountName={customer.name} />
    </Panel>
  );
}
