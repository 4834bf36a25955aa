// Said above every signed-in page until it is dealt with: an address not yet confirmed (with a new link a click away),
// and, once, what being the installation's operator means and where its area is.
import Link from "next/link";
import { getShellState } from "@/lib/web";
import { DismissWelcomeForm, ResendLinkForm } from "./shell-banner-forms";

/** `inOperatorArea`: the operator's note is not repeated where it points to. */
export async function ShellBanners({ inOperatorArea = false }: { inOperatorArea?: boolean }) {
  const state = await getShellState();
  const shell = { ...state, welcomeOperator: state.welcomeOperator && !inOperatorArea };
  if (!shell.unverifiedEmail && !shell.welcomeOperator) return null;
  return (
    <div className="mb-4 space-y-2">
      {shell.welcomeOperator ? (
        <section aria-labelledby="operator-welcome-heading" className="rounded-lg border border-blue-200 bg-blue-50 p-4 text-sm" data-testid="operator-welcome">
          <h2 id="operator-welcome-heading" className="font-semibold text-blue-950">
            You are an operator of this installation
          </h2>
          <p className="mt-1 text-blue-950">
            The first person to sign up on an installation becomes its operator, and operators look after all of it: every account, which of them are partners
            and their quotas, who else is an operator, the background queues and the e-mails sent (with a mailbox that shows them while no mail provider is set
            up). All of it is in the Operator area, also in the settings menu at the top right. Your own account works as anyone else&apos;s.
          </p>
          <div className="mt-2 flex flex-wrap items-center gap-3">
            <Link href="/operator" className="btn btn-primary px-3 py-1.5">
              Open the Operator area
            </Link>
            <DismissWelcomeForm />
          </div>
        </section>
      ) : null}
      {shell.unverifiedEmail ? (
        <section
          aria-label="Confirm your e-mail address"
          className="flex flex-wrap items-center gap-x-3 gap-y-1 rounded-lg border border-amber-300 bg-amber-50 px-4 py-2 text-sm"
          data-testid="unverified-banner"
        >
          <p className="text-amber-950">
            Please confirm <strong className="break-all">{shell.unverifiedEmail}</strong>: open the link we e-mailed you while signed in. Until then your
            account admins see the address as unconfirmed.
          </p>
          <ResendLinkForm />
        </section>
      ) : null}
    </div>
  );
}
