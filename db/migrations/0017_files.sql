CREATE TABLE `file_folders` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`parent_id` integer,
	`name` text NOT NULL,
	`read_only` integer DEFAULT false NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`parent_id`) REFERENCES `file_folders`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `file_folders_parent_idx` ON `file_folders` (`room_id`,`parent_id`);--> statement-breakpoint
CREATE TABLE `room_files` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`folder_id` integer,
	`name` text NOT NULL,
	`name_lower` text NOT NULL,
	`size` integer NOT NULL,
	`mime` text NOT NULL,
	`kind` text NOT NULL,
	`sha256` text NOT NULL,
	`uploader_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	`deleted_at` integer,
	`deleted_by` integer,
	`thumb` text DEFAULT 'none' NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`folder_id`) REFERENCES `file_folders`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`uploader_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `room_files_folder_idx` ON `room_files` (`room_id`,`folder_id`,`name_lower`);--> statement-breakpoint
CREATE INDEX `room_files_kind_idx` ON `room_files` (`room_id`,`kind`,`created_at`);--> statement-breakpoint
CREATE INDEX `room_files_uploader_idx` ON `room_files` (`room_id`,`uploader_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `room_files_sha_idx` ON `room_files` (`sha256`);--> statement-breakpoint
CREATE TABLE `file_uploads` (
	`id` text PRIMARY KEY NOT NULL,
	`room_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`folder_id` integer,
	`name` text NOT NULL,
	`size` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `file_uploads_room_idx` ON `file_uploads` (`room_id`);--> statement-breakpoint
CREATE TABLE `file_settings` (
	`room_id` integer PRIMARY KEY NOT NULL,
	`upload_role` text DEFAULT 'member' NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade
);
