CREATE TYPE "public"."notice_audience" AS ENUM('all', 'admins');--> statement-breakpoint
CREATE TYPE "public"."notice_importance" AS ENUM('information', 'action_required');--> statement-breakpoint
CREATE TYPE "public"."notice_mode" AS ENUM('all_must_read', 'single_read_only');--> statement-breakpoint
CREATE TABLE "notice_acknowledgements" (
	"notice_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"revision" integer NOT NULL,
	"mode" "notice_mode" NOT NULL,
	"acknowledged_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "notice_deliveries" (
	"notice_id" uuid NOT NULL,
	"run" text NOT NULL,
	"batch" integer NOT NULL,
	"user_ids" uuid[] NOT NULL,
	"last_user_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text DEFAULT 'sending' NOT NULL,
	"provider_message_ids" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	CONSTRAINT "notice_deliveries_notice_id_run_batch_pk" PRIMARY KEY("notice_id","run","batch"),
	CONSTRAINT "notice_deliveries_status" CHECK ("notice_deliveries"."status" in ('sending', 'sent')),
	CONSTRAINT "notice_deliveries_size" CHECK (cardinality("notice_deliveries"."user_ids") between 1 and 100)
);
--> statement-breakpoint
CREATE TABLE "notice_targets" (
	"notice_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"live_from" timestamp with time zone NOT NULL,
	"live_until" timestamp with time zone DEFAULT 'infinity' NOT NULL,
	CONSTRAINT "notice_targets_notice_id_customer_id_pk" PRIMARY KEY("notice_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "notices" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partner_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body_md" text NOT NULL,
	"mode" "notice_mode" NOT NULL,
	"audience" "notice_audience" DEFAULT 'all' NOT NULL,
	"importance" "notice_importance" DEFAULT 'information' NOT NULL,
	"due_at" timestamp with time zone,
	"starts_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"withdrawn_at" timestamp with time zone,
	"email_copy" boolean DEFAULT false NOT NULL,
	"remind_after_days" integer,
	"revision" integer DEFAULT 1 NOT NULL,
	"addressed" jsonb NOT NULL,
	"targets_count" integer DEFAULT 0 NOT NULL,
	"created_by" uuid,
	"sender_name" text NOT NULL,
	"reminders_sent" integer DEFAULT 0 NOT NULL,
	"last_reminded_at" timestamp with time zone,
	"completed_revision" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "notices_title_length" CHECK (char_length("notices"."title") between 1 and 200),
	CONSTRAINT "notices_body_length" CHECK (char_length("notices"."body_md") between 1 and 20000),
	CONSTRAINT "notices_expiry_after_start" CHECK ("notices"."expires_at" is null or "notices"."expires_at" > "notices"."starts_at"),
	CONSTRAINT "notices_remind_after_days_range" CHECK ("notices"."remind_after_days" is null or "notices"."remind_after_days" between 1 and 90),
	CONSTRAINT "notices_revision_positive" CHECK ("notices"."revision" >= 1)
);
--> statement-breakpoint
ALTER TABLE "notice_acknowledgements" ADD CONSTRAINT "notice_acknowledgements_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_acknowledgements" ADD CONSTRAINT "notice_acknowledgements_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_acknowledgements" ADD CONSTRAINT "notice_acknowledgements_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_deliveries" ADD CONSTRAINT "notice_deliveries_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_targets" ADD CONSTRAINT "notice_targets_notice_id_notices_id_fk" FOREIGN KEY ("notice_id") REFERENCES "public"."notices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notice_targets" ADD CONSTRAINT "notice_targets_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_partner_id_customers_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notices" ADD CONSTRAINT "notices_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "notice_acknowledgements_person_key" ON "notice_acknowledgements" USING btree ("notice_id","revision","user_id") WHERE "notice_acknowledgements"."mode" = 'all_must_read';--> statement-breakpoint
CREATE UNIQUE INDEX "notice_acknowledgements_customer_key" ON "notice_acknowledgements" USING btree ("notice_id","revision","customer_id") WHERE "notice_acknowledgements"."mode" = 'single_read_only';--> statement-breakpoint
CREATE INDEX "notice_acknowledgements_user_idx" ON "notice_acknowledgements" USING btree ("user_id","notice_id");--> statement-breakpoint
CREATE INDEX "notice_targets_customer_live_idx" ON "notice_targets" USING btree ("customer_id","live_until","notice_id");--> statement-breakpoint
CREATE INDEX "notices_partner_created_idx" ON "notices" USING btree ("partner_id","created_at","id");--> statement-breakpoint
-- Live pages follow one channel: the payload names the partner, the notice and, for an acknowledgement, the customer
-- it closed something in (without a customer: every customer of the partner the notice reaches may have changed).
CREATE OR REPLACE FUNCTION notices_announce() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('notices', json_build_object('p', NEW.partner_id, 'n', NEW.id)::text);
  RETURN NULL;
END $$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER notices_announce AFTER INSERT OR UPDATE ON notices FOR EACH ROW EXECUTE FUNCTION notices_announce();--> statement-breakpoint
CREATE OR REPLACE FUNCTION notice_acknowledgements_announce() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('notices', json_build_object('p', n.partner_id, 'n', n.id, 'c', NEW.customer_id)::text) FROM notices n WHERE n.id = NEW.notice_id;
  RETURN NULL;
END $$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER notice_acknowledgements_announce AFTER INSERT ON notice_acknowledgements FOR EACH ROW EXECUTE FUNCTION notice_acknowledgements_announce();--> statement-breakpoint
-- An acknowledgement is for the notice's own mode: the unique index that keeps its rule is chosen by it.
CREATE OR REPLACE FUNCTION notice_acknowledgements_mode() RETURNS trigger AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM notices n WHERE n.id = NEW.notice_id AND n.mode = NEW.mode) THEN
    RAISE EXCEPTION 'acknowledgement mode differs from its notice' USING ERRCODE = '23514', CONSTRAINT = 'notice_acknowledgements_mode';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER notice_acknowledgements_mode BEFORE INSERT OR UPDATE ON notice_acknowledgements FOR EACH ROW EXECUTE FUNCTION notice_acknowledgements_mode();--> statement-breakpoint
CREATE OR REPLACE FUNCTION notices_mode_fixed() RETURNS trigger AS $$
BEGIN
  IF NEW.mode <> OLD.mode THEN
    RAISE EXCEPTION 'a notice keeps its mode' USING ERRCODE = '23514', CONSTRAINT = 'notices_mode_fixed';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;--> statement-breakpoint
CREATE TRIGGER notices_mode_fixed BEFORE UPDATE OF mode ON notices FOR EACH ROW EXECUTE FUNCTION notices_mode_fixed();
