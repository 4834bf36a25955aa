import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { findPasswordReset } from "@/lib/profile";
import { getPrincipal } from "@/lib/web";
import { ResetPasswordForm } from "./reset-password-form";

// The token is in the path: no search engine, and no Referer to anywhere.
export const metadata: Metadata = { title: "Choose a new password", robots: { index: false, follow: false }, referrer: "no-referrer" };

function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="card space-y-4 p-6 text-sm text-slate-700">
      <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
      {children}
    </section>
  );
}

const askAgain = (
  <Link href="/forgot-password" className="btn btn-primary w-full">
    Ask for a new link
  </Link>
);

export default async function ResetPasswordPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const found = await findPasswordReset(await getPrincipal(), token);
  switch (found.status) {
    case "invalid":
      return (
        <Panel title="This link doesn't work">
          <p>It was not copied completely, or it is not a password reset link.</p>
          {askAgain}
        </Panel>
      );
    case "expired":
      return (
        <Panel title="This link has expired">
          <p>A password reset link works for one hour. Ask for a new one; it is sent to the same address.</p>
          {askAgain}
        </Panel>
      );
    case "used":
      return (
        <Panel title="This link has already been used">
          <p>Each password reset link works once. If you chose a new password with it, sign in with that; otherwise ask for a new link.</p>
          <Link href="/sign-in" className="btn btn-secondary w-full">
            Sign in
          </Link>
          {askAgain}
        </Panel>
      );
    case "valid":
      return <ResetPasswordForm token={token} email={found.email} />;
  }
}
