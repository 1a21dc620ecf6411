CREATE TABLE `blackjack_tables` (
	`room_id` integer PRIMARY KEY NOT NULL,
	`state` text NOT NULL,
	`phase` text NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `blackjack_bankrolls` (
	`user_id` integer PRIMARY KEY NOT NULL,
	`chips` integer NOT NULL,
	`last_top_up_day` text,
	`hands_played` integer DEFAULT 0 NOT NULL,
	`hands_won` integer DEFAULT 0 NOT NULL,
	`net` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `blackjack_bankrolls_chips_idx` ON `blackjack_bankrolls` (`chips`);--> statement-breakpoint
CREATE TABLE `blackjack_hands` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`round_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`seat` integer NOT NULL,
	`hand` integer NOT NULL,
	`cards` text NOT NULL,
	`total` integer NOT NULL,
	`dealer_cards` text NOT NULL,
	`dealer_total` integer NOT NULL,
	`bet` integer NOT NULL,
	`doubled` integer NOT NULL,
	`outcome` text NOT NULL,
	`payout` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `blackjack_hands_user_idx` ON `blackjack_hands` (`user_id`,`id`);--> statement-breakpoint
CREATE INDEX `blackjack_hands_room_idx` ON `blackjack_hands` (`room_id`,`id`);