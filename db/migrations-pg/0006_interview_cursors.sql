CREATE TABLE "interview_cursors" (
	"id" serial PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"user_id" integer,
	"cursor" text NOT NULL,
	"created_at" bigint NOT NULL
);
--> statement-breakpoint
ALTER TABLE "interview_cursors" ADD CONSTRAINT "interview_cursors_session_id_interview_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."interview_sessions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interview_cursors" ADD CONSTRAINT "interview_cursors_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "interview_cursors_session_idx" ON "interview_cursors" USING btree ("session_id","id");--> statement-breakpoint
CREATE INDEX "doc_updates_doc_user_idx" ON "doc_updates" USING btree ("doc_id","user_id","id");