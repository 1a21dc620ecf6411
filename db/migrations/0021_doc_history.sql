CREATE TABLE `doc_versions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`doc_id` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text,
	`upto` integer NOT NULL,
	`user_id` integer,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`updates` integer DEFAULT 0 NOT NULL,
	`added` integer DEFAULT 0 NOT NULL,
	`removed` integer DEFAULT 0 NOT NULL,
	`restored_from` integer,
	`snapshot` blob,
	FOREIGN KEY (`doc_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `doc_versions_doc_idx` ON `doc_versions` (`doc_id`,`upto`);--> statement-breakpoint
ALTER TABLE `documents` ADD `base` blob;--> statement-breakpoint
ALTER TABLE `documents` ADD `base_upto` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `doc_updates` ADD `added` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `doc_updates` ADD `removed` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `doc_updates` ADD `restored_from` integer;