CREATE TABLE `api_keys` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`prefix` text NOT NULL,
	`key_hash` text NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_key_hash_unique` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE TABLE `calendar_days` (
	`date` text PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`source` text NOT NULL,
	`updated_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `categories` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`parent_id` integer,
	`level` integer NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`handler_kind` text,
	`handler_function` text,
	`limit_class` text,
	`active` integer DEFAULT true NOT NULL,
	FOREIGN KEY (`parent_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `categories_code_unique` ON `categories` (`code`);--> statement-breakpoint
CREATE INDEX `categories_parent_idx` ON `categories` (`parent_id`);--> statement-breakpoint
CREATE TABLE `import_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`file_name` text NOT NULL,
	`status` text NOT NULL,
	`rows_read` integer DEFAULT 0 NOT NULL,
	`imported` integer DEFAULT 0 NOT NULL,
	`duplicates` integer DEFAULT 0 NOT NULL,
	`rejected` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_by` integer,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `import_mappings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`mapping` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `import_mappings_name_uq` ON `import_mappings` (`name`);--> statement-breakpoint
CREATE TABLE `import_rejections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`job_id` integer NOT NULL,
	`line` integer NOT NULL,
	`reason` text NOT NULL,
	`raw` text NOT NULL,
	FOREIGN KEY (`job_id`) REFERENCES `import_jobs`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `import_rejections_job_idx` ON `import_rejections` (`job_id`,`line`);--> statement-breakpoint
CREATE TABLE `score_weight_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`effective_from` text NOT NULL,
	`response` real NOT NULL,
	`resolution` real NOT NULL,
	`satisfaction` real NOT NULL,
	`partial_credit` real NOT NULL,
	`basic_credit` real NOT NULL,
	`note` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ticket_appeals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`org_id` integer NOT NULL,
	`reason` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`requested_by` integer NOT NULL,
	`requested_at` integer NOT NULL,
	`reviewed_by` integer,
	`reviewed_at` integer,
	`review_note` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ticket_appeals_status_idx` ON `ticket_appeals` (`status`);--> statement-breakpoint
CREATE INDEX `ticket_appeals_ticket_idx` ON `ticket_appeals` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `ticket_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`at` integer NOT NULL,
	`actor_user_id` integer,
	`actor_org_id` integer,
	`kind` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`data` text,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ticket_events_ticket_idx` ON `ticket_events` (`ticket_id`,`id`);--> statement-breakpoint
CREATE TABLE `ticket_number_counters` (
	`day` text PRIMARY KEY NOT NULL,
	`last` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ticket_units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ticket_id` integer NOT NULL,
	`org_id` integer NOT NULL,
	`role` text NOT NULL,
	`assigned_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ticket_units_org_idx` ON `ticket_units` (`org_id`,`role`,`ticket_id`);--> statement-breakpoint
CREATE INDEX `ticket_units_ticket_idx` ON `ticket_units` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `tickets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`number` text NOT NULL,
	`source` text NOT NULL,
	`type` text NOT NULL,
	`channel` text NOT NULL,
	`urgency` text NOT NULL,
	`category_id` integer NOT NULL,
	`description` text NOT NULL,
	`address` text NOT NULL,
	`lon` real,
	`lat` real,
	`district_code` text,
	`street_code` text,
	`community_code` text,
	`reporter_name` text,
	`reporter_phone` text,
	`reporter_user_id` integer,
	`status` text NOT NULL,
	`first_receiver_org_id` integer,
	`lead_org_id` integer,
	`received_at` integer NOT NULL,
	`dispatched_at` integer,
	`dispatch_month` text,
	`contact_deadline_at` integer,
	`accepted_at` integer,
	`first_contact_at` integer,
	`clock_started_at` integer,
	`deadline_at` integer,
	`time_limit_id` integer,
	`pending_extension_days` integer,
	`replied_at` integer,
	`called_back_at` integer,
	`closed_at` integer,
	`resolution` text,
	`satisfaction` text,
	`excluded` integer DEFAULT false NOT NULL,
	`supervision_count` integer DEFAULT 0 NOT NULL,
	`reopen_count` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`category_id`) REFERENCES `categories`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reporter_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`first_receiver_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`time_limit_id`) REFERENCES `time_limits`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tickets_number_unique` ON `tickets` (`number`);--> statement-breakpoint
CREATE INDEX `tickets_lead_status_deadline_idx` ON `tickets` (`lead_org_id`,`status`,`deadline_at`);--> statement-breakpoint
CREATE INDEX `tickets_first_status_deadline_idx` ON `tickets` (`first_receiver_org_id`,`status`,`deadline_at`);--> statement-breakpoint
CREATE INDEX `tickets_status_received_idx` ON `tickets` (`status`,`received_at`);--> statement-breakpoint
CREATE INDEX `tickets_received_idx` ON `tickets` (`received_at`);--> statement-breakpoint
CREATE INDEX `tickets_street_received_idx` ON `tickets` (`street_code`,`received_at`);--> statement-breakpoint
CREATE INDEX `tickets_community_received_idx` ON `tickets` (`community_code`,`received_at`);--> statement-breakpoint
CREATE INDEX `tickets_dispatch_month_idx` ON `tickets` (`dispatch_month`,`street_code`);--> statement-breakpoint
CREATE INDEX `tickets_reporter_idx` ON `tickets` (`reporter_user_id`);--> statement-breakpoint
CREATE INDEX `tickets_open_deadline_idx` ON `tickets` (`deadline_at`) WHERE "tickets"."status" in ('accepted', 'in_progress');--> statement-breakpoint
CREATE TABLE `time_limit_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`note` text NOT NULL,
	`extension_cap_working_days` integer NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `time_limits` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`version_id` integer NOT NULL,
	`urgency` text,
	`request_type` text,
	`limit_class` text,
	`amount` integer NOT NULL,
	`unit` text NOT NULL,
	`contact_within_hours` integer NOT NULL,
	FOREIGN KEY (`version_id`) REFERENCES `time_limit_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `time_limits_version_idx` ON `time_limits` (`version_id`);