CREATE TABLE "customer_deletion_partners" (
	"deletion_id" uuid NOT NULL,
	"partner_id" uuid NOT NULL,
	"users_hidden" integer NOT NULL,
	CONSTRAINT "customer_deletion_partners_deletion_id_partner_id_pk" PRIMARY KEY("deletion_id","partner_id")
);
--> statement-breakpoint
ALTER TABLE "customer_deletion_partners" ADD CONSTRAINT "customer_deletion_partners_deletion_id_customer_deletions_id_fk" FOREIGN KEY ("deletion_id") REFERENCES "public"."customer_deletions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_deletion_partners_partner_idx" ON "customer_deletion_partners" USING btree ("partner_id");--> statement-breakpoint
-- A membership carries its customer's managing partner, whether or not the customer is being deleted: marking a
-- customer for deletion no longer rewrites its memberships (at a million of them that held the request for minutes).
-- The partner's user count leaves those people out through customer_deletion_partners instead.
CREATE OR REPLACE FUNCTION memberships_partner() RETURNS trigger AS $$
BEGIN
  NEW.partner_id := (SELECT c.partner_id FROM customers c WHERE c.id = NEW.customer_id);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
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
    -- Only a change of partner moves memberships and groups; being marked for deletion touches neither.
    UPDATE memberships m SET partner_id = n.partner_id
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE m.customer_id = n.id AND n.partner_id IS DISTINCT FROM o.partner_id;
    DELETE FROM customer_group_members gm USING new_rows n JOIN old_rows o ON o.id = n.id, customer_groups g
     WHERE n.partner_id IS DISTINCT FROM o.partner_id AND gm.customer_id = n.id AND g.id = gm.group_id AND g.partner_id IS DISTINCT FROM n.partner_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- Memberships of customers being deleted had lost their partner; give it back (the partner's people count them
-- again), and leave them out of the count through the new table.
UPDATE memberships m SET partner_id = c.partner_id FROM customers c
 WHERE c.id = m.customer_id AND m.partner_id IS DISTINCT FROM c.partner_id;
--> statement-breakpoint
-- Per deletion under way and partner: the people with memberships there and none in a customer that stays.
INSERT INTO customer_deletion_partners (deletion_id, partner_id, users_hidden)
SELECT x.deletion_id, x.partner_id, count(*)::int
  FROM (SELECT DISTINCT c.deletion_id, m.partner_id, m.user_id
          FROM customers c JOIN customer_deletions d ON d.id = c.deletion_id AND d.status IN ('pending', 'running')
          JOIN memberships m ON m.customer_id = c.id
         WHERE m.partner_id IS NOT NULL) x
 WHERE NOT EXISTS (SELECT 1 FROM memberships m2 JOIN customers c2 ON c2.id = m2.customer_id
                    WHERE m2.user_id = x.user_id AND m2.partner_id = x.partner_id AND c2.deleting_at IS NULL)
 GROUP BY x.deletion_id, x.partner_id
ON CONFLICT (deletion_id, partner_id) DO NOTHING;
