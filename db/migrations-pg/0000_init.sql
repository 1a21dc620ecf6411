CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"username" text NOT NULL,
	"username_key" text NOT NULL,
	"password_hash" text NOT NULL,
	"display_name" text NOT NULL,
	"avatar_color" text NOT NULL,
	"time_zone" text DEFAULT 'UTC' NOT NULL,
	"status_line" text DEFAULT '' NOT NULL,
	"is_admin" boolean DEFAULT false NOT NULL,
	"disabled" boolean DEFAULT false NOT NULL,
	"is_bot" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL,
	"deleted_at" bigint,
	"last_seen_at" bigint
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"created_at" bigint NOT NULL,
	"last_seen_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"user_agent" text DEFAULT '' NOT NULL,
	"ip" text DEFAULT '' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rooms" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"passcode_hash" text,
	"listed" boolean DEFAULT true NOT NULL,
	"kind" text DEFAULT 'room' NOT NULL,
	"capacity" bigint DEFAULT 50 NOT NULL,
	"slow_mode_seconds" bigint DEFAULT 0 NOT NULL,
	"owner_id" integer NOT NULL,
	"seq" bigint DEFAULT 0 NOT NULL,
	"last_activity_at" bigint NOT NULL,
	"closed_at" bigint,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "room_members" (
	"room_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"role" text NOT NULL,
	"muted_until" bigint,
	"last_read_message_id" bigint DEFAULT 0 NOT NULL,
	"last_message_at" bigint,
	"joined_at" bigint NOT NULL,
	CONSTRAINT "room_members_room_id_user_id_pk" PRIMARY KEY("room_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "room_bans" (
	"room_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"banned_by" integer NOT NULL,
	"reason" text DEFAULT '' NOT NULL,
	"until" bigint,
	"created_at" bigint NOT NULL,
	CONSTRAINT "room_bans_room_id_user_id_pk" PRIMARY KEY("room_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" serial PRIMARY KEY NOT NULL,
	"room_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"text" text NOT NULL,
	"reply_to_id" bigint,
	"mentions" text DEFAULT '[]' NOT NULL,
	"created_at" bigint NOT NULL,
	"edited_at" bigint,
	"deleted_at" bigint,
	"client_id" text
);
--> statement-breakpoint
CREATE TABLE "message_reactions" (
	"message_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"emoji" text NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "message_reactions_message_id_user_id_emoji_pk" PRIMARY KEY("message_id","user_id","emoji")
);
--> statement-breakpoint
CREATE TABLE "todos" (
	"id" serial PRIMARY KEY NOT NULL,
	"room_id" integer,
	"owner_id" integer NOT NULL,
	"text" text NOT NULL,
	"done" boolean DEFAULT false NOT NULL,
	"done_at" bigint,
	"assignee_id" integer,
	"due_at" bigint,
	"position" double precision NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "room_timers" (
	"room_id" integer PRIMARY KEY NOT NULL,
	"focus_min" bigint NOT NULL,
	"short_break_min" bigint NOT NULL,
	"long_break_min" bigint NOT NULL,
	"long_break_every" bigint NOT NULL,
	"auto_advance" boolean NOT NULL,
	"control" text DEFAULT 'everyone' NOT NULL,
	"changed_by" bigint,
	"phase" text NOT NULL,
	"status" text NOT NULL,
	"phase_started_at" bigint,
	"paused_ms" bigint DEFAULT 0 NOT NULL,
	"paused_at" bigint,
	"completed_focus" bigint DEFAULT 0 NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "focus_spans" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"room_id" integer,
	"started_at" bigint NOT NULL,
	"ended_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alarms" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"label" text NOT NULL,
	"kind" text NOT NULL,
	"hour" bigint,
	"minute" bigint,
	"repeat" text DEFAULT 'none' NOT NULL,
	"time_zone" text NOT NULL,
	"next_fire_at" bigint,
	"last_fired_at" bigint,
	"seen_at" bigint,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "goals" (
	"id" serial PRIMARY KEY NOT NULL,
	"room_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"phase_started_at" bigint NOT NULL,
	"text" text NOT NULL,
	"done" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "room_streams" (
	"room_id" integer PRIMARY KEY NOT NULL,
	"key_hash" text NOT NULL,
	"key_enc" text NOT NULL,
	"record" boolean DEFAULT false NOT NULL,
	"key_rotated_at" bigint NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stream_recordings" (
	"id" serial PRIMARY KEY NOT NULL,
	"room_id" integer NOT NULL,
	"stream_id" text NOT NULL,
	"status" text NOT NULL,
	"started_at" bigint NOT NULL,
	"ended_at" bigint NOT NULL,
	"duration_ms" bigint DEFAULT 0 NOT NULL,
	"size_bytes" bigint DEFAULT 0 NOT NULL,
	"has_poster" boolean DEFAULT false NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "chess_games" (
	"id" serial PRIMARY KEY NOT NULL,
	"room_id" integer NOT NULL,
	"status" text NOT NULL,
	"created_by" integer NOT NULL,
	"opponent_id" integer,
	"color_choice" text NOT NULL,
	"white_id" integer,
	"black_id" integer,
	"initial_ms" bigint,
	"increment_ms" bigint,
	"moves" text DEFAULT '[]' NOT NULL,
	"white_ms" bigint DEFAULT 0 NOT NULL,
	"black_ms" bigint DEFAULT 0 NOT NULL,
	"turn_started_at" bigint,
	"lag_quota_white" bigint DEFAULT 0 NOT NULL,
	"lag_quota_black" bigint DEFAULT 0 NOT NULL,
	"alive_at" bigint,
	"offers" text DEFAULT '{}' NOT NULL,
	"result" text,
	"reason" text,
	"version" bigint DEFAULT 0 NOT NULL,
	"rematch_of" bigint,
	"rematch_id" bigint,
	"expires_at" bigint,
	"created_at" bigint NOT NULL,
	"started_at" bigint,
	"ended_at" bigint
);
--> statement-breakpoint
CREATE TABLE "blackjack_tables" (
	"room_id" integer PRIMARY KEY NOT NULL,
	"state" text NOT NULL,
	"phase" text NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "blackjack_bankrolls" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"chips" bigint NOT NULL,
	"last_top_up_day" text,
	"hands_played" bigint DEFAULT 0 NOT NULL,
	"hands_won" bigint DEFAULT 0 NOT NULL,
	"net" bigint DEFAULT 0 NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "blackjack_hands" (
	"id" serial PRIMARY KEY NOT NULL,
	"room_id" integer NOT NULL,
	"round_id" bigint NOT NULL,
	"user_id" integer NOT NULL,
	"seat" bigint NOT NULL,
	"hand" bigint NOT NULL,
	"cards" text NOT NULL,
	"total" bigint NOT NULL,
	"dealer_cards" text NOT NULL,
	"dealer_total" bigint NOT NULL,
	"bet" bigint NOT NULL,
	"doubled" boolean NOT NULL,
	"outcome" text NOT NULL,
	"payout" bigint NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "music_accounts" (
	"user_id" integer PRIMARY KEY NOT NULL,
	"spotify_user_id" text NOT NULL,
	"display_name" text NOT NULL,
	"product" text NOT NULL,
	"access_token_enc" text NOT NULL,
	"refresh_token_enc" text NOT NULL,
	"expires_at" bigint NOT NULL,
	"scope" text DEFAULT '' NOT NULL,
	"connected_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "music_auth_states" (
	"state_hash" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"user_id" bigint NOT NULL,
	"code_verifier_enc" text NOT NULL,
	"room_id" bigint,
	"expires_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "music_queue_items" (
	"id" serial PRIMARY KEY NOT NULL,
	"room_id" integer NOT NULL,
	"track" text NOT NULL,
	"duration_ms" bigint NOT NULL,
	"added_by" integer NOT NULL,
	"position" bigint NOT NULL,
	"added_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "music_playback" (
	"room_id" integer PRIMARY KEY NOT NULL,
	"item_id" bigint,
	"status" text NOT NULL,
	"started_at" bigint,
	"paused_position_ms" bigint DEFAULT 0 NOT NULL,
	"skip_votes" text DEFAULT '[]' NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" serial PRIMARY KEY NOT NULL,
	"at" bigint NOT NULL,
	"action" text NOT NULL,
	"actor_id" bigint,
	"actor_name" text,
	"target_user_id" bigint,
	"target_name" text,
	"room_id" bigint,
	"ip" text,
	"detail" text
);
--> statement-breakpoint
CREATE TABLE "user_blocks" (
	"blocker_id" integer NOT NULL,
	"blocked_id" integer NOT NULL,
	"created_at" bigint NOT NULL,
	CONSTRAINT "user_blocks_blocker_id_blocked_id_pk" PRIMARY KEY("blocker_id","blocked_id")
);
--> statement-breakpoint
CREATE TABLE "dm_pairs" (
	"user_lo" integer NOT NULL,
	"user_hi" integer NOT NULL,
	"room_id" integer NOT NULL,
	CONSTRAINT "dm_pairs_user_lo_user_hi_pk" PRIMARY KEY("user_lo","user_hi")
);
--> statement-breakpoint
CREATE TABLE "room_integrations" (
	"id" serial PRIMARY KEY NOT NULL,
	"room_id" integer NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"bot_user_id" integer NOT NULL,
	"scopes" text DEFAULT '[]' NOT NULL,
	"secret_hash" text NOT NULL,
	"secret_hint" text NOT NULL,
	"created_by" integer,
	"created_at" bigint NOT NULL,
	"last_used_at" bigint,
	"revoked_at" bigint
);
--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"kind" text NOT NULL,
	"actor_id" integer,
	"room_id" integer,
	"message_id" bigint,
	"game_id" bigint,
	"stream_id" text,
	"invite_code" text,
	"text" text NOT NULL,
	"count" bigint DEFAULT 1 NOT NULL,
	"created_at" bigint NOT NULL,
	"read_at" bigint
);
--> statement-breakpoint
CREATE TABLE "room_notify_settings" (
	"user_id" integer NOT NULL,
	"room_id" integer NOT NULL,
	"level" text,
	"muted_until" bigint,
	CONSTRAINT "room_notify_settings_user_id_room_id_pk" PRIMARY KEY("user_id","room_id")
);
--> statement-breakpoint
CREATE TABLE "push_subscriptions" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_id" integer NOT NULL,
	"endpoint" text NOT NULL,
	"p256dh" text NOT NULL,
	"auth" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "instance_settings" (
	"id" bigint PRIMARY KEY NOT NULL,
	"registration" text DEFAULT 'open' NOT NULL,
	"announcement" text DEFAULT '' NOT NULL,
	"announcement_starts_at" bigint,
	"announcement_ends_at" bigint,
	"announcement_version" bigint DEFAULT 0 NOT NULL,
	"updated_at" bigint NOT NULL,
	"updated_by" bigint
);
--> statement-breakpoint
CREATE TABLE "invite_codes" (
	"id" serial PRIMARY KEY NOT NULL,
	"code_hash" text NOT NULL,
	"hint" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"max_uses" bigint,
	"uses" bigint DEFAULT 0 NOT NULL,
	"expires_at" bigint,
	"revoked_at" bigint,
	"created_by" integer,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "password_resets" (
	"id" serial PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"user_id" integer NOT NULL,
	"created_by" integer,
	"created_at" bigint NOT NULL,
	"expires_at" bigint NOT NULL,
	"used_at" bigint
);
--> statement-breakpoint
CREATE TABLE "reports" (
	"id" serial PRIMARY KEY NOT NULL,
	"room_id" integer NOT NULL,
	"reporter_id" integer NOT NULL,
	"target_user_id" integer NOT NULL,
	"message_id" bigint,
	"message_text" text,
	"target_key" text NOT NULL,
	"reason" text NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"created_at" bigint NOT NULL,
	"closed_at" bigint
);
--> statement-breakpoint
CREATE TABLE "report_actions" (
	"id" serial PRIMARY KEY NOT NULL,
	"report_id" integer NOT NULL,
	"actor_id" bigint,
	"actor_name" text NOT NULL,
	"action" text NOT NULL,
	"detail" text,
	"at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_activity_days" (
	"day" text NOT NULL,
	"user_id" bigint NOT NULL,
	CONSTRAINT "user_activity_days_day_user_id_pk" PRIMARY KEY("day","user_id")
);
--> statement-breakpoint
CREATE TABLE "usage_samples" (
	"at" bigint PRIMARY KEY NOT NULL,
	"peak_sockets" bigint NOT NULL,
	"stream_viewers" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stream_sessions" (
	"id" serial PRIMARY KEY NOT NULL,
	"room_id" bigint NOT NULL,
	"stream_id" text NOT NULL,
	"started_at" bigint NOT NULL,
	"ended_at" bigint
);
--> statement-breakpoint
CREATE TABLE "analytics_daily" (
	"day" text PRIMARY KEY NOT NULL,
	"dau" bigint DEFAULT 0 NOT NULL,
	"wau" bigint DEFAULT 0 NOT NULL,
	"mau" bigint DEFAULT 0 NOT NULL,
	"signups" bigint DEFAULT 0 NOT NULL,
	"messages" bigint DEFAULT 0 NOT NULL,
	"focus_seconds" bigint DEFAULT 0 NOT NULL,
	"chess_games" bigint DEFAULT 0 NOT NULL,
	"blackjack_rounds" bigint DEFAULT 0 NOT NULL,
	"streams" bigint DEFAULT 0 NOT NULL,
	"watch_minutes" bigint DEFAULT 0 NOT NULL,
	"peak_sockets" bigint DEFAULT 0 NOT NULL,
	"storage_bytes" bigint,
	"computed_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "analytics_room_daily" (
	"day" text NOT NULL,
	"room_id" bigint NOT NULL,
	"messages" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "analytics_room_daily_day_room_id_pk" PRIMARY KEY("day","room_id")
);
--> statement-breakpoint
CREATE TABLE "analytics_state" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "file_folders" (
	"id" serial PRIMARY KEY NOT NULL,
	"room_id" integer NOT NULL,
	"parent_id" integer,
	"name" text NOT NULL,
	"read_only" boolean DEFAULT false NOT NULL,
	"created_by" bigint NOT NULL,
	"created_at" bigint NOT NULL,
	"deleted_at" bigint
);
--> statement-breakpoint
CREATE TABLE "room_files" (
	"id" serial PRIMARY KEY NOT NULL,
	"room_id" integer NOT NULL,
	"folder_id" integer,
	"name" text NOT NULL,
	"name_lower" text NOT NULL,
	"size" bigint NOT NULL,
	"mime" text NOT NULL,
	"kind" text NOT NULL,
	"sha256" text NOT NULL,
	"uploader_id" integer NOT NULL,
	"created_at" bigint NOT NULL,
	"deleted_at" bigint,
	"deleted_by" bigint,
	"thumb" text DEFAULT 'none' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "file_uploads" (
	"id" text PRIMARY KEY NOT NULL,
	"room_id" integer NOT NULL,
	"user_id" integer NOT NULL,
	"folder_id" bigint,
	"name" text NOT NULL,
	"size" bigint NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "file_settings" (
	"room_id" integer PRIMARY KEY NOT NULL,
	"upload_role" text DEFAULT 'member' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "file_jobs" (
	"id" serial PRIMARY KEY NOT NULL,
	"room_id" integer NOT NULL,
	"file_id" bigint NOT NULL,
	"user_id" bigint NOT NULL,
	"preset" text NOT NULL,
	"status" text NOT NULL,
	"progress" double precision DEFAULT 0 NOT NULL,
	"error" text,
	"result_file_id" bigint,
	"created_at" bigint NOT NULL,
	"finished_at" bigint
);
--> statement-breakpoint
CREATE TABLE "documents" (
	"id" serial PRIMARY KEY NOT NULL,
	"room_id" integer NOT NULL,
	"title" text NOT NULL,
	"kind" text NOT NULL,
	"language" text NOT NULL,
	"created_by" integer NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"last_editor_id" integer,
	"snapshot" "bytea",
	"snapshot_upto" bigint DEFAULT 0 NOT NULL,
	"stored_bytes" bigint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "doc_updates" (
	"id" serial PRIMARY KEY NOT NULL,
	"doc_id" integer NOT NULL,
	"user_id" integer,
	"data" "bytea" NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rooms" ADD CONSTRAINT "rooms_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_members" ADD CONSTRAINT "room_members_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_members" ADD CONSTRAINT "room_members_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_bans" ADD CONSTRAINT "room_bans_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_bans" ADD CONSTRAINT "room_bans_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_bans" ADD CONSTRAINT "room_bans_banned_by_users_id_fk" FOREIGN KEY ("banned_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_reactions" ADD CONSTRAINT "message_reactions_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "message_reactions" ADD CONSTRAINT "message_reactions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "todos" ADD CONSTRAINT "todos_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "todos" ADD CONSTRAINT "todos_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "todos" ADD CONSTRAINT "todos_assignee_id_users_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_timers" ADD CONSTRAINT "room_timers_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "focus_spans" ADD CONSTRAINT "focus_spans_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "focus_spans" ADD CONSTRAINT "focus_spans_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alarms" ADD CONSTRAINT "alarms_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "goals" ADD CONSTRAINT "goals_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_streams" ADD CONSTRAINT "room_streams_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stream_recordings" ADD CONSTRAINT "stream_recordings_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chess_games" ADD CONSTRAINT "chess_games_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chess_games" ADD CONSTRAINT "chess_games_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chess_games" ADD CONSTRAINT "chess_games_opponent_id_users_id_fk" FOREIGN KEY ("opponent_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chess_games" ADD CONSTRAINT "chess_games_white_id_users_id_fk" FOREIGN KEY ("white_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "chess_games" ADD CONSTRAINT "chess_games_black_id_users_id_fk" FOREIGN KEY ("black_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blackjack_tables" ADD CONSTRAINT "blackjack_tables_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blackjack_bankrolls" ADD CONSTRAINT "blackjack_bankrolls_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blackjack_hands" ADD CONSTRAINT "blackjack_hands_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "blackjack_hands" ADD CONSTRAINT "blackjack_hands_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "music_accounts" ADD CONSTRAINT "music_accounts_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "music_auth_states" ADD CONSTRAINT "music_auth_states_session_id_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "music_queue_items" ADD CONSTRAINT "music_queue_items_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "music_queue_items" ADD CONSTRAINT "music_queue_items_added_by_users_id_fk" FOREIGN KEY ("added_by") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "music_playback" ADD CONSTRAINT "music_playback_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_blocks" ADD CONSTRAINT "user_blocks_blocker_id_users_id_fk" FOREIGN KEY ("blocker_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_blocks" ADD CONSTRAINT "user_blocks_blocked_id_users_id_fk" FOREIGN KEY ("blocked_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dm_pairs" ADD CONSTRAINT "dm_pairs_user_lo_users_id_fk" FOREIGN KEY ("user_lo") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dm_pairs" ADD CONSTRAINT "dm_pairs_user_hi_users_id_fk" FOREIGN KEY ("user_hi") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "dm_pairs" ADD CONSTRAINT "dm_pairs_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_integrations" ADD CONSTRAINT "room_integrations_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_integrations" ADD CONSTRAINT "room_integrations_bot_user_id_users_id_fk" FOREIGN KEY ("bot_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_integrations" ADD CONSTRAINT "room_integrations_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notifications" ADD CONSTRAINT "notifications_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_notify_settings" ADD CONSTRAINT "room_notify_settings_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_notify_settings" ADD CONSTRAINT "room_notify_settings_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "push_subscriptions" ADD CONSTRAINT "push_subscriptions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invite_codes" ADD CONSTRAINT "invite_codes_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_reporter_id_users_id_fk" FOREIGN KEY ("reporter_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reports" ADD CONSTRAINT "reports_target_user_id_users_id_fk" FOREIGN KEY ("target_user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_actions" ADD CONSTRAINT "report_actions_report_id_reports_id_fk" FOREIGN KEY ("report_id") REFERENCES "public"."reports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_folders" ADD CONSTRAINT "file_folders_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_folders" ADD CONSTRAINT "file_folders_parent_id_file_folders_id_fk" FOREIGN KEY ("parent_id") REFERENCES "public"."file_folders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_files" ADD CONSTRAINT "room_files_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_files" ADD CONSTRAINT "room_files_folder_id_file_folders_id_fk" FOREIGN KEY ("folder_id") REFERENCES "public"."file_folders"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "room_files" ADD CONSTRAINT "room_files_uploader_id_users_id_fk" FOREIGN KEY ("uploader_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_uploads" ADD CONSTRAINT "file_uploads_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_uploads" ADD CONSTRAINT "file_uploads_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_settings" ADD CONSTRAINT "file_settings_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "file_jobs" ADD CONSTRAINT "file_jobs_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "documents" ADD CONSTRAINT "documents_last_editor_id_users_id_fk" FOREIGN KEY ("last_editor_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "doc_updates" ADD CONSTRAINT "doc_updates_doc_id_documents_id_fk" FOREIGN KEY ("doc_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "doc_updates" ADD CONSTRAINT "doc_updates_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "users_username_key_idx" ON "users" USING btree ("username_key");--> statement-breakpoint
CREATE INDEX "users_created_idx" ON "users" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "users_display_name_idx" ON "users" USING btree ("display_name");--> statement-breakpoint
CREATE INDEX "users_last_seen_idx" ON "users" USING btree ("last_seen_at");--> statement-breakpoint
CREATE INDEX "users_admin_idx" ON "users" USING btree ("is_admin","created_at");--> statement-breakpoint
CREATE INDEX "users_status_idx" ON "users" USING btree ("deleted_at","disabled","is_admin","created_at");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "rooms_code_idx" ON "rooms" USING btree ("code");--> statement-breakpoint
CREATE INDEX "rooms_listed_idx" ON "rooms" USING btree ("listed","last_activity_at");--> statement-breakpoint
CREATE INDEX "room_members_user_idx" ON "room_members" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "messages_room_id_idx" ON "messages" USING btree ("room_id","id");--> statement-breakpoint
CREATE INDEX "messages_user_idx" ON "messages" USING btree ("room_id","user_id");--> statement-breakpoint
CREATE INDEX "messages_author_idx" ON "messages" USING btree ("user_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_user_client_id_idx" ON "messages" USING btree ("user_id","client_id");--> statement-breakpoint
CREATE INDEX "todos_room_idx" ON "todos" USING btree ("room_id","position");--> statement-breakpoint
CREATE INDEX "todos_owner_idx" ON "todos" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "focus_spans_user_idx" ON "focus_spans" USING btree ("user_id","started_at");--> statement-breakpoint
CREATE INDEX "focus_spans_room_idx" ON "focus_spans" USING btree ("room_id","started_at");--> statement-breakpoint
CREATE INDEX "alarms_next_idx" ON "alarms" USING btree ("next_fire_at");--> statement-breakpoint
CREATE INDEX "alarms_user_idx" ON "alarms" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "goals_room_phase_idx" ON "goals" USING btree ("room_id","phase_started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "room_streams_key_hash_idx" ON "room_streams" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "stream_recordings_room_idx" ON "stream_recordings" USING btree ("room_id","started_at");--> statement-breakpoint
CREATE INDEX "chess_games_room_idx" ON "chess_games" USING btree ("room_id","status","id");--> statement-breakpoint
CREATE INDEX "chess_games_white_idx" ON "chess_games" USING btree ("white_id","id");--> statement-breakpoint
CREATE INDEX "chess_games_black_idx" ON "chess_games" USING btree ("black_id","id");--> statement-breakpoint
CREATE INDEX "chess_games_status_idx" ON "chess_games" USING btree ("status");--> statement-breakpoint
CREATE INDEX "blackjack_bankrolls_chips_idx" ON "blackjack_bankrolls" USING btree ("chips");--> statement-breakpoint
CREATE INDEX "blackjack_hands_user_idx" ON "blackjack_hands" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "blackjack_hands_room_idx" ON "blackjack_hands" USING btree ("room_id","id");--> statement-breakpoint
CREATE INDEX "music_auth_states_session_idx" ON "music_auth_states" USING btree ("session_id");--> statement-breakpoint
CREATE INDEX "music_queue_items_room_idx" ON "music_queue_items" USING btree ("room_id","position");--> statement-breakpoint
CREATE INDEX "audit_log_at" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "audit_log_action_at" ON "audit_log" USING btree ("action","at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_at" ON "audit_log" USING btree ("actor_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_room_at" ON "audit_log" USING btree ("room_id","at");--> statement-breakpoint
CREATE INDEX "audit_log_actor_name_at" ON "audit_log" USING btree ("actor_name","at");--> statement-breakpoint
CREATE INDEX "user_blocks_blocked_idx" ON "user_blocks" USING btree ("blocked_id");--> statement-breakpoint
CREATE UNIQUE INDEX "dm_pairs_room_idx" ON "dm_pairs" USING btree ("room_id");--> statement-breakpoint
CREATE UNIQUE INDEX "room_integrations_secret_idx" ON "room_integrations" USING btree ("secret_hash");--> statement-breakpoint
CREATE INDEX "room_integrations_room_idx" ON "room_integrations" USING btree ("room_id");--> statement-breakpoint
CREATE INDEX "notifications_user_idx" ON "notifications" USING btree ("user_id","id");--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" USING btree ("user_id","read_at");--> statement-breakpoint
CREATE INDEX "notifications_fold_idx" ON "notifications" USING btree ("user_id","room_id","kind","read_at");--> statement-breakpoint
CREATE INDEX "room_notify_settings_room_idx" ON "room_notify_settings" USING btree ("room_id","level");--> statement-breakpoint
CREATE UNIQUE INDEX "push_subscriptions_endpoint_idx" ON "push_subscriptions" USING btree ("endpoint");--> statement-breakpoint
CREATE INDEX "push_subscriptions_user_idx" ON "push_subscriptions" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "invite_codes_hash_idx" ON "invite_codes" USING btree ("code_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "password_resets_token_idx" ON "password_resets" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "password_resets_user_idx" ON "password_resets" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "reports_room_status_idx" ON "reports" USING btree ("room_id","status","id");--> statement-breakpoint
CREATE INDEX "reports_status_idx" ON "reports" USING btree ("status","id");--> statement-breakpoint
CREATE UNIQUE INDEX "reports_open_once_idx" ON "reports" USING btree ("reporter_id","room_id","target_key") WHERE status = 'open';--> statement-breakpoint
CREATE INDEX "report_actions_report_idx" ON "report_actions" USING btree ("report_id","id");--> statement-breakpoint
CREATE INDEX "stream_sessions_started_idx" ON "stream_sessions" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "stream_sessions_stream_idx" ON "stream_sessions" USING btree ("stream_id");--> statement-breakpoint
CREATE INDEX "analytics_room_daily_cover" ON "analytics_room_daily" USING btree ("day","room_id","messages");--> statement-breakpoint
CREATE INDEX "file_folders_parent_idx" ON "file_folders" USING btree ("room_id","parent_id");--> statement-breakpoint
CREATE INDEX "room_files_folder_idx" ON "room_files" USING btree ("room_id","folder_id","name_lower");--> statement-breakpoint
CREATE INDEX "room_files_kind_idx" ON "room_files" USING btree ("room_id","kind","created_at");--> statement-breakpoint
CREATE INDEX "room_files_uploader_idx" ON "room_files" USING btree ("room_id","uploader_id","created_at");--> statement-breakpoint
CREATE INDEX "room_files_sha_idx" ON "room_files" USING btree ("sha256");--> statement-breakpoint
CREATE INDEX "room_files_recent_idx" ON "room_files" USING btree ("room_id","created_at","id","name_lower","deleted_at");--> statement-breakpoint
CREATE INDEX "file_uploads_room_idx" ON "file_uploads" USING btree ("room_id");--> statement-breakpoint
CREATE INDEX "file_jobs_room_idx" ON "file_jobs" USING btree ("room_id","created_at");--> statement-breakpoint
CREATE INDEX "file_jobs_status_idx" ON "file_jobs" USING btree ("status");--> statement-breakpoint
CREATE INDEX "documents_room_idx" ON "documents" USING btree ("room_id","updated_at");--> statement-breakpoint
CREATE INDEX "doc_updates_doc_idx" ON "doc_updates" USING btree ("doc_id","id");