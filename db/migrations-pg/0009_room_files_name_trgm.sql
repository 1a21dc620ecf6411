-- File name search on PostgreSQL (issue 11, ADR 0036): the twin of SQLite's FTS5 trigram table
-- (db/migrations/0030). A GIN index with pg_trgm's gin_trgm_ops over room_files.name_lower answers
-- `name_lower LIKE '%fragment%'` (fragments of three characters or more) without a scan; inserts,
-- renames and deletes keep it in step by themselves (no triggers, no extra table). fastupdate off:
-- a new name goes straight into the index instead of a pending list that every search would read
-- until the next vacuum (uploads are rare next to searches and dominated by hashing the bytes).
-- pg_trgm is a trusted contrib extension (PostgreSQL 13+): the database's owner may create it. A
-- user who may not (no CREATE on the database, or contrib not installed) still migrates: the block
-- catches the error, says so in a NOTICE and leaves the index out; search stays correct, only
-- slower (server/files/name-search-sql.ts checks for the index). An administrator can add it later:
--   CREATE EXTENSION IF NOT EXISTS pg_trgm;
--   CREATE INDEX IF NOT EXISTS room_files_name_trgm_idx ON room_files USING gin (name_lower gin_trgm_ops) WITH (fastupdate = off);
DO $$
BEGIN
  BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
  EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%): file name search runs without its trigram index', SQLERRM;
  END;
  IF EXISTS (SELECT 1 FROM pg_opclass WHERE opcname = 'gin_trgm_ops') THEN
    CREATE INDEX IF NOT EXISTS "room_files_name_trgm_idx" ON "room_files" USING gin ("name_lower" gin_trgm_ops) WITH (fastupdate = off);
  END IF;
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'room_files_name_trgm_idx not created (%): file name search runs without it', SQLERRM;
END
$$;
