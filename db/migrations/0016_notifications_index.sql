DROP INDEX `notifications_unread_idx`;--> statement-breakpoint
CREATE INDEX `notifications_fold_idx` ON `notifications` (`user_id`,`room_id`,`kind`,`read_at`);--> statement-breakpoint
CREATE INDEX `notifications_unread_idx` ON `notifications` (`user_id`,`read_at`);