ALTER TABLE `import_jobs` ADD `format` text DEFAULT 'csv' NOT NULL;--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `encoding` text;--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `mapping` text;--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `bytes_total` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `bytes_read` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `updated_at` integer;