CREATE TABLE `category_tags` (
	`category_id` integer NOT NULL,
	`tag` text NOT NULL,
	PRIMARY KEY(`category_id`, `tag`),
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `governance_streets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`street_code` text NOT NULL,
	`reason` text NOT NULL,
	`entered_on` text NOT NULL,
	`left_on` text,
	`left_note` text,
	`added_by` integer NOT NULL,
	`removed_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`street_code`) REFERENCES `regions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`added_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`removed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `governance_streets_street_idx` ON `governance_streets` (`street_code`);--> statement-breakpoint
CREATE TABLE `governance_warnings` (
	`month` text NOT NULL,
	`street_code` text NOT NULL,
	`rank` integer NOT NULL,
	`volume` integer NOT NULL,
	`notified_at` integer NOT NULL,
	PRIMARY KEY(`month`, `street_code`)
);
--> statement-breakpoint
ALTER TABLE `insight_rule_versions` ADD `warning_top_n` integer DEFAULT 10 NOT NULL;