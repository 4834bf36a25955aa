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
  EMAIL_ATTEMPTS: z.coerce.number().int().min(1).default(6),
  EMAIL_BACKOFF_MS: z.coerce.number().int().min(0).default(2000),
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
