DROP INDEX "customers_parent_name_idx";--> statement-breakpoint
CREATE INDEX "users_email_trgm_idx" ON "users" USING gin (lower("email") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "customers_parent_created_idx" ON "customers" USING btree ("parent_id","created_at","id");--> statement-breakpoint
CREATE INDEX "customers_name_trgm_idx" ON "customers" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "customers_identifier_trgm_idx" ON "customers" USING gin ("identifier" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "customers_parent_name_idx" ON "customers" USING btree ("parent_id",lower("name"),"id");