"use client";
import Link from "next/link";
import { signIn } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";

/** `callbackPath` is already a path on this site (the page passes it through safeRedirectPath); only it is followed. */
export function SignInForm({ callbackPath, email: fixedEmail }: { callbackPath: string; email?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setPending(true);
    setError(null);
    const result = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      // next-auth answers with a URL of its own (checked by its redirect callback), unused here: the page's path wins.
      callbackUrl: callbackPath,
      redirect: false,
    });
    setPending(false);
    if (!result || result.error) {
      // next-auth's codes are one word ("CredentialsSignin": wrong password or unknown address, the same answer); a
      // sentence is the server's own words, e.g. "Too many sign-in attempts. Try again in 14 minutes."
      const sentence = result?.error && /\s/.test(result.error) ? result.error : null;
      setError(sentence ?? "That e-mail and password don't match an account.");
      return;
    }
    router.push(callbackPath);
    router.refresh();
  }

  return (
    <form onSubmit={onSubmit} className="card space-y-4 p-6" noValidate>
      <h1 className="text-xl font-semibold">Sign in</h1>
      {error ? (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {error}
        </div>
      ) : null}
      <div>
        <label htmlFor="email" className="mb-1 block text-sm font-medium text-slate-700">
          E-mail
        </label>
        <input id="email" name="email" type="email" autoComplete="email" required className="input" defaultValue={fixedEmail} />
      </div>
      <div>
        <label htmlFor="password" className="mb-1 block text-sm font-medium text-slate-700">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" required className="input" />
        <p className="mt-1 text-right text-sm">
          <Link href="/forgot-password" className="font-medium text-blue-700 hover:underline">
            Forgot your password?
          </Link>
        </p>
      </div>
      <button type="submit" className="btn btn-primary w-full" disabled={pending} aria-busy={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </button>
      <p className="text-center text-sm text-slate-600">
        New here?{" "}
        <Link href="/sign-up" className="font-medium text-blue-700 hover:underline">
          Create an account
        </Link>
      </p>
    </form>
  );
}
