"use client";
// A page whose server work failed. An unreachable database gets its own plain page ("temporarily unavailable, nothing
// was changed"); anything else the generic one. Next answers such a page with HTTP 500 (it has no way for a page to
// choose 503; route handlers and /api/readyz answer 503). "Try again" re-renders the page from the server.
import { useRouter } from "next/navigation";
import { startTransition } from "react";
import { ErrorPage, UnavailablePage, isUnavailableDigest } from "@/app/components/unavailable";

export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const router = useRouter();
  const retry = () =>
    startTransition(() => {
      router.refresh();
      reset();
    });
  const action = (
    <button type="button" className="btn btn-secondary" onClick={retry}>
      Try again
    </button>
  );
  return isUnavailableDigest(error.digest) ? <UnavailablePage action={action} /> : <ErrorPage digest={error.digest} action={action} />;
}
