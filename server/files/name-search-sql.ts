/**
 * The files slice's SQLite-only SQL: the trigram index over file names
 * (db/migrations/0030_room_files_name_search.sql). PostgreSQL has no twin yet and always scans.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { isSqlite } from '../../db/tx.js';

/** Above this many index matches, walking the room's newest files with LIKE finds a page sooner. */
export const NAME_INDEX_CAP = 2000;

/** Pure: the FTS5 trigram MATCH for name words (each a quoted phrase, all required), or null when a word is under three characters (a trigram index cannot answer it). */
export function trigramMatch(words: string[]): string | null {
  if (words.length === 0 || words.some((w) => [...w].length < 3)) return null;
  return words.map((w) => `"${w.replace(/"/g, '""')}"`).join(' AND ');
}

/**
 * The ids of files (any room, trashed or not: the caller filters) whose lower-cased name contains
 * every word, when the index can answer and there are at most `cap` of them; null otherwise.
 */
export function fileIdsByName(db: Db, words: string[], cap = NAME_INDEX_CAP): number[] | null {
  const match = trigramMatch(words);
  if (!match || !isSqlite(db)) return null;
  const rows = db.all<{ id: number }>(sql`SELECT rowid AS id FROM room_files_name_search WHERE room_files_name_search MATCH ${match} LIMIT ${cap + 1}`);
  return rows.length > cap ? null : rows.map((r) => r.id);
}
