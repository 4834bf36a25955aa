import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { KeysetPager } from "@/app/components/keyset-pager";
import { firstParams, type SearchParams } from "@/lib/core";
import { listMyNotices } from "@/lib/notices";
import { getAccountContext, orNotFound } from "@/lib/web";
import { NoticeCard } from "./notice-card";

export const metadata: Metadata = { title: "Notices" };

export default async function NoticeCentrePage({
  params,
  searchParams,
}: {
  params: Promise<{ account: string }>;
  searchParams: Promise<SearchParams<"after" | "before">>;
}) {
  const { account } = await params;
  const sp = firstParams(await searchParams, ["after", "before"]);
  const ctx = await getAccountContext(account);
  if (!ctx.can("RECEIVE_NOTICES") || !ctx.membership) notFound();
  const list = await orNotFound(listMyNotices(ctx.principal, ctx.customer.identifier, { after: sp.after, before: sp.before }));
  const base = `/${ctx.customer.identifier}/notices`;
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">Notices</h1>
        <p className="mt-1 text-sm text-slate-600">
          Messages for you in {ctx.customer.name}: the open ones first, then those acknowledged, by you or, where one acknowledgement is enough, by a teammate.
        </p>
      </div>
      {list.rows.length === 0 ? (
        <p className="card p-4 text-sm text-slate-600">{sp.after || sp.before ? "No more notices." : "No notices for you here."}</p>
      ) : (
        <div className="space-y-3">
          {list.rows.map((n) => (
            <NoticeCard key={n.id} account={ctx.customer.identifier} notice={n} headingLevel={2} />
          ))}
        </div>
      )}
      <KeysetPager label="Notices" className="" page={list} base={base} current={{}} />
    </div>
  );
}
