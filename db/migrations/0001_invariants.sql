-- Identifiers are permanent: they name the account or project on every connected platform.
CREATE OR REPLACE FUNCTION refuse_identifier_change() RETURNS trigger AS $$
BEGIN
  IF NEW.identifier IS DISTINCT FROM OLD.identifier THEN
    RAISE EXCEPTION 'identifier of % % can never change', TG_TABLE_NAME, OLD.identifier
      USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_identifier_immutable';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER customers_identifier_immutable BEFORE UPDATE ON customers
  FOR EACH ROW EXECUTE FUNCTION refuse_identifier_change();
--> statement-breakpoint
CREATE TRIGGER projects_identifier_immutable BEFORE UPDATE ON projects
  FOR EACH ROW EXECUTE FUNCTION refuse_identifier_change();
--> statement-breakpoint
-- The outbox relay listens on this channel so committed intents are moved to the queue at once.
CREATE OR REPLACE FUNCTION notify_outbox() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
  FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox();
