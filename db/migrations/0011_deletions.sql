CREATE TYPE "public"."deletion_status" AS ENUM('pending', 'running', 'done', 'cancelled');--> statement-breakpoint
CREATE TABLE "customer_deletions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"manager_id" uuid NOT NULL,
	"requested_by" uuid,
	"requested_by_label" text NOT NULL,
	"label" text NOT NULL,
	"status" "deletion_status" DEFAULT 'pending' NOT NULL,
	"undo_until" timestamp with time zone NOT NULL,
	"customers_total" integer NOT NULL,
	"users_total" integer NOT NULL,
	"customers_done" integer DEFAULT 0 NOT NULL,
	"users_done" integer DEFAULT 0 NOT NULL,
	"impact" jsonb NOT NULL,
	"customer_list" jsonb NOT NULL,
	"job_generation" integer DEFAULT 0 NOT NULL,
	"cancelled_by" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_deletions_progress" CHECK ("customer_deletions"."customers_done" <= "customer_deletions"."customers_total")
);
--> statement-breakpoint
CREATE TABLE "reserved_identifiers" (
	"identifier" text PRIMARY KEY NOT NULL,
	"reserved_until" timestamp with time zone NOT NULL,
	"deletion_id" uuid
);
--> statement-breakpoint
ALTER TABLE "customers" DROP CONSTRAINT "customers_parent_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "customers" DROP CONSTRAINT "customers_partner_id_customers_id_fk";
--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "deletion_id" uuid;--> statement-breakpoint
ALTER TABLE "customer_deletions" ADD CONSTRAINT "customer_deletions_manager_id_customers_id_fk" FOREIGN KEY ("manager_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_deletions" ADD CONSTRAINT "customer_deletions_requested_by_users_id_fk" FOREIGN KEY ("requested_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_deletions_manager_idx" ON "customer_deletions" USING btree ("manager_id","created_at");--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_parent_id_customers_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_partner_id_customers_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customers_deletion_idx" ON "customers" USING btree ("deletion_id",cardinality("path")) WHERE "customers"."deletion_id" is not null;
--> statement-breakpoint
-- A deleted customer's identifier named things on other platforms: nobody may take it while it is reserved.
CREATE OR REPLACE FUNCTION customers_identifier_not_reserved() RETURNS trigger AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM reserved_identifiers r WHERE r.identifier = NEW.identifier AND r.reserved_until > now()) THEN
    RAISE EXCEPTION 'identifier % is reserved', NEW.identifier
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'customers_identifier_reserved';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER customers_identifier_not_reserved BEFORE INSERT ON customers
  FOR EACH ROW EXECUTE FUNCTION customers_identifier_not_reserved();
