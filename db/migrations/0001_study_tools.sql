CREATE TABLE `todos` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer,
	`owner_id` integer NOT NULL,
	`text` text NOT NULL,
	`done` integer DEFAULT false NOT NULL,
	`done_at` integer,
	`assignee_id` integer,
	`due_at` integer,
	`position` real NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`owner_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`assignee_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `todos_room_idx` ON `todos` (`room_id`,`position`);--> statement-breakpoint
CREATE INDEX `todos_owner_idx` ON `todos` (`owner_id`);--> statement-breakpoint
CREATE TABLE `room_timers` (
	`room_id` integer PRIMARY KEY NOT NULL,
	`focus_min` integer NOT NULL,
	`short_break_min` integer NOT NULL,
	`long_break_min` integer NOT NULL,
	`long_break_every` integer NOT NULL,
	`auto_advance` integer NOT NULL,
	`control` text DEFAULT 'everyone' NOT NULL,
	`changed_by` integer,
	`phase` text NOT NULL,
	`status` text NOT NULL,
	`phase_started_at` integer,
	`paused_ms` integer DEFAULT 0 NOT NULL,
	`paused_at` integer,
	`completed_focus` integer DEFAULT 0 NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `focus_spans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`room_id` integer,
	`started_at` integer NOT NULL,
	`ended_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `focus_spans_user_idx` ON `focus_spans` (`user_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `focus_spans_room_idx` ON `focus_spans` (`room_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `alarms` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`label` text NOT NULL,
	`kind` text NOT NULL,
	`hour` integer,
	`minute` integer,
	`repeat` text DEFAULT 'none' NOT NULL,
	`time_zone` text NOT NULL,
	`next_fire_at` integer,
	`last_fired_at` integer,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `alarms_next_idx` ON `alarms` (`next_fire_at`);--> statement-breakpoint
CREATE INDEX `alarms_user_idx` ON `alarms` (`user_id`);--> statement-breakpoint
CREATE TABLE `goals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`room_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`phase_started_at` integer NOT NULL,
	`text` text NOT NULL,
	`done` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `goals_room_phase_idx` ON `goals` (`room_id`,`phase_started_at`);