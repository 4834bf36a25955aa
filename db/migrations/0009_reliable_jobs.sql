CREATE TYPE "public"."email_status" AS ENUM('queued', 'sending', 'sent', 'failed', 'superseded');--> statement-breakpoint
DROP INDEX "outbox_pending_idx";--> statement-breakpoint
ALTER TABLE "outbound_emails" ALTER COLUMN "status" DROP DEFAULT;--> statement-breakpoint
ALTER TABLE "outbound_emails" ALTER COLUMN "status" SET DATA TYPE "public"."email_status" USING "status"::text::"public"."email_status";--> statement-breakpoint
ALTER TABLE "outbound_emails" ALTER COLUMN "status" SET DEFAULT 'queued';--> statement-breakpoint
ALTER TABLE "outbound_emails" ADD COLUMN "job_generation" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "outbound_emails" ADD COLUMN "lease_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbound_emails" ADD COLUMN "lease_job" text;--> statement-breakpoint
ALTER TABLE "outbound_emails" ADD COLUMN "first_attempt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "set_aside_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "error" text;--> statement-breakpoint
CREATE INDEX "outbound_emails_pending_idx" ON "outbound_emails" USING btree ("created_at","id") WHERE "outbound_emails"."status" in ('queued', 'sending');--> statement-breakpoint
CREATE INDEX "outbox_pending_idx" ON "outbox" USING btree ("id") WHERE "outbox"."relayed_at" is null and "outbox"."set_aside_at" is null;