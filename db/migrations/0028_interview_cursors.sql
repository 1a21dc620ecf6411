CREATE TABLE `interview_cursors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`user_id` integer,
	`cursor` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `interview_sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `interview_cursors_session_idx` ON `interview_cursors` (`session_id`,`id`);--> statement-breakpoint
CREATE INDEX `doc_updates_doc_user_idx` ON `doc_updates` (`doc_id`,`user_id`,`id`);