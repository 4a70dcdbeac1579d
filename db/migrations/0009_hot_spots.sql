CREATE TABLE `hot_spot_tickets` (
	`hot_spot_id` integer NOT NULL,
	`ticket_id` integer NOT NULL,
	PRIMARY KEY(`hot_spot_id`, `ticket_id`),
	FOREIGN KEY (`hot_spot_id`) REFERENCES `hot_spots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `hot_spot_tickets_ticket_idx` ON `hot_spot_tickets` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `hot_spots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`rule_version_id` integer NOT NULL,
	`family_id` integer NOT NULL,
	`status` text NOT NULL,
	`ticket_count` integer NOT NULL,
	`centre_lon` real NOT NULL,
	`centre_lat` real NOT NULL,
	`radius_m` real NOT NULL,
	`west` real NOT NULL,
	`south` real NOT NULL,
	`east` real NOT NULL,
	`north` real NOT NULL,
	`first_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	`recent` integer NOT NULL,
	`previous` integer NOT NULL,
	`trend` text NOT NULL,
	`score` real NOT NULL,
	`found_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`rule_version_id`) REFERENCES `insight_rule_versions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`family_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `hot_spots_status_score_idx` ON `hot_spots` (`status`,`score`);--> statement-breakpoint
CREATE TABLE `insight_rule_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`family_level` integer NOT NULL,
	`radius_m` integer NOT NULL,
	`window_hours` integer NOT NULL,
	`min_tickets` integer NOT NULL,
	`sameplace_m` integer NOT NULL,
	`min_repeats` integer NOT NULL,
	`baseline_periods` integer NOT NULL,
	`significance` real NOT NULL,
	`min_rising_count` integer NOT NULL,
	`note` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
