CREATE TABLE `call_settings` (
	`room_id` integer PRIMARY KEY NOT NULL,
	`preference` text DEFAULT 'auto' NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`room_id`) REFERENCES `rooms`(`id`) ON UPDATE no action ON DELETE cascade
);
