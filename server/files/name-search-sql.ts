/**
 * The files slice's dialect-specific SQL: the trigram index over file names.
 * - SQLite: the FTS5 trigram table `room_files_name_search` (db/migrations/0030_room_files_name_search.sql).
 * - PostgreSQL: a GIN `gin_trgm_ops` index over room_files.name_lower
 *   (db/migrations-pg/0009_room_files_name_trgm.sql, ADR 0036), which answers the same LIKE the
 *   service filters with. The migration leaves it out when the database user may not create the
 *   pg_trgm extension; then `fileIdsByName` answers null and the caller scans, as it does for
 *   fragments under three characters.
 * Both answer the same question with the same limits, so the service has one code path.
 */
import { and, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { roomFiles } from '../../db/schema/index.js';
import { isSqlite } from '../../db/tx.js';

/** Above this many index matches, walking the room's newest files with LIKE finds a page sooner. */
export const NAME_INDEX_CAP = 2000;

/** The PostgreSQL index (its presence is checked, not assumed: see the migration). */
export const PG_NAME_INDEX = 'room_files_name_trgm_idx';

/** How long a PostgreSQL answer to "is the index there" is kept (an administrator may add it later). */
const INDEX_CHECK_MS = 60_000;

/** Pure: `s` as a literal inside a LIKE pattern with ESCAPE '\' (%, _ and \ match themselves). */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Dialect-neutral: "the lower-cased name contains `word`" (already lower-cased), literally: LIKE
 * wildcards typed by the user match themselves. The condition the search filters with on both
 * dialects, and the one the PostgreSQL trigram index answers.
 */
export function nameContains(word: string): SQL {
  return sql`${roomFiles.nameLower} LIKE ${`%${escapeLike(word)}%`} ESCAPE '\\'`;
}

/** Pure: the FTS5 trigram MATCH for name words (each a quoted phrase, all required), or null when a word is under three characters (a trigram index cannot answer it). */
export function trigramMatch(words: string[]): string | null {
  if (words.length === 0 || words.some((w) => [...w].length < 3)) return null;
  return words.map((w) => `"${w.replace(/"/g, '""')}"`).join(' AND ');
}

const pgIndexSeen = new WeakMap<Db, { has: boolean; at: number }>();

/** PostgreSQL: whether the trigram index exists (the migration may have left it out), re-read every minute. */
export async function hasPgNameIndex(db: Db): Promise<boolean> {
  const seen = pgIndexSeen.get(db);
  if (seen && Date.now() - seen.at < INDEX_CHECK_MS) return seen.has;
  const pg = db as unknown as { execute(q: SQL): Promise<{ rows: { has: boolean }[] }> };
  const { rows } = await pg.execute(sql`SELECT to_regclass(${PG_NAME_INDEX}) IS NOT NULL AS has`);
  const has = rows[0]?.has === true;
  pgIndexSeen.set(db, { has, at: Date.now() });
  return has;
}

/**
 * The ids of files (any room, trashed or not: the caller filters) whose lower-cased name contains
 * every word, when the index can answer and there are at most `cap` of them; null otherwise
 * (a word under three characters, more than `cap` matches, or no index on PostgreSQL).
 */
export async function fileIdsByName(db: Db, words: string[], cap = NAME_INDEX_CAP): Promise<number[] | null> {
  const match = trigramMatch(words);
  if (!match) return null;
  let ids: number[];
  if (isSqlite(db)) {
    ids = db.all<{ id: number }>(sql`SELECT rowid AS id FROM room_files_name_search WHERE room_files_name_search MATCH ${match} LIMIT ${cap + 1}`).map((r) => r.id);
  } else {
    if (!(await hasPgNameIndex(db))) return null;
    // The planner answers this from the GIN index (bitmap scan) when the fragments are selective.
    const rows = await db.select({ id: roomFiles.id }).from(roomFiles).where(and(...words.map(nameContains))).limit(cap + 1);
    ids = rows.map((r) => r.id);
  }
  return ids.length > cap ? null : ids;
}
