-- The 七有五性 breakdown (docs/decisions/0018) needs the three rates per street under a ticket's own
-- category, since tags sit at any level of the tree and change without a rebuild. One more row per
-- ticket in the rollup, from the same view (decision 0010's one definition of a contribution), as
-- scope 'street_category' with the ticket's category in category_l1_id; the triggers and the bulk
-- import read the view by name, so they follow without change. The backfill adds the new scope's rows.
DROP VIEW `ticket_rate_contributions`;
--> statement-breakpoint
CREATE VIEW `ticket_rate_contributions` AS
SELECT t.id AS ticket_id,
  t.dispatch_month AS month,
  CASE n.k WHEN 1 THEN 'all' WHEN 4 THEN 'street' WHEN 5 THEN 'street_category' ELSE 'org' END AS scope,
  CASE n.k
    WHEN 1 THEN ''
    WHEN 2 THEN CAST(t.lead_org_id AS TEXT)
    WHEN 3 THEN CASE WHEN t.first_receiver_org_id IS NOT t.lead_org_id THEN CAST(t.first_receiver_org_id AS TEXT) END
    ELSE t.street_code
  END AS scope_key,
  CASE n.k WHEN 5 THEN t.category_id ELSE coalesce(p2.id, p1.id, t.category_id) END AS category_l1_id,
  1 AS dispatched,
  (t.excluded <> 0) AS exclusions,
  (t.excluded = 0 AND t.first_contact_at IS NOT NULL AND t.contact_deadline_at IS NOT NULL AND t.first_contact_at <= t.contact_deadline_at) AS responded,
  (t.excluded = 0 AND t.resolution IS NOT NULL) AS callbacks,
  (t.excluded = 0 AND t.resolution IS 'resolved') AS resolved,
  (t.excluded = 0 AND t.resolution IS 'partly') AS partly,
  (t.excluded = 0 AND t.satisfaction IS 'satisfied') AS satisfied,
  (t.excluded = 0 AND t.satisfaction IS 'basic') AS basic
FROM tickets t
LEFT JOIN categories c ON c.id = t.category_id
LEFT JOIN categories p1 ON p1.id = c.parent_id
LEFT JOIN categories p2 ON p2.id = p1.parent_id
CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5) AS n
-- The unary + keeps the planner off tickets_dispatch_month_idx: callers select by ticket id
-- (one ticket in the triggers, a chunk's id range in the import).
WHERE +t.dispatch_month IS NOT NULL
  AND (CASE n.k
    WHEN 1 THEN ''
    WHEN 2 THEN CAST(t.lead_org_id AS TEXT)
    WHEN 3 THEN CASE WHEN t.first_receiver_org_id IS NOT t.lead_org_id THEN CAST(t.first_receiver_org_id AS TEXT) END
    ELSE t.street_code
  END) IS NOT NULL;
--> statement-breakpoint
INSERT INTO ticket_rate_rollups (month, scope, scope_key, category_l1_id, dispatched, exclusions, responded, callbacks, resolved, partly, satisfied, basic)
SELECT month, scope, scope_key, category_l1_id, sum(dispatched), sum(exclusions), sum(responded), sum(callbacks), sum(resolved), sum(partly), sum(satisfied), sum(basic)
FROM ticket_rate_contributions WHERE scope = 'street_category'
GROUP BY month, scope, scope_key, category_l1_id;
