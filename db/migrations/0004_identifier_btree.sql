DROP INDEX "customers_identifier_lower_key";--> statement-breakpoint
CREATE UNIQUE INDEX "customers_identifier_key" ON "customers" USING btree ("identifier");