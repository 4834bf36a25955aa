import type { Metadata } from "next";
import Link from "next/link";
import { counted, isRefusal } from "@/lib/core";
import { getCustomerGroup } from "@/lib/customer-groups";
import { previewCustomerDeletion } from "@/lib/deletions";
import { orNotFound } from "@/lib/web";
import { getAdminContext } from "../../admin-context";
import { ConfirmDeletionForm } from "./confirm-deletion-form";
import { deletionSelectionOf, type DeletionParams } from "./selection";

export const metadata: Metadata = { title: "Delete customers · Administration" };

/**
 * The one confirmation of every deletion: one customer, a selection, a group, or all that a filter matches. It shows
 * the summed impact (sub-customers included), names the people whose users go and those who stay, and asks to type the
 * identifier (one) or the number (several).
 */
export default async function NewDeletionPage({ params, searchParams }: { params: Promise<{ account: string }>; searchParams: Promise<DeletionParams> }) {
  const { account } = await params;
  const raw = await searchParams;
  const { sp, customers, all, quota, selection } = deletionSelectionOf(raw);
  const { principal, customer: manager } = await getAdminContext(account);
  const back = `/${manager.identifier}/admin/customers`;
  const preview = await orNotFound(previewCustomerDeletion(principal, manager.identifier, selection));
  const group = sp.group ? await getCustomerGroup(principal, manager.identifier, sp.group).catch((e) => (isRefusal(e) ? null : Promise.reject(e))) : null;
  const { impact } = preview;
  const query = new URLSearchParams(Object.entries(raw).flatMap(([k, v]) => ([] as string[]).concat(v ?? []).map((x) => [k, x])));
  const peopleCsv = `/${manager.identifier}/admin/deletions/new/people?${query}`;
  const one = impact.selected === 1 && impact.sample[0];
  const label = group ? `the customers of the group ${group.name}` : all ? `${counted.customers(impact.selected)} matching a filter` : undefined;
  return (
    <div className="max-w-2xl space-y-6">
      <Link href={back} className="text-sm text-blue-700 hover:underline">
        ← Customers
      </Link>
      <div>
        <h1 className="text-2xl font-semibold break-words">
          {impact.selected === 0 ? "Nothing to delete" : one ? `Delete ${impact.sample[0].name}?` : `Delete ${counted.customers(impact.selected)}?`}
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          {group
            ? `Every customer in the group ${group.name}, with its sub-customers. `
            : all
              ? "Every customer the list's filter matches, with its sub-customers. "
              : ""}
          They disappear at once; for a few minutes you (or another admin) can undo it, then they are deleted for good.
        </p>
      </div>
      {impact.selected === 0 ? (
        <p className="card p-4 text-sm text-slate-700">None of these customers can be deleted from here: they may be gone already, or being deleted.</p>
      ) : (
        <>
          <section aria-labelledby="impact-heading" className="card space-y-3 p-5" data-testid="deletion-impact">
            <h2 id="impact-heading" className="text-lg font-semibold">
              What will be deleted
            </h2>
            <dl className="grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-3">
              <Figure label="Customers" value={impact.selected} />
              <Figure label="Sub-customers below them" value={impact.subCustomers} />
              <Figure label="Users (who belong nowhere else)" value={impact.users} tone="red" />
              <Figure label="Projects and their access" value={impact.projects} />
              <Figure label="Pending invitations" value={impact.pendingInvitations} />
              <Figure label="People who stay (they belong elsewhere too)" value={impact.usersKept} />
              <Figure label="Open notices (they stop reaching them)" value={impact.openNotices} />
            </dl>
            <p className="text-sm text-slate-600">
              {impact.sample.map((c) => c.name).join(", ")}
              {impact.customers > impact.sample.length ? ` and ${counted.more(impact.customers - impact.sample.length)}` : ""}.
            </p>
            <p className="text-sm text-slate-600">Their identifiers stay reserved afterwards, so nobody can take them again for a while.</p>
          </section>
          {impact.users + impact.usersKept > 0 ? (
            <section aria-labelledby="people-heading" className="card space-y-3 p-5" data-testid="deletion-people">
              <h2 id="people-heading" className="text-lg font-semibold">
                People
              </h2>
              <div className="grid gap-4 sm:grid-cols-2">
                <People
                  testId="people-deleted"
                  title={`Deleted with them (${impact.users.toLocaleString("en")})`}
                  hint="They belong nowhere else: their users go."
                  people={impact.usersSample}
                  total={impact.users}
                  tone="red"
                />
                <People
                  testId="people-kept"
                  title={`Staying (${impact.usersKept.toLocaleString("en")})`}
                  hint="They belong elsewhere too (or run this installation): only these memberships go."
                  people={impact.keptSample}
                  total={impact.usersKept}
                />
              </div>
              <a href={`${peopleCsv}`} className="inline-block text-sm text-blue-700 hover:underline" download>
                Download everyone, and whether they go or stay (CSV)
              </a>
            </section>
          ) : null}
          <ConfirmDeletionForm
            account={manager.identifier}
            customers={customers}
            group={sp.group}
            filter={all ? { q: sp.q, filterGroup: sp.filterGroup, parent: sp.parent, quota } : undefined}
            expected={one ? one.identifier : String(impact.selected)}
            label={label}
            buttonLabel={
              one
                ? `Delete ${one.name}`
                : `Delete ${counted.customers(impact.selected)}${impact.subCustomers > 0 ? ` and ${counted.subCustomers(impact.subCustomers)}` : ""}`
            }
          />
        </>
      )}
    </div>
  );
}

function Figure({ label, value, tone }: { label: string; value: number; tone?: "red" }) {
  return (
    <div>
      <dt className="text-slate-600">{label}</dt>
      <dd className={`text-xl font-semibold tabular-nums ${tone === "red" && value > 0 ? "text-red-700" : ""}`}>{value}</dd>
    </div>
  );
}

function People({
  testId,
  title,
  hint,
  people,
  total,
  tone,
}: {
  testId: string;
  title: string;
  hint: string;
  people: { name: string; email: string }[];
  total: number;
  tone?: "red";
}) {
  return (
    <div data-testid={testId}>
      <h3 className={`text-sm font-semibold ${tone === "red" && total > 0 ? "text-red-800" : "text-slate-800"}`}>{title}</h3>
      <p className="text-xs text-slate-500">{hint}</p>
      {total === 0 ? (
        <p className="mt-1 text-sm text-slate-500">Nobody.</p>
      ) : (
        <ul className="mt-1 space-y-0.5 text-sm">
          {people.map((p) => (
            <li key={p.email} className="break-words">
              {p.name} <span className="text-slate-500">{p.email}</span>
            </li>
          ))}
          {total > people.length ? <li className="text-slate-600">and {counted.more(total - people.length)}</li> : null}
        </ul>
      )}
    </div>
  );
}
