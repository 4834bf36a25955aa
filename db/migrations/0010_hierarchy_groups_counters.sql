CREATE TABLE "customer_group_members" (
	"group_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_group_members_group_id_customer_id_pk" PRIMARY KEY("group_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "customer_groups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"partner_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"customers_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_groups_name_length" CHECK (char_length("customer_groups"."name") between 1 and 80),
	CONSTRAINT "customer_groups_description_length" CHECK (char_length("customer_groups"."description") <= 500)
);
--> statement-breakpoint
CREATE TABLE "partner_members" (
	"partner_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"memberships" integer NOT NULL,
	CONSTRAINT "partner_members_partner_id_user_id_pk" PRIMARY KEY("partner_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "partner_stats" (
	"partner_id" uuid PRIMARY KEY NOT NULL,
	"customers" integer DEFAULT 0 NOT NULL,
	"users" integer DEFAULT 0 NOT NULL,
	"pending_invitations" integer DEFAULT 0 NOT NULL,
	"at_quota" integer DEFAULT 0 NOT NULL,
	"near_quota" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
ALTER TABLE "customers" DROP CONSTRAINT "customers_parent_id_customers_id_fk";
--> statement-breakpoint
DROP INDEX "customers_parent_identifier_idx";--> statement-breakpoint
DROP INDEX "customers_parent_created_idx";--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "path" uuid[] DEFAULT '{}'::uuid[] NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "partner_id" uuid;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "self_managed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "description" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "contact_email" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "contact_phone" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "country" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "state" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "city" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "postal_code" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "address_line1" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "address_line2" text;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "home_project_id" uuid;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "projects_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "members_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "pending_invitations_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "quota_state" text GENERATED ALWAYS AS (case when projects_count >= project_quota then 'at' when projects_count >= 0.8 * project_quota then 'near' else 'under' end) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "customers" ADD COLUMN "deleting_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "partner_id" uuid;--> statement-breakpoint
ALTER TABLE "customer_group_members" ADD CONSTRAINT "customer_group_members_group_id_customer_groups_id_fk" FOREIGN KEY ("group_id") REFERENCES "public"."customer_groups"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_group_members" ADD CONSTRAINT "customer_group_members_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_groups" ADD CONSTRAINT "customer_groups_partner_id_customers_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "partner_stats" ADD CONSTRAINT "partner_stats_partner_id_customers_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_group_members_customer_idx" ON "customer_group_members" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "customer_groups_partner_name_key" ON "customer_groups" USING btree ("partner_id",lower("name"));--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_partner_id_customers_id_fk" FOREIGN KEY ("partner_id") REFERENCES "public"."customers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_parent_id_customers_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."customers"("id") ON DELETE restrict ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customers_partner_name_idx" ON "customers" USING btree ("partner_id",lower("name"),"id");--> statement-breakpoint
CREATE INDEX "customers_partner_identifier_idx" ON "customers" USING btree ("partner_id","identifier","id");--> statement-breakpoint
CREATE INDEX "customers_partner_created_idx" ON "customers" USING btree ("partner_id","created_at","id");--> statement-breakpoint
CREATE INDEX "customers_partner_projects_idx" ON "customers" USING btree ("partner_id","projects_count","id");--> statement-breakpoint
CREATE INDEX "customers_partner_members_idx" ON "customers" USING btree ("partner_id","members_count","id");--> statement-breakpoint
CREATE INDEX "customers_partner_invitations_idx" ON "customers" USING btree ("partner_id","pending_invitations_count","id");--> statement-breakpoint
CREATE INDEX "customers_partner_quota_idx" ON "customers" USING btree ("partner_id","quota_state",lower("name"),"id");--> statement-breakpoint
CREATE INDEX "customers_path_idx" ON "customers" USING gin ("path");--> statement-breakpoint
CREATE INDEX "customers_contact_email_trgm_idx" ON "customers" USING gin (lower("contact_email") gin_trgm_ops);--> statement-breakpoint
ALTER TABLE "customers" ADD CONSTRAINT "customers_home_project_id_projects_id_fk" FOREIGN KEY ("home_project_id") REFERENCES "public"."projects"("id") ON DELETE set null ON UPDATE no action;
--> statement-breakpoint
-- ---- the hierarchy -------------------------------------------------------------------------------------------------
-- path (ancestors, root first) and partner_id (nearest partner ancestor) follow parent_id and kind. A move takes an
-- exclusive advisory lock and a new child a shared one, so two moves can't each pass the cycle check against the
-- other's old state, and a child can't be placed under a parent whose own path is being rewritten.
CREATE OR REPLACE FUNCTION customers_place() RETURNS trigger AS $$
DECLARE
  p customers%ROWTYPE;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.parent_id IS NOT DISTINCT FROM OLD.parent_id AND NEW.kind = OLD.kind THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' THEN
    PERFORM pg_advisory_xact_lock(7428100);
  ELSE
    PERFORM pg_advisory_xact_lock_shared(7428100);
  END IF;
  IF NEW.parent_id IS NULL THEN
    NEW.path := '{}';
    NEW.partner_id := NULL;
    RETURN NEW;
  END IF;
  SELECT * INTO p FROM customers WHERE id = NEW.parent_id;
  IF NEW.id = p.id OR NEW.id = ANY (p.path) THEN
    RAISE EXCEPTION 'customer % can''t be placed under its own sub-customer %', NEW.identifier, p.identifier
      USING ERRCODE = 'check_violation', CONSTRAINT = 'customers_no_cycle';
  END IF;
  NEW.path := p.path || p.id;
  NEW.partner_id := CASE WHEN p.kind = 'partner' THEN p.id ELSE p.partner_id END;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER customers_place BEFORE INSERT OR UPDATE OF parent_id, kind ON customers
  FOR EACH ROW EXECUTE FUNCTION customers_place();
--> statement-breakpoint
-- A moved customer (or one that became or stopped being a partner) carries its subtree: new paths, and each
-- descendant's nearest partner recomputed from its new path. One statement per moved customer.
CREATE OR REPLACE FUNCTION customers_carry_subtree() RETURNS trigger AS $$
BEGIN
  IF NEW.parent_id IS NOT DISTINCT FROM OLD.parent_id AND NEW.kind = OLD.kind THEN
    RETURN NULL;
  END IF;
  UPDATE customers d
     SET path = NEW.path || NEW.id || d.path[cardinality(OLD.path) + 2:],
         partner_id = (
           SELECT a.id FROM unnest(NEW.path || NEW.id || d.path[cardinality(OLD.path) + 2:]) WITH ORDINALITY AS u(id, n)
             JOIN customers a ON a.id = u.id
            WHERE a.kind = 'partner'
            ORDER BY u.n DESC LIMIT 1)
   WHERE d.path @> ARRAY[NEW.id];
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER customers_carry_subtree AFTER UPDATE OF parent_id, kind ON customers
  FOR EACH ROW EXECUTE FUNCTION customers_carry_subtree();
--> statement-breakpoint
-- ---- customer groups belong to one partner --------------------------------------------------------------------------
CREATE OR REPLACE FUNCTION customer_group_members_same_partner() RETURNS trigger AS $$
BEGIN
  -- Statement triggers fire for zero rows too; an empty change must not ripple through the other counters' triggers.
  IF TG_OP = 'DELETE' THEN PERFORM 1 FROM old_rows LIMIT 1; ELSE PERFORM 1 FROM new_rows LIMIT 1; END IF;
  IF NOT FOUND THEN RETURN NULL; END IF;
  IF EXISTS (SELECT 1 FROM new_rows n JOIN customer_groups g ON g.id = n.group_id JOIN customers c ON c.id = n.customer_id
              WHERE c.partner_id IS DISTINCT FROM g.partner_id) THEN
    RAISE EXCEPTION 'a customer can only be in groups of the partner that manages it'
      USING ERRCODE = 'check_violation', CONSTRAINT = 'customer_group_members_same_partner';
  END IF;
  UPDATE customer_groups g SET customers_count = customers_count + x.n
    FROM (SELECT group_id, count(*)::int AS n FROM new_rows GROUP BY group_id) x WHERE g.id = x.group_id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER customer_group_members_insert AFTER INSERT ON customer_group_members
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_group_members_same_partner();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION customer_group_members_removed() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN PERFORM 1 FROM old_rows LIMIT 1; ELSE PERFORM 1 FROM new_rows LIMIT 1; END IF;
  IF NOT FOUND THEN RETURN NULL; END IF;
  UPDATE customer_groups g SET customers_count = customers_count - x.n
    FROM (SELECT group_id, count(*)::int AS n FROM old_rows GROUP BY group_id) x WHERE g.id = x.group_id;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER customer_group_members_delete AFTER DELETE ON customer_group_members
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION customer_group_members_removed();
--> statement-breakpoint
-- ---- counters on customers ------------------------------------------------------------------------------------------
-- Statement-level with transition tables: a bulk insert or delete adjusts each customer once, not once per row.
-- (PL/pgSQL plans a statement when it first runs, so a branch may name a transition table its event doesn't have.)
CREATE OR REPLACE FUNCTION projects_counted() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN PERFORM 1 FROM old_rows LIMIT 1; ELSE PERFORM 1 FROM new_rows LIMIT 1; END IF;
  IF NOT FOUND THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    UPDATE customers c SET projects_count = c.projects_count + x.n
      FROM (SELECT customer_id, count(*)::int AS n FROM new_rows GROUP BY customer_id) x WHERE c.id = x.customer_id;
  ELSE
    UPDATE customers c SET projects_count = c.projects_count - x.n
      FROM (SELECT customer_id, count(*)::int AS n FROM old_rows GROUP BY customer_id) x WHERE c.id = x.customer_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER projects_count_insert AFTER INSERT ON projects
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION projects_counted();
--> statement-breakpoint
CREATE TRIGGER projects_count_delete AFTER DELETE ON projects
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION projects_counted();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION invitations_counted() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN PERFORM 1 FROM old_rows LIMIT 1; ELSE PERFORM 1 FROM new_rows LIMIT 1; END IF;
  IF NOT FOUND THEN RETURN NULL; END IF;
  -- Net change per customer: an update that leaves pending invitations pending (a resend, a delivery status) touches
  -- no customer row, so it takes no lock that another transaction could be waiting on in the other order.
  IF TG_OP = 'INSERT' THEN
    UPDATE customers c SET pending_invitations_count = c.pending_invitations_count + x.n
      FROM (SELECT customer_id, count(*)::int AS n FROM new_rows WHERE accepted_at IS NULL GROUP BY customer_id) x WHERE c.id = x.customer_id;
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE customers c SET pending_invitations_count = c.pending_invitations_count - x.n
      FROM (SELECT customer_id, count(*)::int AS n FROM old_rows WHERE accepted_at IS NULL GROUP BY customer_id) x WHERE c.id = x.customer_id;
  ELSE
    UPDATE customers c SET pending_invitations_count = c.pending_invitations_count + x.n
      FROM (SELECT customer_id, sum(d)::int AS n FROM (
              SELECT customer_id, 1 AS d FROM new_rows WHERE accepted_at IS NULL
              UNION ALL SELECT customer_id, -1 FROM old_rows WHERE accepted_at IS NULL) t GROUP BY customer_id) x
     WHERE c.id = x.customer_id AND x.n <> 0;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER invitations_count_insert AFTER INSERT ON invitations
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION invitations_counted();
--> statement-breakpoint
CREATE TRIGGER invitations_count_update AFTER UPDATE ON invitations
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION invitations_counted();
--> statement-breakpoint
CREATE TRIGGER invitations_count_delete AFTER DELETE ON invitations
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION invitations_counted();
--> statement-breakpoint
-- A membership carries its customer's managing partner while the customer isn't being deleted.
CREATE OR REPLACE FUNCTION memberships_partner() RETURNS trigger AS $$
BEGIN
  NEW.partner_id := (SELECT CASE WHEN c.deleting_at IS NULL THEN c.partner_id END FROM customers c WHERE c.id = NEW.customer_id);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER memberships_partner BEFORE INSERT OR UPDATE OF customer_id ON memberships
  FOR EACH ROW EXECUTE FUNCTION memberships_partner();
--> statement-breakpoint
-- members_count per customer, and per partner how many memberships each person has among its customers (a row per
-- person: the partner's distinct users).
CREATE OR REPLACE FUNCTION memberships_counted() RETURNS trigger AS $$
DECLARE
  plus text := 'SELECT customer_id, partner_id, user_id, 1 AS d FROM new_rows';
  minus text := 'SELECT customer_id, partner_id, user_id, -1 AS d FROM old_rows';
  deltas text;
BEGIN
  IF TG_OP = 'DELETE' THEN PERFORM 1 FROM old_rows LIMIT 1; ELSE PERFORM 1 FROM new_rows LIMIT 1; END IF;
  IF NOT FOUND THEN RETURN NULL; END IF;
  -- Net changes only: a change of group moves nothing, and touches neither the customer nor the partner's rows.
  deltas := CASE TG_OP WHEN 'INSERT' THEN plus WHEN 'DELETE' THEN minus ELSE plus || ' UNION ALL ' || minus END;
  EXECUTE format($q$
    UPDATE customers c SET members_count = c.members_count + x.n
      FROM (SELECT customer_id, sum(d)::int AS n FROM (%s) t GROUP BY customer_id) x WHERE c.id = x.customer_id AND x.n <> 0$q$, deltas);
  EXECUTE format($q$
    INSERT INTO partner_members AS pm (partner_id, user_id, memberships)
      SELECT partner_id, user_id, n FROM (SELECT partner_id, user_id, sum(d)::int AS n FROM (%s) t WHERE partner_id IS NOT NULL GROUP BY 1, 2) x
      WHERE n <> 0
      ON CONFLICT (partner_id, user_id) DO UPDATE SET memberships = pm.memberships + excluded.memberships$q$, deltas);
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM partner_members pm USING (SELECT DISTINCT partner_id, user_id FROM old_rows WHERE partner_id IS NOT NULL) x
     WHERE pm.partner_id = x.partner_id AND pm.user_id = x.user_id AND pm.memberships <= 0;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER memberships_count_insert AFTER INSERT ON memberships
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION memberships_counted();
--> statement-breakpoint
CREATE TRIGGER memberships_count_update AFTER UPDATE ON memberships
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION memberships_counted();
--> statement-breakpoint
CREATE TRIGGER memberships_count_delete AFTER DELETE ON memberships
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION memberships_counted();
--> statement-breakpoint
-- A partner's distinct users: a row of partner_members appears or goes.
CREATE OR REPLACE FUNCTION partner_members_counted() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN PERFORM 1 FROM old_rows LIMIT 1; ELSE PERFORM 1 FROM new_rows LIMIT 1; END IF;
  IF NOT FOUND THEN RETURN NULL; END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO partner_stats AS s (partner_id, users)
      SELECT partner_id, count(*)::int FROM new_rows GROUP BY partner_id
      ON CONFLICT (partner_id) DO UPDATE SET users = s.users + excluded.users;
  ELSE
    UPDATE partner_stats s SET users = s.users - x.n
      FROM (SELECT partner_id, count(*)::int AS n FROM old_rows GROUP BY partner_id) x WHERE s.partner_id = x.partner_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER partner_members_insert AFTER INSERT ON partner_members
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION partner_members_counted();
--> statement-breakpoint
CREATE TRIGGER partner_members_delete AFTER DELETE ON partner_members
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION partner_members_counted();
--> statement-breakpoint
-- ---- a partner's overview numbers, and what follows a customer's partner -------------------------------------------
-- Each managed customer not being deleted contributes to its partner's row; the difference between the old and new
-- contributions of the changed customers is applied in one statement. A customer whose partner changes, or that
-- starts or stops being deleted, also moves its memberships' partner and leaves the other partner's groups.
CREATE OR REPLACE FUNCTION customers_counted() RETURNS trigger AS $$
DECLARE
  plus text := 'SELECT partner_id, 1 AS customers, pending_invitations_count AS pending, (quota_state = ''at'')::int AS at_q,
    (quota_state = ''near'')::int AS near_q FROM new_rows WHERE partner_id IS NOT NULL AND deleting_at IS NULL';
  minus text := 'SELECT partner_id, -1, -pending_invitations_count, -(quota_state = ''at'')::int, -(quota_state = ''near'')::int
    FROM old_rows WHERE partner_id IS NOT NULL AND deleting_at IS NULL';
BEGIN
  IF TG_OP = 'DELETE' THEN PERFORM 1 FROM old_rows LIMIT 1; ELSE PERFORM 1 FROM new_rows LIMIT 1; END IF;
  IF NOT FOUND THEN RETURN NULL; END IF;
  EXECUTE format($q$
    WITH deltas AS (
      SELECT partner_id, sum(customers)::int AS customers, sum(pending)::int AS pending, sum(at_q)::int AS at_q, sum(near_q)::int AS near_q
        FROM (%s) AS contributions (partner_id, customers, pending, at_q, near_q) GROUP BY partner_id
    )
    INSERT INTO partner_stats AS s (partner_id, customers, pending_invitations, at_quota, near_quota)
      SELECT partner_id, customers, pending, at_q, near_q FROM deltas
       WHERE customers <> 0 OR pending <> 0 OR at_q <> 0 OR near_q <> 0
      ON CONFLICT (partner_id) DO UPDATE SET customers = s.customers + excluded.customers,
        pending_invitations = s.pending_invitations + excluded.pending_invitations,
        at_quota = s.at_quota + excluded.at_quota, near_quota = s.near_quota + excluded.near_quota$q$,
    CASE TG_OP WHEN 'INSERT' THEN plus WHEN 'DELETE' THEN minus ELSE plus || ' UNION ALL ' || minus END);
  IF TG_OP = 'UPDATE' THEN
    UPDATE memberships m SET partner_id = CASE WHEN n.deleting_at IS NULL THEN n.partner_id END
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE m.customer_id = n.id
       AND (CASE WHEN n.deleting_at IS NULL THEN n.partner_id END) IS DISTINCT FROM (CASE WHEN o.deleting_at IS NULL THEN o.partner_id END);
    DELETE FROM customer_group_members gm USING new_rows n JOIN old_rows o ON o.id = n.id, customer_groups g
     WHERE n.partner_id IS DISTINCT FROM o.partner_id AND gm.customer_id = n.id AND g.id = gm.group_id AND g.partner_id IS DISTINCT FROM n.partner_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER customers_count_insert AFTER INSERT ON customers
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customers_counted();
--> statement-breakpoint
CREATE TRIGGER customers_count_update AFTER UPDATE ON customers
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION customers_counted();
--> statement-breakpoint
CREATE TRIGGER customers_count_delete AFTER DELETE ON customers
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION customers_counted();
--> statement-breakpoint
-- ---- existing data --------------------------------------------------------------------------------------------------
-- Paths and partners from parent_id (trees of any depth), then every counter from the rows it counts.
WITH RECURSIVE tree AS (
  SELECT id, '{}'::uuid[] AS path, NULL::uuid AS partner_id FROM customers WHERE parent_id IS NULL
  UNION ALL
  SELECT c.id, t.path || p.id, CASE WHEN p.kind = 'partner' THEN p.id ELSE t.partner_id END
    FROM customers c JOIN tree t ON t.id = c.parent_id JOIN customers p ON p.id = c.parent_id
)
UPDATE customers c SET path = t.path, partner_id = t.partner_id FROM tree t WHERE t.id = c.id;
--> statement-breakpoint
UPDATE customers c SET
  projects_count = (SELECT count(*) FROM projects p WHERE p.customer_id = c.id),
  members_count = (SELECT count(*) FROM memberships m WHERE m.customer_id = c.id),
  pending_invitations_count = (SELECT count(*) FROM invitations i WHERE i.customer_id = c.id AND i.accepted_at IS NULL);
--> statement-breakpoint
UPDATE memberships m SET partner_id = c.partner_id FROM customers c WHERE c.id = m.customer_id AND m.partner_id IS DISTINCT FROM c.partner_id;
--> statement-breakpoint
-- The triggers above already followed these updates; start the derived tables over from the rows, to be exact.
DELETE FROM partner_members;
--> statement-breakpoint
DELETE FROM partner_stats;
--> statement-breakpoint
INSERT INTO partner_members (partner_id, user_id, memberships)
  SELECT partner_id, user_id, count(*) FROM memberships WHERE partner_id IS NOT NULL GROUP BY 1, 2;
--> statement-breakpoint
INSERT INTO partner_stats (partner_id, customers, users, pending_invitations, at_quota, near_quota)
  SELECT p.id,
    (SELECT count(*) FROM customers c WHERE c.partner_id = p.id AND c.deleting_at IS NULL),
    (SELECT count(*) FROM partner_members pm WHERE pm.partner_id = p.id),
    (SELECT coalesce(sum(pending_invitations_count), 0) FROM customers c WHERE c.partner_id = p.id AND c.deleting_at IS NULL),
    (SELECT count(*) FROM customers c WHERE c.partner_id = p.id AND c.deleting_at IS NULL AND c.quota_state = 'at'),
    (SELECT count(*) FROM customers c WHERE c.partner_id = p.id AND c.deleting_at IS NULL AND c.quota_state = 'near')
  FROM customers p WHERE p.kind = 'partner'
  ON CONFLICT (partner_id) DO UPDATE SET customers = excluded.customers, users = excluded.users,
    pending_invitations = excluded.pending_invitations, at_quota = excluded.at_quota, near_quota = excluded.near_quota;
