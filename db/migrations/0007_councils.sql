CREATE TABLE `agenda_item_tickets` (
	`item_id` integer NOT NULL,
	`ticket_id` integer NOT NULL,
	PRIMARY KEY(`item_id`, `ticket_id`),
	FOREIGN KEY (`item_id`) REFERENCES `agenda_items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `agenda_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`meeting_id` integer NOT NULL,
	`position` integer NOT NULL,
	`title` text NOT NULL,
	`description` text,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `agenda_items_meeting_idx` ON `agenda_items` (`meeting_id`,`position`);--> statement-breakpoint
CREATE TABLE `attendance` (
	`meeting_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`party_id` integer NOT NULL,
	`recorded_at` integer NOT NULL,
	PRIMARY KEY(`meeting_id`, `user_id`),
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`party_id`) REFERENCES `council_parties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `ballots` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`voting_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`party_id` integer NOT NULL,
	`voter_key` text NOT NULL,
	`choice` text NOT NULL,
	`cast_at` integer NOT NULL,
	FOREIGN KEY (`voting_id`) REFERENCES `votings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`party_id`) REFERENCES `council_parties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ballots_voter_uq` ON `ballots` (`voting_id`,`voter_key`);--> statement-breakpoint
CREATE TABLE `council_parties` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`council_id` integer NOT NULL,
	`role` text NOT NULL,
	`org_id` integer,
	`user_id` integer,
	`added_at` integer NOT NULL,
	FOREIGN KEY (`council_id`) REFERENCES `councils`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `council_parties_council_idx` ON `council_parties` (`council_id`);--> statement-breakpoint
CREATE INDEX `council_parties_org_idx` ON `council_parties` (`org_id`);--> statement-breakpoint
CREATE INDEX `council_parties_user_idx` ON `council_parties` (`user_id`);--> statement-breakpoint
CREATE TABLE `council_reviews` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`council_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`rating` integer NOT NULL,
	`comment` text,
	`reopen_requested` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`council_id`) REFERENCES `councils`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `council_reviews_uq` ON `council_reviews` (`council_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `council_stage_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`council_id` integer NOT NULL,
	`from_stage` text,
	`to_stage` text NOT NULL,
	`actor_user_id` integer,
	`note` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`council_id`) REFERENCES `councils`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `council_stage_events_council_idx` ON `council_stage_events` (`council_id`,`id`);--> statement-breakpoint
CREATE TABLE `council_tickets` (
	`council_id` integer NOT NULL,
	`ticket_id` integer NOT NULL,
	PRIMARY KEY(`council_id`, `ticket_id`),
	FOREIGN KEY (`council_id`) REFERENCES `councils`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `council_tickets_ticket_idx` ON `council_tickets` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `council_topics` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`region_code` text NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`proposed_by` integer NOT NULL,
	`proposed_at` integer NOT NULL,
	`status` text NOT NULL,
	`reviewed_by` integer,
	`reviewed_at` integer,
	`review_note` text,
	`council_id` integer,
	FOREIGN KEY (`region_code`) REFERENCES `regions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`proposed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reviewed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`council_id`) REFERENCES `councils`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `council_topics_region_idx` ON `council_topics` (`region_code`,`status`);--> statement-breakpoint
CREATE TABLE `councils` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`title` text NOT NULL,
	`description` text NOT NULL,
	`region_code` text NOT NULL,
	`address` text NOT NULL,
	`lon` real,
	`lat` real,
	`stage` text NOT NULL,
	`whistle_id` integer,
	`convener_org_id` integer,
	`created_by` integer NOT NULL,
	`implementation_org_id` integer,
	`implementation_due_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`region_code`) REFERENCES `regions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`whistle_id`) REFERENCES `whistles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`convener_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`implementation_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `councils_region_idx` ON `councils` (`region_code`,`updated_at`);--> statement-breakpoint
