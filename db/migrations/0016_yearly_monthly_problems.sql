CREATE TABLE `monthly_problem_areas` (
	`problem_id` integer NOT NULL,
	`region_code` text NOT NULL,
	PRIMARY KEY(`problem_id`, `region_code`),
	FOREIGN KEY (`problem_id`) REFERENCES `monthly_problems`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `monthly_problem_categories` (
	`problem_id` integer NOT NULL,
	`category_id` integer NOT NULL,
	PRIMARY KEY(`problem_id`, `category_id`),
	FOREIGN KEY (`problem_id`) REFERENCES `monthly_problems`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `monthly_problem_units` (
	`problem_id` integer NOT NULL,
	`org_id` integer NOT NULL,
	PRIMARY KEY(`problem_id`, `org_id`),
	FOREIGN KEY (`problem_id`) REFERENCES `monthly_problems`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `monthly_problem_units_org_idx` ON `monthly_problem_units` (`org_id`);--> statement-breakpoint
-- Existing problems (taken on from hot spots) keep their one family and area as their links.
INSERT INTO `monthly_problem_categories` (`problem_id`, `category_id`) SELECT `id`, `category_id` FROM `monthly_problems`;--> statement-breakpoint
INSERT INTO `monthly_problem_areas` (`problem_id`, `region_code`) SELECT `id`, `region_code` FROM `monthly_problems`;--> statement-breakpoint
-- SQLite cannot drop a column named in a foreign key: the table is rebuilt (the migrator runs with foreign keys off).
CREATE TABLE `__new_monthly_problems` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`month` text NOT NULL,
	`theme` text DEFAULT '' NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`region_code` text NOT NULL,
	`lead_org_id` integer,
	`target_reduction_pct` integer NOT NULL,
	`ceiling_per_half_month` integer,
	`baseline_periods` integer DEFAULT 6 NOT NULL,
	`source_hot_spot_id` integer,
	`status` text NOT NULL,
	`closed_at` integer,
	`whistle_id` integer,
	`council_id` integer,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`lead_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`source_hot_spot_id`) REFERENCES `hot_spots`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
-- The theme of a problem taken on from a hot spot is its family's name.
INSERT INTO `__new_monthly_problems` (`id`, `month`, `theme`, `title`, `description`, `region_code`, `lead_org_id`, `target_reduction_pct`, `source_hot_spot_id`, `status`, `whistle_id`, `council_id`, `created_by`, `created_at`)
SELECT p.`id`, p.`month`, coalesce(c.`name`, ''), p.`title`, p.`description`, p.`region_code`, p.`lead_org_id`, p.`target_reduction_pct`, p.`source_hot_spot_id`, p.`status`, p.`whistle_id`, p.`council_id`, p.`created_by`, p.`created_at`
FROM `monthly_problems` p LEFT JOIN `categories` c ON c.`id` = p.`category_id`;--> statement-breakpoint
DROP TABLE `monthly_problems`;--> statement-breakpoint
ALTER TABLE `__new_monthly_problems` RENAME TO `monthly_problems`;--> statement-breakpoint
CREATE INDEX `monthly_problems_region_idx` ON `monthly_problems` (`region_code`,`month`);--> statement-breakpoint
CREATE INDEX `monthly_problems_month_idx` ON `monthly_problems` (`month`);
--> statement-breakpoint
CREATE INDEX `ticket_volume_rollups_category_idx` ON `ticket_volume_rollups` (`category_id`,`period`);