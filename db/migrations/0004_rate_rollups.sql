CREATE TABLE `ticket_rate_rollups` (
	`month` text NOT NULL,
	`scope` text NOT NULL,
	`scope_key` text NOT NULL,
	`category_l1_id` integer NOT NULL,
	`dispatched` integer DEFAULT 0 NOT NULL,
	`exclusions` integer DEFAULT 0 NOT NULL,
	`responded` integer DEFAULT 0 NOT NULL,
	`callbacks` integer DEFAULT 0 NOT NULL,
	`resolved` integer DEFAULT 0 NOT NULL,
	`partly` integer DEFAULT 0 NOT NULL,
	`satisfied` integer DEFAULT 0 NOT NULL,
	`basic` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`month`, `scope`, `scope_key`, `category_l1_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `ticket_rate_rollups_key_idx` ON `ticket_rate_rollups` (`scope`,`scope_key`,`month`);--> statement-breakpoint
-- The three rates' counters (docs/decisions/0010-three-rates.md): kept by triggers in the
-- transaction of every change to a ticket, whoever writes it. A ticket counts in its dispatch
-- month for scope 'all', for its lead unit and (when different) its first receiver ('org'), and
-- for its street ('street'), under its level-1 category. An update subtracts the old row's
-- contribution and adds the new one's.
CREATE TRIGGER `tickets_rates_insert` AFTER INSERT ON `tickets`
WHEN NEW.dispatch_month IS NOT NULL
BEGIN
  INSERT INTO ticket_rate_rollups (month, scope, scope_key, category_l1_id, dispatched, exclusions, responded, callbacks, resolved, partly, satisfied, basic)
  SELECT NEW.dispatch_month, s.scope, s.scope_key, coalesce((SELECT coalesce(p2.id, p1.id, c.id) FROM categories c LEFT JOIN categories p1 ON p1.id = c.parent_id LEFT JOIN categories p2 ON p2.id = p1.parent_id WHERE c.id = NEW.category_id), NEW.category_id),
    1,
    (NEW.excluded <> 0),
    (NEW.excluded = 0 AND NEW.first_contact_at IS NOT NULL AND NEW.contact_deadline_at IS NOT NULL AND NEW.first_contact_at <= NEW.contact_deadline_at),
    (NEW.excluded = 0 AND NEW.resolution IS NOT NULL),
    (NEW.excluded = 0 AND NEW.resolution IS 'resolved'),
    (NEW.excluded = 0 AND NEW.resolution IS 'partly'),
    (NEW.excluded = 0 AND NEW.satisfaction IS 'satisfied'),
    (NEW.excluded = 0 AND NEW.satisfaction IS 'basic')
  FROM (
    SELECT 'all' AS scope, '' AS scope_key
    UNION ALL SELECT 'org', CAST(NEW.lead_org_id AS TEXT) WHERE NEW.lead_org_id IS NOT NULL
    UNION ALL SELECT 'org', CAST(NEW.first_receiver_org_id AS TEXT)
      WHERE NEW.first_receiver_org_id IS NOT NULL AND NEW.first_receiver_org_id IS NOT NEW.lead_org_id
    UNION ALL SELECT 'street', NEW.street_code WHERE NEW.street_code IS NOT NULL
  ) AS s
  WHERE NEW.dispatch_month IS NOT NULL
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
CREATE TRIGGER `tickets_rates_update` AFTER UPDATE OF dispatch_month, lead_org_id, first_receiver_org_id, street_code, category_id, excluded, first_contact_at, contact_deadline_at, resolution, satisfaction ON `tickets`
WHEN OLD.dispatch_month IS NOT NEW.dispatch_month
  OR OLD.lead_org_id IS NOT NEW.lead_org_id
  OR OLD.first_receiver_org_id IS NOT NEW.first_receiver_org_id
  OR OLD.street_code IS NOT NEW.street_code
  OR OLD.category_id IS NOT NEW.category_id
  OR OLD.excluded IS NOT NEW.excluded
  OR OLD.first_contact_at IS NOT NEW.first_contact_at
  OR OLD.contact_deadline_at IS NOT NEW.contact_deadline_at
  OR OLD.resolution IS NOT NEW.resolution
  OR OLD.satisfaction IS NOT NEW.satisfaction
BEGIN
  INSERT INTO ticket_rate_rollups (month, scope, scope_key, category_l1_id, dispatched, exclusions, responded, callbacks, resolved, partly, satisfied, basic)
  SELECT OLD.dispatch_month, s.scope, s.scope_key, coalesce((SELECT coalesce(p2.id, p1.id, c.id) FROM categories c LEFT JOIN categories p1 ON p1.id = c.parent_id LEFT JOIN categories p2 ON p2.id = p1.parent_id WHERE c.id = OLD.category_id), OLD.category_id),
    -1,
    -(OLD.excluded <> 0),
    -(OLD.excluded = 0 AND OLD.first_contact_at IS NOT NULL AND OLD.contact_deadline_at IS NOT NULL AND OLD.first_contact_at <= OLD.contact_deadline_at),
    -(OLD.excluded = 0 AND OLD.resolution IS NOT NULL),
    -(OLD.excluded = 0 AND OLD.resolution IS 'resolved'),
    -(OLD.excluded = 0 AND OLD.resolution IS 'partly'),
    -(OLD.excluded = 0 AND OLD.satisfaction IS 'satisfied'),
    -(OLD.excluded = 0 AND OLD.satisfaction IS 'basic')
  FROM (
    SELECT 'all' AS scope, '' AS scope_key
    UNION ALL SELECT 'org', CAST(OLD.lead_org_id AS TEXT) WHERE OLD.lead_org_id IS NOT NULL
    UNION ALL SELECT 'org', CAST(OLD.first_receiver_org_id AS TEXT)
      WHERE OLD.first_receiver_org_id IS NOT NULL AND OLD.first_receiver_org_id IS NOT OLD.lead_org_id
    UNION ALL SELECT 'street', OLD.street_code WHERE OLD.street_code IS NOT NULL
  ) AS s
  WHERE OLD.dispatch_month IS NOT NULL
  ON CONFLICT (month, scope, scope_key, category_l1_id) DO UPDATE SET
    dispatched = dispatched + excluded.dispatched,
    exclusions = exclusions + excluded.exclusions,
    responded = responded + excluded.responded,
    callbacks = callbacks + excluded.callbacks,
    resolved = resolved + excluded.resolved,
    partly = partly + excluded.partly,
    satisfied = satisfied + excluded.satisfied,
    basic = basic + excluded.basic;
  INSERT INTO ticket_rate_rollups (month, scope, scope_key, category_l1_id, dispatched, exclusions, responded, callbacks, resolved, partly, satisfied, basic)
  SELECT NEW.dispatch_month, s.scope, s.scope_key, coalesce((SELECT coalesce(p2.id, p1.id, c.id) FROM categories c LEFT JOIN categories p1 ON p1.id = c.parent_id LEFT JOIN categories p2 ON p2.id = p1.parent_id WHERE c.id = NEW.category_id), NEW.category_id),
    1,
    (NEW.excluded <> 0),
    (NEW.excluded = 0 AND NEW.first_contact_at IS NOT NULL AND NEW.contact_deadline_at IS NOT NULL AND NEW.first_contact_at <= NEW.contact_deadline_at),
    (NEW.excluded = 0 AND NEW.resolution IS NOT NULL),
    (NEW.excluded = 0 AND NEW.resolution IS 'resolved'),
    (NEW.excluded = 0 AND NEW.resolution IS 'partly'),
    (NEW.excluded = 0 AND NEW.satisfaction IS 'satisfied'),
    (NEW.excluded = 0 AND NEW.satisfaction IS 'basic')
  FROM (
    SELECT 'all' AS scope, '' AS scope_key
    UNION ALL SELECT 'org', CAST(NEW.lead_org_id AS TEXT) WHERE NEW.lead_org_id IS NOT NULL
    UNION ALL SELECT 'org', CAST(NEW.first_receiver_org_id AS TEXT)
      WHERE NEW.first_receiver_org_id IS NOT NULL AND NEW.first_receiver_org_id IS NOT NEW.lead_org_id
    UNION ALL SELECT 'street', NEW.street_code WHERE NEW.street_code IS NOT NULL
  ) AS s
  WHERE NEW.dispatch_month IS NOT NULL
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
CREATE TRIGGER `tickets_rates_delete` AFTER DELETE ON `tickets`
WHEN OLD.dispatch_month IS NOT NULL
BEGIN
  INSERT INTO ticket_rate_rollups (month, scope, scope_key, category_l1_id, dispatched, exclusions, responded, callbacks, resolved, partly, satisfied, basic)
  SELECT OLD.dispatch_month, s.scope, s.scope_key, coalesce((SELECT coalesce(p2.id, p1.id, c.id) FROM categories c LEFT JOIN categories p1 ON p1.id = c.parent_id LEFT JOIN categories p2 ON p2.id = p1.parent_id WHERE c.id = OLD.category_id), OLD.category_id),
    -1,
    -(OLD.excluded <> 0),
    -(OLD.excluded = 0 AND OLD.first_contact_at IS NOT NULL AND OLD.contact_deadline_at IS NOT NULL AND OLD.first_contact_at <= OLD.contact_deadline_at),
    -(OLD.excluded = 0 AND OLD.resolution IS NOT NULL),
    -(OLD.excluded = 0 AND OLD.resolution IS 'resolved'),
    -(OLD.excluded = 0 AND OLD.resolution IS 'partly'),
    -(OLD.excluded = 0 AND OLD.satisfaction IS 'satisfied'),
    -(OLD.excluded = 0 AND OLD.satisfaction IS 'basic')
  FROM (
    SELECT 'all' AS scope, '' AS scope_key
    UNION ALL SELECT 'org', CAST(OLD.lead_org_id AS TEXT) WHERE OLD.lead_org_id IS NOT NULL
    UNION ALL SELECT 'org', CAST(OLD.first_receiver_org_id AS TEXT)
      WHERE OLD.first_receiver_org_id IS NOT NULL AND OLD.first_receiver_org_id IS NOT OLD.lead_org_id
    UNION ALL SELECT 'street', OLD.street_code WHERE OLD.street_code IS NOT NULL
  ) AS s
  WHERE OLD.dispatch_month IS NOT NULL
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
-- Tickets already there, counted once.
INSERT INTO ticket_rate_rollups (month, scope, scope_key, category_l1_id, dispatched, exclusions, responded, callbacks, resolved, partly, satisfied, basic)
SELECT t.month, t.scope, t.scope_key, t.l1,
  count(*),
  sum(t.excluded <> 0),
  sum(t.excluded = 0 AND t.first_contact_at IS NOT NULL AND t.contact_deadline_at IS NOT NULL AND t.first_contact_at <= t.contact_deadline_at),
  sum(t.excluded = 0 AND t.resolution IS NOT NULL),
  sum(t.excluded = 0 AND t.resolution IS 'resolved'),
  sum(t.excluded = 0 AND t.resolution IS 'partly'),
  sum(t.excluded = 0 AND t.satisfaction IS 'satisfied'),
  sum(t.excluded = 0 AND t.satisfaction IS 'basic')
FROM (
  SELECT t.dispatch_month AS month,
    CASE n.k WHEN 1 THEN 'all' WHEN 4 THEN 'street' ELSE 'org' END AS scope,
    CASE n.k
      WHEN 1 THEN ''
      WHEN 2 THEN CAST(t.lead_org_id AS TEXT)
      WHEN 3 THEN CASE WHEN t.first_receiver_org_id IS NOT t.lead_org_id THEN CAST(t.first_receiver_org_id AS TEXT) END
      ELSE t.street_code
    END AS scope_key,
    coalesce((SELECT coalesce(p2.id, p1.id, c.id) FROM categories c LEFT JOIN categories p1 ON p1.id = c.parent_id LEFT JOIN categories p2 ON p2.id = p1.parent_id WHERE c.id = t.category_id), t.category_id) AS l1,
    t.excluded, t.first_contact_at, t.contact_deadline_at, t.resolution, t.satisfaction
  FROM tickets t
  CROSS JOIN (SELECT 1 AS k UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4) AS n
  WHERE t.dispatch_month IS NOT NULL
) AS t
WHERE t.scope_key IS NOT NULL
GROUP BY t.month, t.scope, t.scope_key, t.l1;
