ALTER TABLE "outbound_emails" ADD COLUMN "link" jsonb;--> statement-breakpoint
-- Invitation links used to be stored in the e-mail's props and bodies. Scrub them: sent e-mails keep their record
-- without a body; unsent ones can't be sent without their link any more, so they fail and their invitation shows
-- "failed" (an admin resends it, which issues a fresh link).
UPDATE "outbound_emails" SET "status" = 'failed', "last_error" = 'The link was removed by an upgrade; resend the invitation.'
  WHERE "props" ? 'acceptUrl' AND "status" <> 'sent';--> statement-breakpoint
UPDATE "invitations" SET "delivery_status" = 'failed'
  WHERE "accepted_at" IS NULL AND "id" IN (SELECT "invitation_id" FROM "outbound_emails" WHERE "props" ? 'acceptUrl' AND "status" = 'failed');--> statement-breakpoint
UPDATE "outbound_emails" SET "props" = "props" - 'acceptUrl', "html" = NULL, "text" = NULL WHERE "props" ? 'acceptUrl';
