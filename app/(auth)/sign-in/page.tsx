import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getEnv, safeRedirectPath } from "@/lib/core";
import { getCurrentUser } from "@/lib/web";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string | string[]; email?: string | string[] }> }) {
  const sp = await searchParams;
  // Only a path on this site: an open redirect would let a link send people elsewhere after signing in. A repeated
  // parameter (an array) is refused like any other value that is not one plain path.
  const callbackPath = safeRedirectPath(sp.callbackUrl, getEnv().APP_URL);
  // Already signed in: go where the link meant to go instead of asking again.
  if (await getCurrentUser()) redirect(callbackPath);
  return <SignInForm callbackPath={callbackPath} email={typeof sp.email === "string" ? sp.email : undefined} />;
}
