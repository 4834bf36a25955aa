import type { Metadata } from "next";
import Link from "next/link";
import { TableCard } from "@/app/components/list-section";
import { AppError } from "@/lib/core";
import { getQueueOverview, type QueueSummary } from "@/lib/queues";
import type { UserPrincipal } from "@/lib/authz";
import { orNotFound } from "@/lib/web";
import { getOperatorContext } from "../operator-context";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Queues · Operator" };

/** The counts, or null while the job queue doesn't answer (the page says so instead of failing). */
async function overview(principal: UserPrincipal): Promise<QueueSummary[] | null> {
  try {
    return await getQueueOverview(principal);
  } catch (err) {
    if (err instanceof AppError && err.code === "unavailable") return null;
    throw err;
  }
}

export default async function QueuesPage() {
  const { principal } = await getOperatorContext("/operator/queues");
  const queues = await orNotFound(overview(principal));
  return (
    <section className="max-w-4xl space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">Queues</h1>
        <p className="mt-1 text-sm text-slate-600">
          The background jobs of this installation, as the worker sees them. A failed job has used up its attempts (or failed for good); open its queue to read
          why and run it again. E-mails that failed or are stuck are on{" "}
          <Link href="/operator/emails" className="text-blue-700 hover:underline">
            E-mails
          </Link>
          .
        </p>
      </div>
      {queues === null ? (
        <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="queue-unreachable">
          The job queue can&apos;t be reached right now. Work waits in the outbox meanwhile and nothing is lost; this page shows the queues again once it
          answers.
        </p>
      ) : (
        <TableCard columns={["Queue", "Waiting", "Active", "Delayed", "Failed", "Completed"]}>
          {queues.map((q) => (
            <tr key={q.name} data-testid="queue-row">
              <td className="font-medium">
                <span className="font-mono">{q.name}</span>
                {q.paused ? <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900">paused</span> : null}
              </td>
              <td className="tabular-nums" data-count="waiting">
                {q.waiting}
              </td>
              <td className="tabular-nums" data-count="active">
                {q.active}
              </td>
              <td className="tabular-nums" data-count="delayed">
                {q.delayed}
              </td>
              <td className="tabular-nums" data-count="failed">
                {q.failed > 0 ? (
                  <Link href={`/operator/queues/${encodeURIComponent(q.name)}`} className="font-semibold text-red-700 hover:underline">
                    {q.failed}
                  </Link>
                ) : (
                  q.failed
                )}
              </td>
              <td className="tabular-nums" data-count="completed">
                {q.completed}
              </td>
            </tr>
          ))}
        </TableCard>
      )}
    </section>
  );
}
