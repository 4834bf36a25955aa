"use client";
// The Customers list's rows. A client component so that the page's React payload carries each row as a few fields of
// data instead of its whole markup (the HTML is rendered on the server all the same): the rows were most of the payload.
import Link from "next/link";
import { Day } from "@/app/components/day";
import { EnvelopeIcon, TrashIcon } from "@/app/components/icons";
import { withParams } from "@/app/components/list-controls";
import { QuotaMeter } from "./quota-meter";
import { RowPick } from "./selection-bar";
import { counted } from "@/lib/core";

export type CustomerRow = {
  id: string;
  identifier: string;
  name: string;
  selfManaged: boolean;
  children: number;
  /** How far below the manager it sits (1: directly under it). */
  depth: number;
  parentIdentifier: string | null;
  parentName: string | null;
  groupNames: string[];
  groupCount: number;
  users: number;
  pendingInvitations: number;
  projects: number;
  projectQuota: number;
  createdAt: Date;
};

export function CustomerRows({
  rows,
  manager,
  isPartner,
  selectable,
  canNotify,
  canDelete,
}: {
  rows: CustomerRow[];
  manager: { identifier: string; name: string };
  isPartner: boolean;
  selectable: boolean;
  canNotify: boolean;
  canDelete: boolean;
}) {
  const base = `/${manager.identifier}/admin/customers`;
  return (
    <>
      {rows.map((c) => (
        <tr key={c.id} data-testid="customer-row">
          {selectable ? (
            <td>
              <RowPick account={manager.identifier} row={{ identifier: c.identifier, name: c.name }} />
            </td>
          ) : null}
          <td className="max-w-[18rem] min-w-[10rem] font-medium break-words">
            <Link
              href={`${base}/${c.identifier}`}
              className="line-clamp-2 text-blue-800 [overflow-wrap:anywhere] hover:underline"
              title={`Details of ${c.name}`}
              data-testid="customer-name"
            >
              {c.name}
            </Link>
            <span className="block font-mono text-xs font-normal text-slate-600" data-testid="customer-identifier">
              {c.identifier}
            </span>
            {c.selfManaged ? <span className="rounded bg-violet-50 px-1.5 py-0.5 text-xs font-normal text-violet-800">self-managed</span> : null}
            {c.children > 0 ? (
              <Link href={withParams(base, {}, { parent: c.identifier })} className="block text-xs font-normal text-blue-700 hover:underline">
                {counted.subCustomers(c.children)} ›
              </Link>
            ) : null}
            {/* The columns that fold on a narrower screen, said in the row instead (hidden once their column shows). */}
            <span className="mt-1 block text-xs font-normal text-slate-600 xl:hidden" data-testid="folded">
              {c.depth > 1 && c.parentIdentifier ? <span className="mr-2 inline-block">under {c.parentName}</span> : null}
              {isPartner && c.groupNames.length > 0 ? (
                <span className="mr-2 inline-block">
                  {c.groupNames.join(", ")}
                  {c.groupCount > c.groupNames.length ? ` +${c.groupCount - c.groupNames.length}` : ""}
                </span>
              ) : null}
              <span className="mr-2 inline-block sm:hidden">{counted.users(c.users)}</span>
              <span className="mr-2 inline-block sm:hidden">
                {c.projects} of {counted.projects(c.projectQuota)}
              </span>
              <span className="mr-2 inline-block">{c.pendingInvitations} pending</span>
              <span className="mr-2 inline-block">
                created <Day at={c.createdAt} />
              </span>
            </span>
          </td>
          <td className="hidden text-sm xl:table-cell">
            {c.depth > 1 && c.parentIdentifier ? (
              <Link href={`${base}/${c.parentIdentifier}`} className="hover:underline" title={`Level ${c.depth} below ${manager.name}`}>
                {c.parentName}
              </Link>
            ) : (
              <span className="text-slate-400">—</span>
            )}
          </td>
          {isPartner ? (
            <td className="hidden max-w-[9rem] text-xs xl:table-cell">
              {c.groupNames.length === 0 ? (
                <span className="text-slate-400">All only</span>
              ) : (
                <span className="flex flex-wrap gap-1">
                  {c.groupNames.map((g) => (
                    <span key={g} className="rounded bg-slate-100 px-1.5 py-0.5 [overflow-wrap:anywhere]">
                      {g}
                    </span>
                  ))}
                  {c.groupCount > c.groupNames.length ? <span className="text-slate-500">+{c.groupCount - c.groupNames.length}</span> : null}
                </span>
              )}
            </td>
          ) : null}
          <td className="hidden tabular-nums sm:table-cell">
            <Link href={`${base}/${c.identifier}/users`} className="text-blue-800 hover:underline" aria-label={`Users of ${c.name}: ${c.users}`} title="Users">
              {c.users}
            </Link>
          </td>
          <td className="hidden tabular-nums xl:table-cell">{c.pendingInvitations}</td>
          <td className="hidden sm:table-cell">
            {isPartner ? (
              <Link href={`${base}/${c.identifier}/quota`} aria-label={`Quota of ${c.name}`} title="Quota" className="block hover:opacity-80">
                <QuotaMeter used={c.projects} quota={c.projectQuota} label={`Projects of ${c.name} used of quota`} />
              </Link>
            ) : (
              <QuotaMeter used={c.projects} quota={c.projectQuota} label={`Projects of ${c.name} used of quota`} />
            )}
          </td>
          <td className="hidden whitespace-nowrap xl:table-cell">
            <Day at={c.createdAt} />
          </td>
          <td>
            <div className="flex justify-end gap-0.5">
              {canNotify ? (
                <Link
                  href={`/${manager.identifier}/admin/notices/new?customer=${c.identifier}`}
                  className="btn-icon"
                  aria-label={`Send a notice to ${c.name}`}
                  title="Send a notice"
                >
                  <EnvelopeIcon />
                </Link>
              ) : null}
              {canDelete ? (
                <Link
                  href={`/${manager.identifier}/admin/deletions/new?customers=${encodeURIComponent(c.identifier)}`}
                  className="btn-icon text-red-700"
                  aria-label={`Delete ${c.name}`}
                  title="Delete…"
                >
                  <TrashIcon />
                </Link>
              ) : null}
            </div>
          </td>
        </tr>
      ))}
    </>
  );
}
