// Every queue the worker serves, by name.
import { deletionQueue } from "./deletion";
import { emailQueue } from "./email";
import { noticesQueue } from "./notices";
import type { QueueDefinition } from "./queue";

const ALL: QueueDefinition[] = [emailQueue, deletionQueue, noticesQueue];

export const QUEUES: Record<string, QueueDefinition> = Object.fromEntries(ALL.map((q) => [q.job.queue, q]));
