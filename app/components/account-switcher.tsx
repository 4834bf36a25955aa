"use client";
// The account switcher. It lists the person's first accounts (partner accounts first, then by name); someone who
// belongs to more gets a search field, which finds any of them as they type (and, without JavaScript, opens the
// Accounts page with the search), and a link to that page, so a page never carries thousands of accounts.
import Link from "next/link";
import { useEffect, useState } from "react";
import { where } from "./account-trail";
import { useMenu } from "./use-menu";

/** `trail`: the names above the account, from its managing partner down to its parent. */
type SwitcherAccount = { identifier: string; name: string; kind: "customer" | "partner"; trail?: string[] };

export function AccountSwitcher({ current, accounts, more = false }: { current: SwitcherAccount; accounts: SwitcherAccount[]; more?: boolean }) {
  const ref = useMenu();
  const [q, setQ] = useState("");
  const query = q.trim();
  const [result, setResult] = useState<{ query: string; accounts: SwitcherAccount[]; more: boolean; error?: string } | null>(null);

  // The accounts whose name or identifier contains what was typed, a moment after the typing stops; an older answer
  // never replaces a newer one.
  useEffect(() => {
    if (!query) return;
    const controller = new AbortController();
    const timer = setTimeout(() => {
      fetch(`/profile/accounts/options?q=${encodeURIComponent(query)}`, { signal: controller.signal })
        .then((r) => (r.ok ? (r.json() as Promise<{ accounts: SwitcherAccount[]; more: boolean }>) : Promise.reject(new Error(String(r.status)))))
        .then((body) => setResult({ query, ...body }))
        .catch((err: unknown) => {
          if (!controller.signal.aborted) setResult({ query, accounts: [], more: false, error: err instanceof Error ? err.message : "error" });
        });
    }, 150);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  // An answer counts only for the text it was asked for; with the field empty, the first accounts are back.
  const found = query && result?.query === query ? result : null;
  const status = !found
    ? ""
    : found.error
      ? `Your accounts could not be searched (${found.error}).`
      : found.accounts.length === 0
        ? "No account of yours has that in its name or identifier."
        : found.more
          ? "More accounts match: type more."
          : "";
  const shown = found ? found.accounts : accounts;
  return (
    <details ref={ref} className="relative" data-testid="account-switcher">
      <summary
        className="flex cursor-pointer list-none items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
        aria-label={`Current account: ${current.name}${where(current.trail) ? `, under ${where(current.trail)}` : ""}. Switch account`}
        title={where(current.trail) ? `${where(current.trail)} › ${current.name}` : current.name}
      >
        <span className="max-w-[10rem] truncate sm:max-w-[16rem]">{current.name}</span>
        {current.kind === "partner" ? <span className="rounded bg-indigo-100 px-1.5 text-xs text-indigo-800">Partner</span> : null}
        <span aria-hidden>▾</span>
      </summary>
      <div className="absolute left-0 z-20 mt-1 w-80 max-w-[calc(100vw-2rem)] rounded-md border border-slate-200 bg-white shadow-lg">
        {more ? (
          <form role="search" action="/profile/accounts" className="border-b border-slate-100 p-2" onSubmit={(e) => (query ? undefined : e.preventDefault())}>
            <label htmlFor="account-switcher-q" className="sr-only">
              Find one of your accounts
            </label>
            <input
              id="account-switcher-q"
              name="q"
              type="search"
              autoComplete="off"
              placeholder="Find an account…"
              className="input"
              value={q}
              onChange={(e) => setQ(e.target.value)}
            />
          </form>
        ) : null}
        <ul className="max-h-80 overflow-auto py-1" aria-label={found ? "Accounts found" : "Your accounts"}>
          {shown.map((a) => (
            <li key={a.identifier}>
              <Link
                href={`/${a.identifier}`}
                className={`block px-3 py-2 text-sm hover:bg-slate-50 ${a.identifier === current.identifier ? "bg-blue-50 font-semibold" : ""}`}
                aria-current={a.identifier === current.identifier ? "true" : undefined}
              >
                <span className="block truncate" title={a.name}>
                  {a.name}
                </span>
                {where(a.trail) ? (
                  <span className="block truncate text-xs font-normal text-slate-500" data-testid="account-trail" title={`${where(a.trail)} › ${a.name}`}>
                    <span className="sr-only">Under </span>
                    {where(a.trail)} ›
                  </span>
                ) : null}
                <span className="block font-mono text-xs font-normal text-slate-500">{a.identifier}</span>
              </Link>
            </li>
          ))}
        </ul>
        {status ? (
          <p className="px-3 pb-2 text-xs text-slate-500" role="status">
            {status}
          </p>
        ) : null}
        {more ? (
          <Link
            href={query ? `/profile/accounts?q=${encodeURIComponent(query)}` : "/profile/accounts"}
            className="block border-t border-slate-100 px-3 py-2 text-sm text-blue-800 hover:bg-slate-50"
          >
            All your accounts…
          </Link>
        ) : null}
      </div>
    </details>
  );
}