CREATE INDEX `councils_stage_idx` ON `councils` (`stage`);--> statement-breakpoint
CREATE TABLE `decision_signatures` (
	`decision_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`party_id` integer NOT NULL,
	`signed_at` integer NOT NULL,
	PRIMARY KEY(`decision_id`, `user_id`),
	FOREIGN KEY (`decision_id`) REFERENCES `decisions`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`party_id`) REFERENCES `council_parties`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `decisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`council_id` integer NOT NULL,
	`meeting_id` integer NOT NULL,
	`item_id` integer NOT NULL,
	`mode` text NOT NULL,
	`voting_id` integer,
	`text` text NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`published_at` integer,
	`published_by` integer,
	FOREIGN KEY (`council_id`) REFERENCES `councils`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`meeting_id`) REFERENCES `meetings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`item_id`) REFERENCES `agenda_items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`voting_id`) REFERENCES `votings`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`published_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `decisions_council_idx` ON `decisions` (`council_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `decisions_item_uq` ON `decisions` (`item_id`);--> statement-breakpoint
CREATE TABLE `meetings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`council_id` integer NOT NULL,
	`title` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer NOT NULL,
	`place` text NOT NULL,
	`lon` real,
	`lat` real,
	`online_url` text,
	`status` text NOT NULL,
	`minutes` text,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`held_at` integer,
	FOREIGN KEY (`council_id`) REFERENCES `councils`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `meetings_council_idx` ON `meetings` (`council_id`,`starts_at`);--> statement-breakpoint
CREATE TABLE `votings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`item_id` integer NOT NULL,
	`question` text NOT NULL,
	`mode` text NOT NULL,
	`quorum_percent` integer NOT NULL,
	`threshold_percent` integer NOT NULL,
	`eligible` integer NOT NULL,
	`opened_by` integer NOT NULL,
	`opened_at` integer NOT NULL,
	`closed_at` integer,
	`result` text,
	FOREIGN KEY (`item_id`) REFERENCES `agenda_items`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opened_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `votings_item_idx` ON `votings` (`item_id`);--> statement-breakpoint
CREATE TABLE `whistle_evaluations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`whistle_id` integer NOT NULL,
	`direction` text NOT NULL,
	`subject_org_id` integer NOT NULL,
	`by_org_id` integer NOT NULL,
	`by_user_id` integer NOT NULL,
	`score` integer NOT NULL,
	`comment` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`whistle_id`) REFERENCES `whistles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`subject_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `whistle_evaluations_uq` ON `whistle_evaluations` (`whistle_id`,`by_org_id`,`subject_org_id`);--> statement-breakpoint
CREATE INDEX `whistle_evaluations_subject_idx` ON `whistle_evaluations` (`subject_org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `whistle_report_rules` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ground` text NOT NULL,
	`amount` integer NOT NULL,
	`unit` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `whistle_tickets` (
	`whistle_id` integer NOT NULL,
	`ticket_id` integer NOT NULL,
	PRIMARY KEY(`whistle_id`, `ticket_id`),
	FOREIGN KEY (`whistle_id`) REFERENCES `whistles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`ticket_id`) REFERENCES `tickets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `whistle_tickets_ticket_idx` ON `whistle_tickets` (`ticket_id`);--> statement-breakpoint
CREATE TABLE `whistle_units` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`whistle_id` integer NOT NULL,
	`org_id` integer NOT NULL,
	`reported_at` integer,
	`reported_by` integer,
	`report_note` text,
	`due_notified_at` integer,
	`overdue_notified_at` integer,
	FOREIGN KEY (`whistle_id`) REFERENCES `whistles`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`reported_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `whistle_units_uq` ON `whistle_units` (`whistle_id`,`org_id`);--> statement-breakpoint
CREATE INDEX `whistle_units_org_idx` ON `whistle_units` (`org_id`);--> statement-breakpoint
CREATE TABLE `whistles` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`ground` text NOT NULL,
	`problem` text NOT NULL,
	`region_code` text NOT NULL,
	`initiator_user_id` integer NOT NULL,
	`initiator_org_id` integer,
	`report_deadline_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`outcome` text,
	`closed_at` integer,
	FOREIGN KEY (`region_code`) REFERENCES `regions`(`code`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`initiator_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`initiator_org_id`) REFERENCES `organisations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `whistles_region_idx` ON `whistles` (`region_code`,`created_at`);--> statement-breakpoint
CREATE TABLE `notification_digests` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`day` text NOT NULL,
	`body` text NOT NULL,
	`count` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `notification_digests_user_day_uq` ON `notification_digests` (`user_id`,`day`);--> statement-breakpoint
CREATE TABLE `notifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`link` text NOT NULL,
	`created_at` integer NOT NULL,
	`read_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `notifications_user_idx` ON `notifications` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `notifications_unread_idx` ON `notifications` (`user_id`,`read_at`);