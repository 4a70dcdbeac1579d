CREATE TABLE `realtime_documents` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`snapshot` blob,
	`snapshot_through` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`compacted_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `realtime_documents_name_unique` ON `realtime_documents` (`name`);--> statement-breakpoint
CREATE TABLE `realtime_updates` (
	`id` integer PRIMARY KEY NOT NULL,
	`document_id` integer NOT NULL,
	`update` blob NOT NULL,
	FOREIGN KEY (`document_id`) REFERENCES `realtime_documents`(`id`) ON UPDATE no action ON DELETE cascade
);
