CREATE TABLE `monthly_problems` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`month` text NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`category_id` integer NOT NULL,
	`region_code` text NOT NULL,
	`lead_org_id` integer,
	`target_reduction_pct` integer NOT NULL,
	`source_hot_spot_id` integer,
	`status` text NOT NULL,
	`whistle_id` integer,
	`council_id` integer,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`source_hot_spot_id`) REFERENCES `hot_spots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `monthly_problems_region_idx` ON `monthly_problems` (`region_code`,`month`);--> statement-breakpoint
CREATE TABLE `ticket_volume_rollups` (
	`period` text NOT NULL,
	`place` text NOT NULL,
	`category_id` integer NOT NULL,
	`n` integer NOT NULL,
	PRIMARY KEY(`period`, `place`, `category_id`)
);
--> statement-breakpoint
ALTER TABLE `hot_spots` ADD `region_code` text;--> statement-breakpoint
ALTER TABLE `hot_spots` ADD `review` text DEFAULT 'open' NOT NULL;--> statement-breakpoint
ALTER TABLE `hot_spots` ADD `review_note` text;--> statement-breakpoint
ALTER TABLE `hot_spots` ADD `reviewed_by` integer REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `hot_spots` ADD `reviewed_at` integer;--> statement-breakpoint
CREATE INDEX `hot_spots_region_idx` ON `hot_spots` (`region_code`);