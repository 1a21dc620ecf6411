CREATE TABLE `reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`reporter_id` integer NOT NULL,
	`target_user_id` integer NOT NULL,
	`message_id` integer,
	`message_text` text,
	`target_key` text NOT NULL,
	`reason` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer NOT NULL,
	`closed_at` integer,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`reporter_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`target_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `reports_room_status_idx` ON `reports` (`room_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `reports_status_idx` ON `reports` (`status`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `reports_open_once_idx` ON `reports` (`reporter_id`,`room_id`,`target_key`) WHERE status = 'open';--> statement-breakpoint
CREATE TABLE `report_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`report_id` integer NOT NULL,
	`actor_id` integer,
	`actor_name` text NOT NULL,
	`action` text NOT NULL,
	`detail` text,
	`at` integer NOT NULL,
	FOREIGN KEY (`report_id`) REFERENCES `reports`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `report_actions_report_idx` ON `report_actions` (`report_id`,`id`);--> statement-breakpoint
CREATE TABLE `user_activity_days` (
	`day` text NOT NULL,
	`user_id` integer NOT NULL,
	PRIMARY KEY(`day`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `usage_samples` (
	`at` integer PRIMARY KEY NOT NULL,
	`peak_sockets` integer NOT NULL,
	`stream_viewers` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `stream_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`stream_id` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE INDEX `stream_sessions_started_idx` ON `stream_sessions` (`started_at`);--> statement-breakpoint
CREATE INDEX `stream_sessions_stream_idx` ON `stream_sessions` (`stream_id`);--> statement-breakpoint
CREATE TABLE `analytics_daily` (
	`day` text PRIMARY KEY NOT NULL,
	`dau` integer DEFAULT 0 NOT NULL,
	`wau` integer DEFAULT 0 NOT NULL,
	`mau` integer DEFAULT 0 NOT NULL,
	`signups` integer DEFAULT 0 NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL,
	`focus_seconds` integer DEFAULT 0 NOT NULL,
	`chess_games` integer DEFAULT 0 NOT NULL,
	`blackjack_rounds` integer DEFAULT 0 NOT NULL,
	`streams` integer DEFAULT 0 NOT NULL,
	`watch_minutes` integer DEFAULT 0 NOT NULL,
	`peak_sockets` integer DEFAULT 0 NOT NULL,
	`storage_bytes` integer,
	`computed_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `analytics_room_daily` (
	`day` text NOT NULL,
	`room_id` integer NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`day`, `room_id`)
);
--> statement-breakpoint
CREATE INDEX `analytics_room_daily_cover` ON `analytics_room_daily` (`day`,`room_id`,`messages`);--> statement-breakpoint
CREATE TABLE `analytics_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
