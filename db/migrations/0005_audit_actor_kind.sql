ALTER TABLE "audit_events" ADD COLUMN "actor_kind" text DEFAULT 'user' NOT NULL;--> statement-breakpoint
-- Rows written by the worker before actors had kinds carry no user and the label "system".
UPDATE "audit_events" SET "actor_kind" = 'system' WHERE "actor_id" IS NULL AND "actor_label" = 'system';--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_actor_kind" CHECK ("audit_events"."actor_kind" in ('user', 'system', 'api_key'));
