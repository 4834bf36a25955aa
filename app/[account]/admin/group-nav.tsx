"use client";
// The partner's customer groups in the Administration sidebar, as ThingsBoard lists its groups: each opens the
// Customers list filtered to it, and the one shown is marked.
import Link from "next/link";
import { usePathname, useSearchParams } from "next/navigation";

const linkClass = (active: boolean) =>
  `flex items-center justify-between gap-2 whitespace-nowrap rounded-md px-3 py-1.5 text-sm ${active ? "bg-blue-50 font-medium text-blue-800" : "text-slate-700 hover:bg-slate-100"}`;

export function GroupNav({ base, groups, more }: { base: string; groups: { id: string; name: string; customers: number }[]; more: boolean }) {
  const pathname = usePathname();
  const current = useSearchParams().get("group");
  const onList = pathname === `${base}/customers`;
  return (
    <div className="md:mt-4">
      <p className="mb-1 hidden px-3 text-xs font-semibold uppercase tracking-wide text-slate-500 md:block">Customer groups</p>
      <ul aria-label="Customer groups" className="flex gap-1 overflow-x-auto md:block md:space-y-0.5">
        <li>
          <Link href={`${base}/customers`} className={linkClass(onList && !current)} aria-current={onList && !current ? "page" : undefined}>
            All
          </Link>
        </li>
        {groups.map((g) => {
          const active = onList && current === g.id;
          return (
            <li key={g.id}>
              <Link href={`${base}/customers?group=${g.id}`} className={linkClass(active)} aria-current={active ? "page" : undefined}>
                <span className="max-w-[8rem] truncate" title={g.name}>
                  {g.name}
                </span>
                <span className="text-xs tabular-nums text-slate-500">{g.customers}</span>
              </Link>
            </li>
          );
        })}
        {more ? (
          <li>
            <Link href={`${base}/groups`} className={linkClass(false)}>
              All groups…
            </Link>
          </li>
        ) : null}
      </ul>
    </div>
  );
}
