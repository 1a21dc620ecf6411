ALTER TABLE `music_playback` ADD `epoch` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `room_timers` ADD `epoch` integer DEFAULT 0 NOT NULL;