-- Calls per half-month, place and leaf category (docs/decisions/0014-hot-spots.md): kept by triggers in
-- the transaction of every change to a ticket, whoever writes it, so rising categories and a monthly
-- problem's watch read a few hundred rollup rows instead of grouping a year of tickets.
CREATE TRIGGER `tickets_volume_insert` AFTER INSERT ON `tickets`
WHEN coalesce(NEW.community_code, NEW.street_code, NEW.district_code) IS NOT NULL
BEGIN
  INSERT INTO ticket_volume_rollups (period, place, category_id, n)
  VALUES (strftime('%Y-%m', NEW.received_at / 1000, 'unixepoch', '+8 hours') || '-' ||
      (CASE WHEN CAST(strftime('%d', NEW.received_at / 1000, 'unixepoch', '+8 hours') AS INTEGER) <= 15 THEN 1 ELSE 2 END),
    coalesce(NEW.community_code, NEW.street_code, NEW.district_code), NEW.category_id, 1)
  ON CONFLICT (period, place, category_id) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_volume_delete` AFTER DELETE ON `tickets`
WHEN coalesce(OLD.community_code, OLD.street_code, OLD.district_code) IS NOT NULL
BEGIN
  UPDATE ticket_volume_rollups SET n = n - 1
  WHERE period = strftime('%Y-%m', OLD.received_at / 1000, 'unixepoch', '+8 hours') || '-' ||
      (CASE WHEN CAST(strftime('%d', OLD.received_at / 1000, 'unixepoch', '+8 hours') AS INTEGER) <= 15 THEN 1 ELSE 2 END)
    AND place = coalesce(OLD.community_code, OLD.street_code, OLD.district_code) AND category_id = OLD.category_id;
END;
--> statement-breakpoint
CREATE TRIGGER `tickets_volume_update` AFTER UPDATE OF received_at, community_code, street_code, district_code, category_id ON `tickets`
WHEN OLD.received_at IS NOT NEW.received_at
  OR OLD.community_code IS NOT NEW.community_code
  OR OLD.street_code IS NOT NEW.street_code
  OR OLD.district_code IS NOT NEW.district_code
  OR OLD.category_id IS NOT NEW.category_id
BEGIN
  UPDATE ticket_volume_rollups SET n = n - 1
  WHERE coalesce(OLD.community_code, OLD.street_code, OLD.district_code) IS NOT NULL
    AND period = strftime('%Y-%m', OLD.received_at / 1000, 'unixepoch', '+8 hours') || '-' ||
      (CASE WHEN CAST(strftime('%d', OLD.received_at / 1000, 'unixepoch', '+8 hours') AS INTEGER) <= 15 THEN 1 ELSE 2 END)
    AND place = coalesce(OLD.community_code, OLD.street_code, OLD.district_code) AND category_id = OLD.category_id;
  INSERT INTO ticket_volume_rollups (period, place, category_id, n)
  SELECT strftime('%Y-%m', NEW.received_at / 1000, 'unixepoch', '+8 hours') || '-' ||
      (CASE WHEN CAST(strftime('%d', NEW.received_at / 1000, 'unixepoch', '+8 hours') AS INTEGER) <= 15 THEN 1 ELSE 2 END),
    coalesce(NEW.community_code, NEW.street_code, NEW.district_code), NEW.category_id, 1
  WHERE coalesce(NEW.community_code, NEW.street_code, NEW.district_code) IS NOT NULL
  ON CONFLICT (period, place, category_id) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
INSERT INTO ticket_volume_rollups (period, place, category_id, n)
SELECT strftime('%Y-%m', received_at / 1000, 'unixepoch', '+8 hours') || '-' ||
    (CASE WHEN CAST(strftime('%d', received_at / 1000, 'unixepoch', '+8 hours') AS INTEGER) <= 15 THEN 1 ELSE 2 END),
  coalesce(community_code, street_code, district_code), category_id, count(*)
FROM tickets WHERE coalesce(community_code, street_code, district_code) IS NOT NULL
GROUP BY 1, 2, 3;
