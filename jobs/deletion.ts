// The deletion queue: one job per deletion of customers. It waits out the undo window (moved back to delayed, not
// sleeping), then runs the deletion's steps until nothing is left, reporting progress. Everything it needs to resume is
// in PostgreSQL, so a worker killed mid-way, a lost job or a retry ends the same as one uninterrupted run.
import { DelayedError, type Job, type JobsOptions } from "bullmq";
import { sql } from "drizzle-orm";
import { z } from "zod";
import { db } from "@/db/client";
import { systemPrincipal } from "@/lib/authz";
import { DELETION_JOB, DELETION_QUEUE, deletionJobId, runCustomerDeletionStep } from "@/lib/deletions";
import { addToOutbox } from "@/lib/outbox";
import type { JobContext, PendingWork, Reconciler } from "./registry";

export { DELETION_QUEUE };

export const deletionPayload = z.object({ deletionId: z.uuid() });

export function deletionJobOptions(): JobsOptions {
  return {
    attempts: 20,
    backoff: { type: "exponential", delay: 2000 },
    removeOnComplete: { age: 24 * 3600, count: 1000 },
    removeOnFail: { age: 7 * 24 * 3600 },
  };
}

const WORKER = systemPrincipal("worker");
const RECHECK_MS = 5000;

export async function processDeletionJob(job: Job, ctx: JobContext, token?: string) {
  const { deletionId } = deletionPayload.parse(job.data);
  let customers = 0;
  let users = 0;
  for (;;) {
    const step = await runCustomerDeletionStep(WORKER, deletionId);
    if (step.state === "waiting") {
      // Back to the delayed set until the undo window closes (looking again every few seconds, so a window an operator
      // shortens in the database is honoured); an undo meanwhile makes the next run a no-op.
      await job.moveToDelayed(Math.min(step.until.getTime() + 50, Date.now() + RECHECK_MS), token);
      throw new DelayedError();
    }
    if (step.state !== "progress") {
      ctx.log.info({ deletionId, customers, users, outcome: step.state }, "deletion finished");
      return { customers, users, outcome: step.state };
    }
    customers += step.customers;
    users += step.users;
    await job.updateProgress({ customers, users });
  }
}

/** Deletions that should be running but whose job is gone (Redis restarted empty, a job failed for good). */
export const deletionReconciler: Reconciler = {
  async pending(after, limit) {
    const rows = (await db.execute(sql`
      select d.id, d.job_generation, d.created_at::text as created from customer_deletions d
      where d.status in ('pending', 'running')
        and (${after}::text is null or (d.created_at::text || '|' || d.id::text) > ${after}::text)
        and not exists (select 1 from outbox o where o.relayed_at is null and o.set_aside_at is null and o.queue = ${DELETION_QUEUE}
                        and o.payload->>'deletionId' = d.id::text)
      order by d.created_at, d.id limit ${limit}`)) as unknown as { id: string; job_generation: number; created: string }[];
    return rows.map((r): PendingWork => ({ id: r.id, jobId: deletionJobId(r.id, r.job_generation), cursor: `${r.created}|${r.id}`, budgetSpent: false }));
  },
  async requeue(work) {
    const generation = work.jobId === deletionJobId(work.id, 0) ? 0 : Number(work.jobId.slice(work.jobId.lastIndexOf("-") + 1));
    return db.transaction(async (tx) => {
      // Only if no other sweep re-enqueued it meanwhile: the generation is still the one whose job was found gone.
      const [row] = (await tx.execute(sql`
        update customer_deletions set job_generation = job_generation + 1
        where id = ${work.id} and status in ('pending', 'running') and job_generation = ${generation}
        returning job_generation`)) as unknown as { job_generation: number }[];
      if (!row) return false;
      await addToOutbox(tx, {
        queue: DELETION_QUEUE,
        jobName: DELETION_JOB,
        jobId: deletionJobId(work.id, row.job_generation),
        payload: { deletionId: work.id },
      });
      return true;
    });
  },
  // A deletion never gives up: its work is finite and every step is safe to repeat.
  giveUp: async () => false,
};
