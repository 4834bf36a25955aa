"use client";
import Link from "next/link";
import { useEffect, useRef } from "react";
import { usePathname } from "next/navigation";

type Account = { identifier: string; name: string; kind: "customer" | "partner" };

export function AccountSwitcher({ current, accounts }: { current: Account; accounts: Account[] }) {
  const ref = useRef<HTMLDetailsElement>(null);
  const pathname = usePathname();
  useEffect(() => {
    if (ref.current) ref.current.open = false;
  }, [pathname]);
  return (
    <details ref={ref} className="relative" data-testid="account-switcher">
      <summary
        className="flex cursor-pointer list-none items-center gap-2 rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50"
        aria-label={`Current account: ${current.name}. Switch account`}
      >
        <span className="max-w-[10rem] truncate sm:max-w-[16rem]">{current.name}</span>
        {current.kind === "partner" ? <span className="rounded bg-indigo-100 px-1.5 text-xs text-indigo-800">Partner</span> : null}
        <span aria-hidden>▾</span>
      </summary>
      <ul className="absolute left-0 z-20 mt-1 max-h-80 w-72 overflow-auto rounded-md border border-slate-200 bg-white py-1 shadow-lg" role="list">
        {accounts.map((a) => (
          <li key={a.identifier}>
            <Link
              href={`/${a.identifier}`}
              className={`block px-3 py-2 text-sm hover:bg-slate-50 ${a.identifier === current.identifier ? "bg-blue-50 font-semibold" : ""}`}
              aria-current={a.identifier === current.identifier ? "true" : undefined}
            >
              <span className="block truncate">{a.name}</span>
              <span className="block font-mono text-xs text-slate-500">{a.identifier}</span>
            </Link>
          </li>
        ))}
      </ul>
    </details>
  );
}
