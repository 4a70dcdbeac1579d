-- One definition of what a ticket contributes to the three rates' counters (decision 0010):
-- the view below. The triggers add a ticket's contribution after it is inserted or updated and
-- subtract it before it is updated or deleted (the row still holds its old values then), so
-- 0004's three hand-written copies of the expressions become one. The bulk import (decision
-- 0008) inserts thousands of tickets per statement: it defers the per-row insert trigger by
-- holding a row in ticket_rate_rollups_deferred inside its own transaction (never committed: it
-- is deleted before the commit) and adds the chunk's contributions from this view in one
-- grouped statement. A ticket counts in its dispatch month for scope 'all', for its lead unit
-- and (when different) its first receiver ('org'), and for its street ('street'), under its
-- level-1 category.
DROP TRIGGER `tickets_rates_insert`;
--> statement-breakpoint
DROP TRIGGER `tickets_rates_update`;
--> statement-breakpoint
DROP TRIGGER `tickets_rates_delete`;
--> statement-breakpoint
CREATE VIEW `ticket_rate_contributions` AS
SELECT t.id AS ticket_id,
  t.dispatch_month AS month,
  CASE n.k WHEN 1 THEN 'all' WHEN 4 THEN 'street' ELSE 'org' END AS scope,
  CASE n.k
    WHEN 1 THEN ''
    WHEN 2 THEN CAST(t.lead_org_id AS TEXT)
    WHEN 3 THEN CASE WHEN t.first_receiver_org_id IS NOT t.lead_org_id THEN CAST(t.first_receiver_org_id AS TEXT) END
    ELSE t.street_code
  END AS scope_key,
  coalesce(p2.id, p1.id, t.category_id) AS category_l1_id,
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
CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) AS n
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
CREATE TABLE `ticket_rate_rollups_deferred` (`holder` text PRIMARY KEY NOT NULL);
--> statement-breakpoint
CREATE TRIGGER `tickets_rates_insert` AFTER INSERT ON `tickets`
WHEN NEW.dispatch_month IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ticket_rate_rollups_deferred)
BEGIN
  INSERT INTO ticket_rate_rollups (month, scope, scope_key, category_l1_id, dispatched, exclusions, responded, callbacks, resolved, partly, satisfied, basic)
  SELECT month, scope, scope_key, category_l1_id, dispatched, exclusions, responded, callbacks, resolved, partly, satisfied, basic
  FROM ticket_rate_contributions WHERE ticket_id = NEW.id
  ON CONFLICT (month, scope, scope_key, category_l1_id) DO UPDATE SET
    dispatched = dispatched + excluded.dispatched,
    exclusions = exclusions + excluded.exclusions,
    responded = responded + excluded.responded,
    callbacks = callbacks + excluded.callbacks,
    resolved = resolved + excluded.resolved,
    partly = partly + excluded.partly,
    satisfied = satisfied + excluded.satisfied,
    basic = basic + excluded.basic;
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_rates_before_update` BEFORE UPDATE OF dispatch_month, lead_org_id, first_receiver_org_id, street_code, category_id, excluded, first_contact_at, contact_deadline_at, resolution, satisfaction ON `tickets`
WHEN OLD.dispatch_month IS NOT NULL AND (OLD.dispatch_month IS NOT NEW.dispatch_month
  OR OLD.lead_org_id IS NOT NEW.lead_org_id
  OR OLD.first_receiver_org_id IS NOT NEW.first_receiver_org_id
  OR OLD.street_code IS NOT NEW.street_code
  OR OLD.category_id IS NOT NEW.category_id
  OR OLD.excluded IS NOT NEW.excluded
  OR OLD.first_contact_at IS NOT NEW.first_contact_at
  OR OLD.contact_deadline_at IS NOT NEW.contact_deadline_at
  OR OLD.resolution IS NOT NEW.resolution
  OR OLD.satisfaction IS NOT NEW.satisfaction)
BEGIN
  INSERT INTO ticket_rate_rollups (month, scope, scope_key, category_l1_id, dispatched, exclusions, responded, callbacks, resolved, partly, satisfied, basic)
  SELECT month, scope, scope_key, category_l1_id, -dispatched, -exclusions, -responded, -callbacks, -resolved, -partly, -satisfied, -basic
  FROM ticket_rate_contributions WHERE ticket_id = OLD.id
  ON CONFLICT (month, scope, scope_key, category_l1_id) DO UPDATE SET
    dispatched = dispatched + excluded.dispatched,
    exclusions = exclusions + excluded.exclusions,
    responded = responded + excluded.responded,
    callbacks = callbacks + excluded.callbacks,
    resolved = resolved + excluded.resolved,
    partly = partly + excluded.partly,
    satisfied = satisfied + excluded.satisfied,
    basic = basic + excluded.basic;
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_rates_after_update` AFTER UPDATE OF dispatch_month, lead_org_id, first_receiver_org_id, street_code, category_id, excluded, first_contact_at, contact_deadline_at, resolution, satisfaction ON `tickets`
WHEN NEW.dispatch_month IS NOT NULL AND (OLD.dispatch_month IS NOT NEW.dispatch_month
  OR OLD.lead_org_id IS NOT NEW.lead_org_id
  OR OLD.first_receiver_org_id IS NOT NEW.first_receiver_org_id
  OR OLD.street_code IS NOT NEW.street_code
  OR OLD.category_id IS NOT NEW.category_id
  OR OLD.excluded IS NOT NEW.excluded
  OR OLD.first_contact_at IS NOT NEW.first_contact_at
  OR OLD.contact_deadline_at IS NOT NEW.contact_deadline_at
  OR OLD.resolution IS NOT NEW.resolution
  OR OLD.satisfaction IS NOT NEW.satisfaction)
BEGIN
  INSERT INTO ticket_rate_rollups (month, scope, scope_key, category_l1_id, dispatched, exclusions, responded, callbacks, resolved, partly, satisfied, basic)
  SELECT month, scope, scope_key, category_l1_id, dispatched, exclusions, responded, callbacks, resolved, partly, satisfied, basic
  FROM ticket_rate_contributions WHERE ticket_id = NEW.id
  ON CONFLICT (month, scope, scope_key, category_l1_id) DO UPDATE SET
    dispatched = dispatched + excluded.dispatched,
    exclusions = exclusions + excluded.exclusions,
    responded = responded + excluded.responded,
    callbacks = callbacks + excluded.callbacks,
    resolved = resolved + excluded.resolved,
    partly = partly + excluded.partly,
    satisfied = satisfied + excluded.satisfied,
    basic = basic + excluded.basic;
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_rates_delete` BEFORE DELETE ON `tickets`
WHEN OLD.dispatch_month IS NOT NULL
BEGIN
  INSERT INTO ticket_rate_rollups (month, scope, scope_key, category_l1_id, dispatched, exclusions, responded, callbacks, resolved, partly, satisfied, basic)
  SELECT month, scope, scope_key, category_l1_id, -dispatched, -exclusions, -responded, -callbacks, -resolved, -partly, -satisfied, -basic
  FROM ticket_rate_contributions WHERE ticket_id = OLD.id
  ON CONFLICT (month, scope, scope_key, category_l1_id) DO UPDATE SET
    dispatched = dispatched + excluded.dispatched,
    exclusions = exclusions + excluded.exclusions,
    responded = responded + excluded.responded,
    callbacks = callbacks + excluded.callbacks,
    resolved = resolved + excluded.resolved,
    partly = partly + excluded.partly,
    satisfied = satisfied + excluded.satisfied,
    basic = basic + excluded.basic;
END;
