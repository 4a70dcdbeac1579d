CREATE TABLE `ticket_search_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	`through` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- Tickets already indexed have version 1's tokens (pairs only) and are indexed again in the background;
-- an empty database starts at version 2 (SEARCH_TOKENS_VERSION).
INSERT INTO `ticket_search_state` (`id`, `version`, `through`) SELECT 1, CASE WHEN EXISTS (SELECT 1 FROM `tickets`) THEN 1 ELSE 2 END, 0;
