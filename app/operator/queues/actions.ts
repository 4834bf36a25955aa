"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { retryFailedJob } from "@/lib/queues";
import { userAction } from "@/lib/web";

// A retried job leaves the failed list, so the page says what happened instead of its row.
export const retryJobAction = userAction(
  z.object({ queue: z.string().min(1).max(100), jobId: z.string().min(1).max(200) }),
  async ({ queue, jobId }, principal) => {
    await retryFailedJob(principal, queue, jobId);
    redirect(`/operator/queues/${encodeURIComponent(queue)}?${new URLSearchParams({ retried: jobId })}`);
  },
);
