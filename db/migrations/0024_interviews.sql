CREATE TABLE `interview_problems` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text,
	`title` text NOT NULL,
	`difficulty` text NOT NULL,
	`statement` text NOT NULL,
	`function_name` text NOT NULL,
	`compare` text DEFAULT 'exact' NOT NULL,
	`starters` text NOT NULL,
	`tests` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `interview_problems_slug_idx` ON `interview_problems` (`slug`);--> statement-breakpoint
CREATE INDEX `interview_problems_owner_idx` ON `interview_problems` (`created_by`);--> statement-breakpoint
CREATE TABLE `interview_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`host_id` integer NOT NULL,
	`problem_id` integer NOT NULL,
	`language` text NOT NULL,
	`room_id` integer NOT NULL,
	`doc_id` integer NOT NULL,
	`from_room_id` integer,
	`candidate_id` integer,
	`candidate_invite_hash` text,
	`observer_invite_hash` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`timer_started_at` integer,
	`timer_accumulated_ms` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`host_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`problem_id`) REFERENCES `interview_problems`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`doc_id`) REFERENCES `documents`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`from_room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE set null,
	FOREIGN KEY (`candidate_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `interview_sessions_host_idx` ON `interview_sessions` (`host_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `interview_sessions_doc_idx` ON `interview_sessions` (`doc_id`);--> statement-breakpoint
CREATE TABLE `interview_observers` (
	`session_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`joined_at` integer NOT NULL,
	PRIMARY KEY(`session_id`, `user_id`),
	FOREIGN KEY (`session_id`) REFERENCES `interview_sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `interview_notes` (
	`session_id` text PRIMARY KEY NOT NULL,
	`notes` text DEFAULT '' NOT NULL,
	`scorecard` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `interview_sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `interview_runs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`session_id` text NOT NULL,
	`user_id` integer,
	`language` text NOT NULL,
	`status` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`passed` integer NOT NULL,
	`total` integer NOT NULL,
	`cases` text NOT NULL,
	`output` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `interview_sessions`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `interview_runs_session_idx` ON `interview_runs` (`session_id`,`id`);