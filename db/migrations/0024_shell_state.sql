ALTER TABLE "users" ADD COLUMN "notice_panel_folded" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "operator_welcomed_at" timestamp with time zone;