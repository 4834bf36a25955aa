-- Counters of rate-limiter-flexible's RateLimiterPostgres (lib/limits): the store when JOB_BACKEND=postgres, and the
-- insurance store that keeps limits shared between processes while Redis is unreachable. The library writes
-- (key, points, expire) positionally, so the column order matters; `expire` is epoch milliseconds (null = never).
CREATE TABLE IF NOT EXISTS "rate_limits" (
	"key" text PRIMARY KEY NOT NULL,
	"points" integer DEFAULT 0 NOT NULL,
	"expire" bigint
);
--> statement-breakpoint
-- The library deletes rows that expired more than an hour ago every five minutes.
CREATE INDEX IF NOT EXISTS "rate_limits_expire_idx" ON "rate_limits" ("expire");
