import type { Metadata } from "next";
import { Day } from "@/app/components/day";
import { PrevNext, SearchBox, withParams } from "@/app/components/list-controls";
import { ACTIONS_COLUMN, TableCard } from "@/app/components/list-section";
import { firstParams, type SearchParams, searchTerm } from "@/lib/core";
import { listAllAccounts } from "@/lib/operators";
import { orNotFound } from "@/lib/web";
import { AccountRow } from "./account-row";
import { getOperatorContext } from "./operator-context";

export const metadata: Metadata = { title: "Accounts · Operator" };

export default async function OperatorAccountsPage({ searchParams }: { searchParams: Promise<SearchParams<"q" | "after">> }) {
  const { principal } = await getOperatorContext();
  const sp = firstParams(await searchParams, ["q", "after"]);
  const q = searchTerm(sp.q);
  const list = await orNotFound(listAllAccounts(principal, { q, after: sp.after }));
  return (
    <section className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">Accounts</h1>
        <p className="mt-1 text-sm text-slate-600">Every account of this installation. Turn one into a partner account (or back), and set any project quota.</p>
      </div>
      <SearchBox q={q} label="Search accounts by name or identifier" />
      <TableCard
        columns={["Name", "Identifier", "Kind", "Users", "Projects / quota", "Created", ACTIONS_COLUMN]}
        tableClassName="min-w-[48rem]"
        empty={list.rows.length === 0 && (q ? "No account matches your search." : "No accounts yet.")}
        footer={
          <PrevNext
            label="Accounts"
            first={sp.after ? withParams("/operator", { q: q || undefined }, {}) : null}
            next={list.next ? withParams("/operator", { q: q || undefined }, { after: list.next }) : null}
          />
        }
      >
        {list.rows.map((a) => (
          <AccountRow
            key={a.id}
            account={{
              identifier: a.identifier,
              name: a.name,
              kind: a.kind,
              partner: a.partner_identifier,
              users: a.users,
              projects: a.projects,
              quota: a.project_quota,
              created: <Day at={a.created_at} />,
            }}
          />
        ))}
      </TableCard>
    </section>
  );
}
