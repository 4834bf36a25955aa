// An account's audit trail as a table, newest first, with "Older" and "Newest" links: the account's Activity page and a
// managed customer's Activity tab show the same rows.
import Link from "next/link";
import { Timestamp } from "@/app/components/day";
import { TableCard } from "@/app/components/list-section";
import { describeAuditEvent } from "@/lib/audit";
import { GROUP_LABELS, PROJECT_ROLE_LABELS } from "@/lib/authz";

const LABELS: Record<string, string> = { ...GROUP_LABELS, ...PROJECT_ROLE_LABELS };

export type ActivityEvent = {
  id: number;
  action: string;
  actorName: string | null;
  actorLabel: string | null;
  targetLabel: string | null;
  details: unknown;
  createdAt: Date;
};

export function ActivityTable({ events, path, before, nextBefore }: { events: ActivityEvent[]; path: string; before?: number; nextBefore: number | null }) {
  return (
    <TableCard
      columns={["When", "Who", "What"]}
      empty={events.length === 0 && "Nothing has happened yet."}
      footer={
        <nav aria-label="Activity pages" className="flex justify-end gap-2 px-3 py-2">
          {before ? (
            <Link className="btn btn-secondary" href={path}>
              Newest
            </Link>
          ) : null}
          {nextBefore ? (
            <Link className="btn btn-secondary" href={`${path}?before=${nextBefore}`} rel="next">
              Older
            </Link>
          ) : null}
        </nav>
      }
    >
      {events.map((e) => (
        <tr key={e.id} data-testid="audit-row">
          <td className="w-28 text-xs text-slate-600 sm:w-auto sm:whitespace-nowrap">
            <Timestamp at={e.createdAt} />
          </td>
          <td>{e.actorName ?? e.actorLabel ?? "Tenancy"}</td>
          <td>{describeAuditEvent(e, LABELS)}</td>
        </tr>
      ))}
    </TableCard>
  );
}
