// Configuration: every environment variable Tenancy reads, parsed by one schema with the defaults the README documents.
// This is the ground floor: db/, lib/, jobs/ and scripts/ import it, and it imports nothing of theirs. Each process
// checks it as it starts (`npm start`, the web server's instrumentation hook, the worker), so a bad value stops the
// start with a line naming the variable instead of failing a request later.
import { z } from "zod";

/** A whole number from the environment: unset or blank takes the default. */
const whole = (min: number, fallback: number) =>
  z.preprocess(
    blankIsUnset,
    z.coerce.number({ error: "must be a number" }).int(`must be a whole number ≥ ${min}`).min(min, `must be a whole number ≥ ${min}`).default(fallback),
  );
const optionalWhole = (min: number) =>
  z.preprocess(
    blankIsUnset,
    z.coerce.number({ error: "must be a number" }).int(`must be a whole number ≥ ${min}`).min(min, `must be a whole number ≥ ${min}`).optional(),
  );

function blankIsUnset(v: unknown) {
  return typeof v === "string" && v.trim() === "" ? undefined : v;
}

/** Reverse proxies in front of Tenancy whose X-Forwarded-For may be believed: a count, or true (1) / false (0). */
const proxies = z.preprocess(
  (v) => {
    const s = typeof v === "string" ? v.trim().toLowerCase() : v;
    return s === undefined || s === "" || s === "false" ? "0" : s === "true" ? "1" : s;
  },
  z.coerce
    .number({ error: "must be the number of reverse proxies in front of Tenancy" })
    .int("must be the number of reverse proxies in front of Tenancy")
    .min(0, "must be the number of reverse proxies in front of Tenancy"),
);

const schema = z.object({
  DATABASE_URL: z.string().default("postgres://postgres@127.0.0.1:5432/tenancy"),
  // Connections each process opens at most; with a pooler in front, its pool counts.
  DATABASE_POOL_SIZE: whole(1, 10),
  // Seconds to open a connection (a refused one fails at once anyway).
  DATABASE_CONNECT_TIMEOUT: whole(0, 2),
  // Seconds before an idle connection is closed (0 keeps them), so a restarted database is met with fresh ones.
  DATABASE_IDLE_TIMEOUT: whole(0, 30),
  // PostgreSQL cancels a statement running longer (0: none); its transaction rolls back.
  DATABASE_STATEMENT_TIMEOUT_MS: whole(0, 30_000),
  // How often the worker asks whether the database answers again while it is paused.
  DATABASE_PROBE_MS: whole(1, 2000),
  REDIS_URL: z.string().optional(),
  JOB_BACKEND: z.enum(["redis", "postgres"]).default("redis"),
  QUEUE_PREFIX: z.string().default("tenancy"),
  APP_URL: z.string().default("http://localhost:3000"),
  NEXTAUTH_URL: z.string().optional(),
  NEXTAUTH_SECRET: z.string().optional(),
  AUTH_SECRET: z.string().optional(),
  RESEND_API_KEY: z.string().optional(),
  RESEND_BASE_URL: z.string().optional(),
  MAIL_FROM: z.string().default("Tenancy <no-reply@tenancy.localhost>"),
  DEV_MAILBOX: z.enum(["on", "off"]).optional(),
  OPERATOR_EMAILS: z
    .string()
    .default("")
    .transform((s) =>
      s
        .split(",")
        .map((e) => e.trim().toLowerCase())
        .filter(Boolean),
    ),
  INVITATION_TTL_DAYS: z.coerce.number().positive().default(7),
  DEFAULT_PROJECT_QUOTA: z.coerce.number().int().min(0).default(5),
  DELETION_UNDO_MINUTES: z.coerce.number().min(0).default(10),
  IDENTIFIER_RESERVATION_DAYS: z.coerce.number().min(0).default(90),
  DELETION_CHUNK: z.coerce.number().int().positive().default(10000),
  // Unset: only EMAIL_RETRY_BUDGET_HOURS ends the retries of an e-mail; set: also at most this many failed sends (429s don't count).
  EMAIL_ATTEMPTS: optionalWhole(1),
  EMAIL_BACKOFF_MS: z.coerce.number().int().min(0).default(2000),
  EMAIL_BACKOFF_MAX_MS: z.coerce.number().int().min(0).default(300_000),
  EMAIL_RETRY_BUDGET_HOURS: z.coerce.number().positive().default(24),
  EMAIL_SEND_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  EMAIL_RATE_PER_SECOND: optionalWhole(1),
  EMAIL_CONCURRENCY: z.coerce.number().int().positive().default(8),
  JOB_LOCK_MS: z.coerce.number().int().positive().default(30_000),
  JOB_STALLED_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  JOB_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
  // Password hashes at once per process, and how many more may wait before a request is refused.
  HASH_CONCURRENCY: whole(1, 2),
  HASH_QUEUE: whole(0, 32),
  // Failed sign-ins in a row on one address before its owner is told.
  FAILED_SIGN_IN_ALERT_AFTER: whole(1, 5),
  TRUST_PROXY: proxies,
  RATE_LIMIT_STORE: z.preprocess(blankIsUnset, z.enum(["redis", "postgres", "memory"], { error: "must be redis, postgres or memory" }).optional()),
  RATE_LIMIT_PREFIX: z.preprocess(blankIsUnset, z.string().optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  PORT: z.preprocess(
    blankIsUnset,
    z.coerce
      .number({ error: "must be a port number" })
      .int("must be a port number")
      .min(1, "must be a port number")
      .max(65535, "must be a port number")
      .default(3000),
  ),
  TENANCY_DATA_DIR: z.preprocess(blankIsUnset, z.string().default(".data")),
  EMBEDDED_PG_PORT: z.preprocess(
    blankIsUnset,
    z.coerce.number({ error: "must be a port number" }).int("must be a port number").min(1).max(65535).default(54329),
  ),
});

export type Env = z.output<typeof schema>;

/** A per-limit override's form: RATE_LIMIT_<NAME>=points/windowSeconds[/blockSeconds]. */
const RATE_LIMIT_OVERRIDE = /^(\d+)\/(\d+)(?:\/(\d+))?$/;
export type RateLimitOverride = { points: number; windowSeconds: number; blockSeconds?: number };

/** The override of the limit `name` in `source`, parsed; null when none is set. Throws on a bad one (checked at start). */
export function rateLimitOverride(name: string, source: Record<string, string | undefined> = process.env): RateLimitOverride | null {
  const raw = source[`RATE_LIMIT_${name}`]?.trim();
  if (!raw) return null;
  const m = RATE_LIMIT_OVERRIDE.exec(raw);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1)
    throw new Error(`RATE_LIMIT_${name} must be points/windowSeconds[/blockSeconds] with points and window ≥ 1, got "${raw}"`);
  return { points: Number(m[1]), windowSeconds: Number(m[2]), blockSeconds: m[3] === undefined ? undefined : Number(m[3]) };
}

