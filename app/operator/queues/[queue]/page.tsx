import type { Metadata } from "next";
import Link from "next/link";
import { Timestamp } from "@/app/components/day";
import { ACTIONS_COLUMN, TableCard } from "@/app/components/list-section";
import { AppError, firstParams, type SearchParams } from "@/lib/core";
import type { UserPrincipal } from "@/lib/authz";
import { listFailedJobs } from "@/lib/queues";
import { orNotFound } from "@/lib/web";
import { getOperatorContext } from "../../operator-context";
import { RetryJob } from "../retry-job";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Failed jobs · Operator" };

async function failedJobs(principal: UserPrincipal, queue: string, page: number) {
  try {
    return await listFailedJobs(principal, queue, { page });
  } catch (err) {
    if (err instanceof AppError && err.code === "unavailable") return null;
    throw err;
  }
}

export default async function FailedJobsPage({
  params,
  searchParams,
}: {
  params: Promise<{ queue: string }>;
  searchParams: Promise<SearchParams<"page" | "retried">>;
}) {
  const queue = decodeURIComponent((await params).queue);
  const sp = firstParams(await searchParams, ["page", "retried"]);
  const page = Math.max(1, Math.min(10_000, Number(sp.page) || 1));
  const { principal } = await getOperatorContext(`/operator/queues/${encodeURIComponent(queue)}`);
  const list = await orNotFound(failedJobs(principal, queue, page));
  return (
    <section className="space-y-4">
      <Link href="/operator/queues" className="text-sm text-blue-700 hover:underline">
        ← Queues
      </Link>
      <div>
        <h1 className="text-2xl font-semibold">
          Failed jobs of <span className="font-mono">{queue}</span>
        </h1>
        <p className="mt-1 text-sm text-slate-600">
          Newest failure first. Retry runs a job again with its attempts reset; jobs are idempotent, so work already done isn&apos;t done twice. Failed jobs are
          kept for a week.
        </p>
      </div>
      {sp.retried ? (
        <p role="status" className="rounded-md border border-green-200 bg-green-50 px-3 py-2 text-sm text-green-800">
          Job <span className="font-mono">{sp.retried}</span> is waiting to run again.
        </p>
      ) : null}
      {list === null ? (
        <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900" data-testid="queue-unreachable">
          The job queue can&apos;t be reached right now. Try again shortly.
        </p>
      ) : (
        <TableCard
          columns={["Job", "Reason", "Attempts", "Failed", ACTIONS_COLUMN]}
          tableClassName="min-w-[48rem]"
          empty={list.rows.length === 0 && "No failed jobs."}
          footer={
            page > 1 || list.more ? (
              <nav aria-label="Failed jobs pages" className="flex justify-end gap-2 px-3 py-2">
                {page > 1 ? (
                  <Link className="btn btn-secondary" href={`?page=${page - 1}`}>
                    Newer
                  </Link>
                ) : null}
                {list.more ? (
                  <Link className="btn btn-secondary" rel="next" href={`?page=${page + 1}`}>
                    Older
                  </Link>
                ) : null}
              </nav>
            ) : null
          }
        >
          {list.rows.map((job) => (
            <tr key={job.id} data-testid="failed-job-row">
              <td>
                <div className="font-mono text-xs">{job.id}</div>
                <div className="text-xs text-slate-500">
                  {job.name} <span className="font-mono">{job.data}</span>
                </div>
              </td>
              <td className="max-w-md break-words text-sm text-red-800">{job.reason}</td>
              <td className="tabular-nums">
                {job.attemptsMade} / {job.attempts}
              </td>
              <td className="whitespace-nowrap text-sm">{job.failedAt ? <Timestamp at={job.failedAt} /> : "—"}</td>
              <td className="text-right">
                <RetryJob queue={list.queue} jobId={job.id} />
              </td>
            </tr>
          ))}
        </TableCard>
      )}
      {list ? <p className="text-sm text-slate-600">{list.total} failed in all.</p> : null}
    </section>
  );
}
