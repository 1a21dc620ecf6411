-- Full-text search over messages on PostgreSQL (the twin of SQLite's FTS5 table, db/migrations/0011).
-- No extra column: a GIN index over an expression of `text`, for live (not deleted) messages only,
-- so inserts, edits and deletes keep it in step by themselves. `simple` configuration (no stemming,
-- any language, like unicode61) over unaccented text ("café" finds "cafe", like remove_diacritics).
-- unaccent() is only STABLE; this wrapper with a fixed dictionary is IMMUTABLE, as an index needs.
CREATE EXTENSION IF NOT EXISTS unaccent;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cr_search_vector(t text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT to_tsvector('simple'::regconfig, public.unaccent('public.unaccent'::regdictionary, t)) $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION cr_search_query(q text) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
  AS $$ SELECT to_tsquery('simple'::regconfig, public.unaccent('public.unaccent'::regdictionary, q)) $$;
--> statement-breakpoint
CREATE INDEX "messages_search_idx" ON "messages" USING gin (cr_search_vector("text")) WHERE "deleted_at" IS NULL;
