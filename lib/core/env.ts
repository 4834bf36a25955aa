// Configuration read from the environment, with the defaults the README documents.
import { z } from "zod";

const schema = z.object({
  DATABASE_URL: z.string().default("postgres://postgres@127.0.0.1:5432/tenancy"),
  REDIS_URL: z.string().optional(),
  JOB_BACKEND: z.enum(["redis", "postgres"]).default("redis"),
  QUEUE_PREFIX: z.string().default("tenancy"),
  APP_URL: z.string().default("http://localhost:3000"),
  RESEND_API_KEY: z.string().optional(),
  RESEND_BASE_URL: z.string().optional(),
  MAIL_FROM: z.string().default("Tenancy <no-reply@tenancy.localhost>"),
  DEV_MAILBOX: z.enum(["on", "off"]).optional(),
  INVITATION_TTL_DAYS: z.coerce.number().positive().default(7),
  DEFAULT_PROJECT_QUOTA: z.coerce.number().int().min(0).default(5),
  DELETION_UNDO_MINUTES: z.coerce.number().min(0).default(10),
  IDENTIFIER_RESERVATION_DAYS: z.coerce.number().min(0).default(90),
  DELETION_CHUNK: z.coerce.number().int().positive().default(10000),
  // Unset: only EMAIL_RETRY_BUDGET_HOURS ends the retries of an e-mail; set: also at most this many failed sends (429s don't count).
  EMAIL_ATTEMPTS: z.coerce.number().int().min(1).optional(),
  EMAIL_BACKOFF_MS: z.coerce.number().int().min(0).default(2000),
  EMAIL_BACKOFF_MAX_MS: z.coerce.number().int().min(0).default(300_000),
  EMAIL_RETRY_BUDGET_HOURS: z.coerce.number().positive().default(24),
  EMAIL_SEND_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  EMAIL_RATE_PER_SECOND: z.coerce.number().int().positive().optional(),
  EMAIL_CONCURRENCY: z.coerce.number().int().positive().default(8),
  JOB_LOCK_MS: z.coerce.number().int().positive().default(30_000),
  JOB_STALLED_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  JOB_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Env = z.infer<typeof schema>;

export function getEnv(): Env {
  return schema.parse(process.env);
}

/** The dev mailbox is available exactly when no real mail provider is configured, unless turned off. */
export function devMailboxEnabled(env: Env = getEnv()): boolean {
  if (env.RESEND_API_KEY) return false;
  return env.DEV_MAILBOX !== "off";
}
