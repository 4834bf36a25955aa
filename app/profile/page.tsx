import type { Metadata } from "next";
import { Timestamp } from "@/app/components/day";
import { getProfile, listSessions } from "@/lib/profile";
import { requirePrincipal } from "@/lib/web";
import { ChangeEmailForm, ChangePasswordForm, NameForm, ResendVerificationForm, SessionsList, SignOutEverywhereForm } from "./forms";

export const metadata: Metadata = { title: "Profile" };
export const dynamic = "force-dynamic";

export default async function ProfilePage() {
  const principal = await requirePrincipal("/profile");
  const [profile, sessions] = await Promise.all([getProfile(principal), listSessions(principal)]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Your profile</h1>
      <NameForm name={profile.name} />
      <section aria-labelledby="email-heading" className="card space-y-4 p-5">
        <h2 id="email-heading" className="font-semibold">
          E-mail address
        </h2>
        <p className="flex flex-wrap items-center gap-2 text-sm">
          <span data-testid="profile-email">{profile.email}</span>
          {profile.emailVerifiedAt ? (
            <span className="rounded bg-green-50 px-1.5 py-0.5 text-xs font-medium text-green-800" data-testid="email-status">
              Verified
            </span>
          ) : (
            <span className="rounded bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-900" data-testid="email-status">
              Not verified
            </span>
          )}
        </p>
        {profile.emailVerifiedAt ? null : (
          <>
            <p className="text-sm text-slate-600">
              Open the link we sent to {profile.email} while signed in here to confirm the address is yours. Until then your account admins see it as
              unconfirmed.
            </p>
            <ResendVerificationForm />
          </>
        )}
        {profile.pendingEmail ? (
          <p className="rounded-md bg-blue-50 px-3 py-2 text-sm text-blue-900" data-testid="pending-email">
            Waiting for confirmation: <strong>{profile.pendingEmail.email}</strong>. Open the link we sent there before{" "}
            <Timestamp at={profile.pendingEmail.expiresAt} />; until then you keep signing in with {profile.email}.
          </p>
        ) : null}
        <ChangeEmailForm />
      </section>
      <ChangePasswordForm />
      <section aria-labelledby="sessions-heading" className="card space-y-4 p-5">
        <h2 id="sessions-heading" className="font-semibold">
          Where you are signed in
        </h2>
        <p className="text-sm text-slate-600">
          Each browser and device signed in to your account. Don&rsquo;t recognise one? Sign it out, then change your password.
        </p>
        <SessionsList list={sessions} />
        <SignOutEverywhereForm />
      </section>
    </div>
  );
}
