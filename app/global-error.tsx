"use client";
// The last resort: an error in the root layout itself, which app/error.tsx can't catch. It replaces the whole document,
// so it brings its own <html> and <body> (and the stylesheet, imported here too).
import "./globals.css";
import { ErrorPage, UnavailablePage, isUnavailableDigest } from "@/app/components/unavailable";

export default function GlobalError({ error }: { error: Error & { digest?: string } }) {
  // A full reload: after an error in the root layout there is no layout left to re-render into.
  const action = (
    <a href="" className="btn btn-secondary">
      Try again
    </a>
  );
  return (
    <html lang="en">
      <body className="min-h-screen">
        {isUnavailableDigest(error.digest) ? <UnavailablePage action={action} /> : <ErrorPage digest={error.digest} action={action} />}
      </body>
    </html>
  );
}
