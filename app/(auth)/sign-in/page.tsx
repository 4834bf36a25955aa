import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/web";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

function safeCallback(url: string | undefined): string {
  // Only same-site paths: an open redirect would let a link send people elsewhere after signing in.
  return url && url.startsWith("/") && !url.startsWith("//") ? url : "/";
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; email?: string }> }) {
  const sp = await searchParams;
  // Already signed in: go where the link meant to go instead of asking again.
  if (await getCurrentUser()) redirect(safeCallback(sp.callbackUrl));
  return <SignInForm callbackUrl={safeCallback(sp.callbackUrl)} email={sp.email} />;
}