/** Every variable the schema reads, in one string: the environment changes (tests, `npm start` filling defaults) are seen. */
const KEYS = Object.keys(schema.shape) as (keyof typeof schema.shape)[];
let cached: { source: string; env: Env } | null = null;

/** The configuration, parsed once for the environment as it stands (again only when one of its variables changes). */
export function getEnv(): Env {
  const source = KEYS.map((k) => process.env[k] ?? "\u0000").join("\u0001");
  if (cached?.source === source) return cached.env;
  const env = schema.parse(process.env);
  cached = { source, env };
  return env;
}

/**
 * The configuration `source` gives (for a test's own environment, or a check of one value); the process's own,
 * parsed once, without one. Throws an Error naming each bad variable.
 */
export function readEnv(source?: Record<string, string | undefined>): Env {
  if (!source) return getEnv();
  const parsed = schema.safeParse(source);
  if (!parsed.success) throw new Error(configProblems(source).join("; "));
  return parsed.data;
}

/** What is wrong with the configuration in `source`, one line per variable; empty when it is all valid. */
export function configProblems(source: Record<string, string | undefined> = process.env): string[] {
  const problems: string[] = [];
  const parsed = schema.safeParse(source);
  if (!parsed.success)
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      problems.push(`${name} ${issue.message.replace(/^Invalid (input|option).*$/, "is not a valid value")} (got "${source[name] ?? ""}")`);
    }
  for (const name of Object.keys(source).filter((k) => k.startsWith("RATE_LIMIT_") && k !== "RATE_LIMIT_STORE" && k !== "RATE_LIMIT_PREFIX"))
    try {
      rateLimitOverride(name.slice("RATE_LIMIT_".length), source);
    } catch (err) {
      problems.push((err as Error).message);
    }
  return problems;
}

/**
 * Stops this process when the configuration is bad, with a line per variable on stderr: called first by each entry
 * point (`npm start`, the web server, the worker), so nothing starts half-configured.
 */
export function exitOnBadConfig(who: string): void {
  const problems = configProblems();
  if (problems.length === 0) return;
  for (const p of problems) console.error(`[${who}] bad configuration: ${p}`);
  process.exit(1);
}

/** Sets a variable for this process and the ones it starts (a command that has just picked its database, say). */
export function setEnv(name: keyof Env, value: string): void {
  process.env[name] = value;
}

/** A variable's value when it is set at all (for "use it if given, else …" decisions the defaults would hide). */
export function explicitlySet(name: keyof Env): string | undefined {
  const raw = process.env[name];
  return raw === undefined || raw.trim() === "" ? undefined : raw;
}

/** The secret links and sessions are signed with (NEXTAUTH_SECRET, or Auth.js's AUTH_SECRET). */
export function installationSecret(env: Env = getEnv()): string | undefined {
  return env.NEXTAUTH_SECRET ?? env.AUTH_SECRET;
}

/** The dev mailbox is available exactly when no real mail provider is configured, unless turned off. */
export function devMailboxEnabled(env: Env = getEnv()): boolean {
  if (env.RESEND_API_KEY) return false;
  return env.DEV_MAILBOX !== "off";
}
