"use client";
import Link from "next/link";
import { useMenu } from "./use-menu";

/** `trail`: the names above the account, from its managing partner down to its parent. */
type Account = { identifier: string; name: string; kind: "customer" | "partner"; trail?: string[] };

/** "Partner › Parent": where an account sits, for the switcher's entries. */
function where(trail: string[] | undefined) {
  return trail && trail.length > 0 ? trail.join(" › ") : null;
}

export function AccountSwitcher({ current, accounts }: { current: Account; accounts: Account[] }) {
  const ref = useMenu();
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
      <ul
        className="absolute left-0 z-20 mt-1 max-h-80 w-80 max-w-[calc(100vw-2rem)] overflow-auto rounded-md border border-slate-200 bg-white py-1 shadow-lg"
        role="list"
      >
        {accounts.map((a) => (
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
    </details>
  );
}
