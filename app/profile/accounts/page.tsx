import type { Metadata } from "next";
import Link from "next/link";
import { where } from "@/app/components/account-trail";
import { PrevNext, SearchBox, withParams } from "@/app/components/list-controls";
import { TableCard } from "@/app/components/list-section";
import { listMyAccounts } from "@/lib/accounts";
import { GROUP_LABELS } from "@/lib/authz";
import { firstParams, type SearchParams, searchTerm } from "@/lib/core";
import { requirePrincipal } from "@/lib/web";

export const metadata: Metadata = { title: "Your accounts" };
export const dynamic = "force-dynamic";

/** Every account the person belongs to, for someone in more than the account switcher lists. */
export default async function MyAccountsPage({ searchParams }: { searchParams: Promise<SearchParams<"q" | "after">> }) {
  const principal = await requirePrincipal("/profile/accounts");
  const sp = firstParams(await searchParams, ["q", "after"]);
  const q = searchTerm(sp.q);
  const list = await listMyAccounts(principal, { q, after: sp.after, limit: 50 });
  return (
    <section className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">Your accounts</h1>
        <p className="mt-1 text-sm text-slate-600">The accounts you belong to, partner accounts first, then by name. Open one to work in it.</p>
      </div>
      <SearchBox q={q} label="Search your accounts" />
      <TableCard
        columns={["Name", "Identifier", "Where it sits", "Your group"]}
        tableClassName="min-w-[40rem]"
        empty={
          list.rows.length === 0 &&
          (q ? `None of your accounts has “${q}” in its name or identifier.` : sp.after ? "No more accounts." : "You belong to no account.")
        }
        footer={
          <PrevNext
            label="Your accounts"
            first={sp.after ? withParams("/profile/accounts", { q: q || undefined }, {}) : null}
            next={list.next ? withParams("/profile/accounts", { q: q || undefined }, { after: list.next }) : null}
          />
        }
      >
        {list.rows.map((a) => (
          <tr key={a.identifier} data-testid="my-account-row">
            <td className="font-medium">
              <Link href={`/${a.identifier}`} className="break-words text-blue-800 hover:underline">
                {a.name}
              </Link>
              {a.kind === "partner" ? <span className="ml-2 rounded bg-indigo-100 px-1.5 text-xs text-indigo-800">Partner</span> : null}
            </td>
            <td className="font-mono text-xs">{a.identifier}</td>
            <td className="text-sm text-slate-600">{where(a.trail) ?? <span className="text-slate-400">—</span>}</td>
            <td className="text-sm">{GROUP_LABELS[a.group]}</td>
          </tr>
        ))}
      </TableCard>
    </section>
  );
}
