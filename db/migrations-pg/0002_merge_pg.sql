CREATE TABLE "doc_versions" (
	"id" serial PRIMARY KEY NOT NULL,
	"doc_id" integer NOT NULL,
	"kind" text NOT NULL,
	"name" text,
	"upto" bigint NOT NULL,
	"user_id" integer,
	"created_at" bigint NOT NULL,
	"started_at" bigint,
	"updates" bigint DEFAULT 0 NOT NULL,
	"added" bigint DEFAULT 0 NOT NULL,
	"removed" bigint DEFAULT 0 NOT NULL,
	"restored_from" bigint,
	"snapshot" "bytea"
);
--> statement-breakpoint
CREATE TABLE "call_settings" (
	"room_id" integer PRIMARY KEY NOT NULL,
	"preference" text DEFAULT 'auto' NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "interview_problems" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text,
	"title" text NOT NULL,
	"difficulty" text NOT NULL,
	"statement" text NOT NULL,
	"function_name" text NOT NULL,
	"compare" text DEFAULT 'exact' NOT NULL,
	"starters" text NOT NULL,
	"tests" text NOT NULL,
	"created_by" integer,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "interview_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"host_id" integer NOT NULL,
	"problem_id" integer NOT NULL,
	"language" text NOT NULL,
	"room_id" integer NOT NULL,
	"doc_id" integer NOT NULL,
	"from_room_id" integer,
	"candidate_id" integer,
	"candidate_invite_hash" text,
	"observer_invite_hash" text NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"timer_started_at" bigint,
	"timer_accumulated_ms" bigint DEFAULT 0 NOT NULL,
	"created_at" bigint NOT NULL,
	"ended_at" bigint
);
--> statement-breakpoint
CREATE TABLE "interview_observers" (
	"session_id" text NOT NULL,
	"user_id" integer NOT NULL,
	"joined_at" bigint NOT NULL,
	CONSTRAINT "interview_observers_session_id_user_id_pk" PRIMARY KEY("session_id","user_id")
);
--> statement-breakpoint
CREATE TABLE "interview_notes" (
	"session_id" text PRIMARY KEY NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"scorecard" text NOT NULL,
	"updated_at" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "interview_runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"user_id" integer,
	"language" text NOT NULL,
	"status" text NOT NULL,
	"duration_ms" bigint NOT NULL,
	"passed" bigint NOT NULL,
	"total" bigint NOT NULL,
	"cases" text NOT NULL,
	"output" text DEFAULT '' NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "attachments" text;--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "base" "bytea";--> statement-breakpoint
ALTER TABLE "documents" ADD COLUMN "base_upto" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "doc_updates" ADD COLUMN "added" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "doc_updates" ADD COLUMN "removed" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "doc_updates" ADD COLUMN "restored_from" bigint;--> statement-breakpoint
ALTER TABLE "doc_versions" ADD CONSTRAINT "doc_versions_doc_id_documents_id_fk" FOREIGN KEY ("doc_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "doc_versions" ADD CONSTRAINT "doc_versions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_settings" ADD CONSTRAINT "call_settings_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_problems" ADD CONSTRAINT "interview_problems_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_sessions" ADD CONSTRAINT "interview_sessions_host_id_users_id_fk" FOREIGN KEY ("host_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_sessions" ADD CONSTRAINT "interview_sessions_problem_id_interview_problems_id_fk" FOREIGN KEY ("problem_id") REFERENCES "public"."interview_problems"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_sessions" ADD CONSTRAINT "interview_sessions_room_id_rooms_id_fk" FOREIGN KEY ("room_id") REFERENCES "public"."rooms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_sessions" ADD CONSTRAINT "interview_sessions_doc_id_documents_id_fk" FOREIGN KEY ("doc_id") REFERENCES "public"."documents"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_sessions" ADD CONSTRAINT "interview_sessions_from_room_id_rooms_id_fk" FOREIGN KEY ("from_room_id") REFERENCES "public"."rooms"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_sessions" ADD CONSTRAINT "interview_sessions_candidate_id_users_id_fk" FOREIGN KEY ("candidate_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_observers" ADD CONSTRAINT "interview_observers_session_id_interview_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."interview_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_observers" ADD CONSTRAINT "interview_observers_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_notes" ADD CONSTRAINT "interview_notes_session_id_interview_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."interview_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_runs" ADD CONSTRAINT "interview_runs_session_id_interview_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."interview_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_runs" ADD CONSTRAINT "interview_runs_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "doc_versions_doc_idx" ON "doc_versions" USING btree ("doc_id","upto");--> statement-breakpoint
CREATE UNIQUE INDEX "interview_problems_slug_idx" ON "interview_problems" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "interview_problems_owner_idx" ON "interview_problems" USING btree ("created_by");--> statement-breakpoint
CREATE INDEX "interview_sessions_host_idx" ON "interview_sessions" USING btree ("host_id","created_at");--> statement-breakpoint
CREATE INDEX "interview_sessions_doc_idx" ON "interview_sessions" USING btree ("doc_id");--> statement-breakpoint
CREATE INDEX "interview_runs_session_idx" ON "interview_runs" USING btree ("session_id","id");