CREATE TABLE `room_integrations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`kind` text NOT NULL,
	`name` text NOT NULL,
	`bot_user_id` integer NOT NULL,
	`scopes` text DEFAULT '[]' NOT NULL,
	`secret_hash` text NOT NULL,
	`secret_hint` text NOT NULL,
	`created_by` integer,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`bot_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `room_integrations_secret_idx` ON `room_integrations` (`secret_hash`);--> statement-breakpoint
CREATE INDEX `room_integrations_room_idx` ON `room_integrations` (`room_id`);--> statement-breakpoint
ALTER TABLE `users` ADD `is_bot` integer DEFAULT false NOT NULL;