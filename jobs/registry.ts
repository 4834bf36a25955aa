// Every queue the worker serves: name, job options for enqueueing, and its processor.
import type { Job, JobsOptions } from "bullmq";
import { EMAIL_QUEUE, emailJobOptions, processEmailJob } from "./email";

export type QueueDefinition = {
  name: string;
  jobOptions: () => JobsOptions;
  process: (job: Job) => Promise<unknown>;
  concurrency: number;
};

export const QUEUES: Record<string, QueueDefinition> = {
  [EMAIL_QUEUE]: { name: EMAIL_QUEUE, jobOptions: emailJobOptions, process: processEmailJob, concurrency: 8 },
};
