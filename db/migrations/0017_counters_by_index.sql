-- The people a partner counts: the rows of partner_members whose count reaches zero go. They were found by joining
-- partner_members with the transition table, which has no statistics: the planner chose a nested loop over a scan of
-- partner_members and rescanned the transition table for every row (deleting 4,000 memberships took 5 s, a million
-- never finished). Now the upsert returns the rows it brought to zero, and only those are deleted, by primary key (this
-- transaction holds their locks since the upsert, so nobody changed them in between).
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
    -- Looked up by the primary key through `= ANY` index conditions: a join with the pairs would be planned as a scan
    -- of all of partner_members, or as a rescan of the pairs for every row. A pair made of one row's partner and
    -- another's person is deleted only if it counts nothing either, which no row may.
    DELETE FROM partner_members pm
     WHERE pm.partner_id = ANY(gone_partners) AND pm.user_id = ANY(gone_users) AND pm.memberships <= 0;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
