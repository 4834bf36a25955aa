ALTER TABLE "outbound_emails" ADD COLUMN "queued_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Existing e-mails were last queued when they were made, or by their newest outbox intent (a retry): one pass over
-- the outbox, grouped, instead of one lookup per e-mail.
UPDATE "outbound_emails" SET "queued_at" = "created_at";--> statement-breakpoint
UPDATE "outbound_emails" e SET "queued_at" = r.queued_at
  FROM (SELECT o.payload->>'emailId' AS email_id, max(o.created_at) AS queued_at FROM "outbox" o WHERE o.queue = 'email' GROUP BY 1) r
  WHERE r.email_id = e.id::text AND r.queued_at > e.created_at;--> statement-breakpoint
CREATE INDEX "outbound_emails_undelivered_idx" ON "outbound_emails" USING btree ("queued_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "outbound_emails"."status" in ('queued', 'sending', 'failed');