CREATE TABLE `file_jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`file_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`preset` text NOT NULL,
	`status` text NOT NULL,
	`progress` real DEFAULT 0 NOT NULL,
	`error` text,
	`result_file_id` integer,
	`created_at` integer NOT NULL,
	`finished_at` integer,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `file_jobs_room_idx` ON `file_jobs` (`room_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `file_jobs_status_idx` ON `file_jobs` (`status`);