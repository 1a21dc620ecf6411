CREATE TABLE `chess_games` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`status` text NOT NULL,
	`created_by` integer NOT NULL,
	`opponent_id` integer,
	`color_choice` text NOT NULL,
	`white_id` integer,
	`black_id` integer,
	`initial_ms` integer,
	`increment_ms` integer,
	`moves` text DEFAULT '[]' NOT NULL,
	`white_ms` integer DEFAULT 0 NOT NULL,
	`black_ms` integer DEFAULT 0 NOT NULL,
	`turn_started_at` integer,
	`lag_quota_white` integer DEFAULT 0 NOT NULL,
	`lag_quota_black` integer DEFAULT 0 NOT NULL,
	`alive_at` integer,
	`offers` text DEFAULT '{}' NOT NULL,
	`result` text,
	`reason` text,
	`version` integer DEFAULT 0 NOT NULL,
	`rematch_of` integer,
	`rematch_id` integer,
	`expires_at` integer,
	`created_at` integer NOT NULL,
	`started_at` integer,
	`ended_at` integer,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opponent_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`white_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`black_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `chess_games_room_idx` ON `chess_games` (`room_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `chess_games_white_idx` ON `chess_games` (`white_id`,`id`);--> statement-breakpoint
CREATE INDEX `chess_games_black_idx` ON `chess_games` (`black_id`,`id`);--> statement-breakpoint
CREATE INDEX `chess_games_status_idx` ON `chess_games` (`status`);