// The page shown while Tenancy can't reach its database: plain words, nothing was changed, try again. Used by the
// error boundaries (app/error.tsx, app/global-error.tsx); no hooks, so server and client components can both render it.
import type { ReactNode } from "react";

/**
 * The digest lib/web puts on the UnavailableError it throws for an unreachable database (UNAVAILABLE_DIGEST there;
 * tests/integration/unavailable.test.ts keeps the two equal). A production build hands an error boundary the digest
 * of a server error, never its message.
 */
export const UNAVAILABLE_DIGEST = "TENANCY_UNAVAILABLE";

export function isUnavailableDigest(digest: string | undefined): boolean {
  return digest === UNAVAILABLE_DIGEST;
}

export function UnavailablePage({ action }: { action?: ReactNode }) {
  return (
    <main className="mx-auto max-w-lg px-6 py-16 text-center" data-testid="unavailable">
      <h1 className="text-2xl font-semibold">Temporarily unavailable</h1>
      <p className="mt-2 text-slate-600">
        Tenancy can&apos;t reach its database right now. Nothing was changed. Please try again in a moment: it recovers by itself once the database answers
        again.
      </p>
      <div className="mt-6">{action}</div>
    </main>
  );
}

export function ErrorPage({ digest, action }: { digest?: string; action?: ReactNode }) {
  return (
    <main className="mx-auto max-w-lg px-6 py-16 text-center" data-testid="error-page">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="mt-2 text-slate-600">Something failed on our side while showing this page. Please try again.</p>
      {digest ? <p className="mt-2 text-xs text-slate-500">Reference: {digest}</p> : null}
      <div className="mt-6">{action}</div>
    </main>
  );
}
