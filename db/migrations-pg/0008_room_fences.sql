ALTER TABLE "room_timers" ADD COLUMN "epoch" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "music_playback" ADD COLUMN "epoch" bigint DEFAULT 0 NOT NULL;