CREATE TYPE "public"."notice_work_kind" AS ENUM('publish', 'remind', 'expire', 'check');--> statement-breakpoint
CREATE TABLE "notice_work" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"notice_id" uuid NOT NULL,
	"kind" "notice_work_kind" NOT NULL,
	"revision" integer NOT NULL,
	"run" text NOT NULL,
	"not_before" timestamp with time zone NOT NULL,
	"job_generation" integer DEFAULT 0 NOT NULL,
	"lease_job" text,
	"lease_until" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"first_attempt_at" timestamp with time zone,
	"last_error" text,
	"done_at" timestamp with time zone,
	"outcome" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notice_work_revision_positive" CHECK ("notice_work"."revision" >= 1)
);
--> statement-breakpoint
ALTER TABLE "notice_work" ADD CONSTRAINT "notice_work_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notice_work_run_key" ON "notice_work" USING btree ("notice_id","kind","revision","run");--> statement-breakpoint
CREATE INDEX "notice_work_pending_idx" ON "notice_work" USING btree ("created_at","id") WHERE "notice_work"."done_at" is null;--> statement-breakpoint
-- What notices owed before this table existed lived only as jobs in the queue. Record it, so the reconciliation sweep
-- enqueues it under the new jobs: each shown or scheduled notice's publish (a repeat e-mails nobody twice: copies
-- resume from notice_deliveries), its expiry, and its next automatic reminder.
INSERT INTO "notice_work" ("notice_id", "kind", "revision", "run", "not_before")
SELECT "id", 'publish', "revision", 'copy-r' || "revision", "starts_at" FROM "notices"
 WHERE "withdrawn_at" IS NULL AND ("expires_at" IS NULL OR "expires_at" > now()) AND "starts_at" > now() - interval '7 days'
ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "notice_work" ("notice_id", "kind", "revision", "run", "not_before")
SELECT "id", 'expire', "revision", 'expire', "expires_at" FROM "notices" WHERE "withdrawn_at" IS NULL AND "expires_at" > now()
ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "notice_work" ("notice_id", "kind", "revision", "run", "not_before")
SELECT n."id", 'remind', n."revision", 'auto-r' || n."revision" || '-' || k.next, n."starts_at" + k.next * n."remind_after_days" * interval '1 day'
  FROM "notices" n, LATERAL (
    SELECT coalesce(max(split_part(d."run", '-', 3)::int), 0) + 1 AS next FROM "notice_deliveries" d
     WHERE d."notice_id" = n."id" AND d."run" LIKE 'auto-r' || n."revision" || '-%') k
 WHERE n."remind_after_days" IS NOT NULL AND n."withdrawn_at" IS NULL AND (n."expires_at" IS NULL OR n."expires_at" > now())
ON CONFLICT DO NOTHING;
