-- The people a partner counts: the rows of partner_members whose count reaches zero go. They were found by joining
-- partner_members with the transition table, which has no statistics: the planner chose a nested loop over a scan of
-- partner_members and rescanned the transition table for every row (deleting 4,000 memberships took 5 s, a million
-- never finished). Now the upsert returns the rows it brought to zero, and only those are deleted, by primary key (this
-- transaction holds their locks since the upsert, so nobody changed them in between; a filter on the count would let
-- the planner guess one row and scan the table again).
CREATE OR REPLACE FUNCTION memberships_counted() RETURNS trigger AS $$
DECLARE
  plus text := 'SELECT customer_id, partner_id, user_id, 1 AS d FROM new_rows';
  minus text := 'SELECT customer_id, partner_id, user_id, -1 AS d FROM old_rows';
  deltas text;
  gone_partners uuid[];
  gone_users uuid[];
BEGIN
  IF TG_OP = 'DELETE' THEN PERFORM 1 FROM old_rows LIMIT 1; ELSE PERFORM 1 FROM new_rows LIMIT 1; END IF;
  IF NOT FOUND THEN RETURN NULL; END IF;
  -- Net changes only: a change of group moves nothing, and touches neither the customer nor the partner's rows.
  deltas := CASE TG_OP WHEN 'INSERT' THEN plus WHEN 'DELETE' THEN minus ELSE plus || ' UNION ALL ' || minus END;
  EXECUTE format($q$
    UPDATE customers c SET members_count = c.members_count + x.n
      FROM (SELECT customer_id, sum(d)::int AS n FROM (%s) t GROUP BY customer_id) x WHERE c.id = x.customer_id AND x.n <> 0$q$, deltas);
  EXECUTE format($q$
    WITH changed AS (
      INSERT INTO partner_members AS pm (partner_id, user_id, memberships)
        SELECT partner_id, user_id, n FROM (SELECT partner_id, user_id, sum(d)::int AS n FROM (%s) t WHERE partner_id IS NOT NULL GROUP BY 1, 2) x
        WHERE n <> 0
        ON CONFLICT (partner_id, user_id) DO UPDATE SET memberships = pm.memberships + excluded.memberships
        RETURNING pm.partner_id, pm.user_id, pm.memberships)
    SELECT array_agg(partner_id), array_agg(user_id) FROM changed WHERE memberships <= 0$q$, deltas)
    INTO gone_partners, gone_users;
  IF gone_partners IS NOT NULL THEN
    DELETE FROM partner_members pm USING unnest(gone_partners, gone_users) AS g(partner_id, user_id)
     WHERE pm.partner_id = g.partner_id AND pm.user_id = g.user_id;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
