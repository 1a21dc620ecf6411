ALTER TABLE `messages` ADD `client_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `messages_user_client_id_idx` ON `messages` (`user_id`,`client_id`);