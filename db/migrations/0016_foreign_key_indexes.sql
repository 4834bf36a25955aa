CREATE INDEX "customers_home_project_idx" ON "customers" USING btree ("home_project_id") WHERE "customers"."home_project_id" is not null;--> statement-breakpoint
CREATE INDEX "invitations_invited_by_idx" ON "invitations" USING btree ("invited_by") WHERE "invitations"."invited_by" is not null;--> statement-breakpoint
CREATE INDEX "invitations_accepted_by_idx" ON "invitations" USING btree ("accepted_by") WHERE "invitations"."accepted_by" is not null;--> statement-breakpoint
CREATE INDEX "outbound_emails_customer_idx" ON "outbound_emails" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "audit_events_actor_idx" ON "audit_events" USING btree ("actor_id") WHERE "audit_events"."actor_id" is not null;--> statement-breakpoint
CREATE INDEX "customer_deletions_requested_by_idx" ON "customer_deletions" USING btree ("requested_by") WHERE "customer_deletions"."requested_by" is not null;--> statement-breakpoint
CREATE INDEX "notice_acknowledgements_customer_idx" ON "notice_acknowledgements" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "notices_created_by_idx" ON "notices" USING btree ("created_by") WHERE "notices"."created_by" is not null;