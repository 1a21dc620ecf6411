CREATE TABLE `room_streams` (
	`room_id` integer PRIMARY KEY NOT NULL,
	`key_hash` text NOT NULL,
	`key_enc` text NOT NULL,
	`record` integer DEFAULT false NOT NULL,
	`key_rotated_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `room_streams_key_hash_idx` ON `room_streams` (`key_hash`);--> statement-breakpoint
CREATE TABLE `stream_recordings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`stream_id` text NOT NULL,
	`status` text NOT NULL,
	`started_at` integer NOT NULL,
	`ended_at` integer NOT NULL,
	`duration_ms` integer DEFAULT 0 NOT NULL,
	`size_bytes` integer DEFAULT 0 NOT NULL,
	`has_poster` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `stream_recordings_room_idx` ON `stream_recordings` (`room_id`,`started_at`);