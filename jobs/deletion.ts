// The deletion queue: one job per deletion of customers. It waits out the undo window (moved back to delayed, not
// sleeping), then runs the deletion's steps until nothing is left, reporting progress. Everything it needs to resume is
// in PostgreSQL, so a worker killed mid-way, a lost job or a retry ends the same as one uninterrupted run.
import { DelayedError } from "bullmq";
import { systemPrincipal } from "@/lib/authz";
import { deletionJob, listPendingDeletions, requeueDeletion, runCustomerDeletionStep } from "@/lib/deletions";
import { defineQueue } from "./queue";

const WORKER = systemPrincipal("worker");
const RECHECK_MS = 5000;

export const deletionQueue = defineQueue({
  job: deletionJob,
  async process(job, { deletionId }, ctx, token) {
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
      // Progress is for people watching; the deletion's own progress is in PostgreSQL, so a queue that lost the job's
      // key must not stop it.
      await job.updateProgress({ customers, users }).catch((err) => ctx.log.debug({ err, deletionId }, "progress not recorded"));
    }
  },
  // One deletion at a time per worker: its chunks already keep the database busy, other requests must still get through.
  concurrency: () => 1,
  reconcile: {
    pending: (after, limit) => listPendingDeletions(WORKER, after, limit),
    requeue: (work) => requeueDeletion(WORKER, work),
    // A deletion never gives up: its work is finite and every step is safe to repeat.
    giveUp: async () => false,
  },
});
