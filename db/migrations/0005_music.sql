CREATE TABLE `music_accounts` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`spotify_user_id` text NOT NULL,
	`display_name` text NOT NULL,
	`product` text NOT NULL,
	`access_token_enc` text NOT NULL,
	`refresh_token_enc` text NOT NULL,
	`expires_at` integer NOT NULL,
	`scope` text DEFAULT '' NOT NULL,
	`connected_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `music_auth_states` (
	`state_hash` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`user_id` integer NOT NULL,
	`code_verifier_enc` text NOT NULL,
	`room_id` integer,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`session_id`) REFERENCES `sessions`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `music_auth_states_session_idx` ON `music_auth_states` (`session_id`);--> statement-breakpoint
CREATE TABLE `music_queue_items` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`track` text NOT NULL,
	`duration_ms` integer NOT NULL,
	`added_by` integer NOT NULL,
	`position` integer NOT NULL,
	`added_at` integer NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`added_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `music_queue_items_room_idx` ON `music_queue_items` (`room_id`,`position`);--> statement-breakpoint
CREATE TABLE `music_playback` (
	`room_id` integer PRIMARY KEY NOT NULL,
	`item_id` integer,
	`status` text NOT NULL,
	`started_at` integer,
	`paused_position_ms` integer DEFAULT 0 NOT NULL,
	`skip_votes` text DEFAULT '[]' NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade
);
