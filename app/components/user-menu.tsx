"use client";
import Link from "next/link";
import { signOutAction } from "@/app/(auth)/sign-out/actions";
import { FormMessage } from "./form";
import { useActionForm } from "./use-action-form";
import { useMenu } from "./use-menu";

type Item = { href: string; label: string };

export function SettingsMenu({ name, email, items }: { name: string; email: string; items: Item[] }) {
  const ref = useMenu();
  return (
    <details ref={ref} className="relative" data-testid="settings-menu">
      <summary className="btn-icon cursor-pointer list-none" aria-label="Settings menu">
        <svg aria-hidden viewBox="0 0 24 24" className="h-5 w-5" fill="none" stroke="currentColor" strokeWidth="1.8">
          <path d="M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z" />
          <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1Z" />
        </svg>
      </summary>
      <div className="absolute right-0 z-20 mt-1 w-64 rounded-md border border-slate-200 bg-white py-1 shadow-lg">
        <div className="border-b border-slate-100 px-3 py-2 text-sm">
          <div className="truncate font-medium">{name}</div>
          <div className="truncate text-xs text-slate-500">{email}</div>
        </div>
        <Link href="/profile" className="block px-3 py-2 text-sm hover:bg-slate-50">
          Profile
        </Link>
        {items.map((item) => (
          <Link key={item.href} href={item.href} className="block px-3 py-2 text-sm hover:bg-slate-50">
            {item.label}
          </Link>
        ))}
        <SignOutForm />
      </div>
    </details>
  );
}

/**
 * Signing out ends the session on the server before the cookie goes; if that can't be done (the database out of
 * reach), the menu says so and the person stays signed in, knowing it.
 */
function SignOutForm() {
  const { state, pending, formProps } = useActionForm(signOutAction);
  return (
    <form {...formProps} aria-label="Sign out">
      <div className="px-3 empty:hidden">
        <FormMessage state={state} />
      </div>
      <button type="submit" disabled={pending} className="block w-full px-3 py-2 text-left text-sm text-red-700 hover:bg-red-50">
        {pending ? "Signing out…" : "Sign out"}
      </button>
    </form>
  );
}
