/**
 * Message search's dialect-specific SQL (ADR 0020). SQLite uses the FTS5 table of
 * db/migrations/0011 (in search.service.ts); PostgreSQL uses the GIN expression index of
 * db/migrations-pg/0001 (`cr_search_vector(text)` over unaccented text, `simple` configuration)
 * through the functions here. Both read the same rows: live messages of the given rooms, newest
 * first, paged by id, with a snippet whose matches are marked HL_START … HL_END.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import type { SearchTerm } from './query-parser.js';

export const HL_START = '\u0001';
export const HL_END = '\u0002';

export interface SearchFilter {
  roomIds: number[];
  authorIds: number[] | null;
  hasLink: boolean;
  cursor?: number;
  since?: number;
  until?: number;
  limit: number;
}

export interface HitRow {
  id: number;
  roomId: number;
  userId: number;
  createdAt: number;
  editedAt: number | null;
  snip: string;
}

/**
 * Pure: the tsquery text for the terms (all must match). Each term is cut into words (letters and
 * digits only, so nothing in it is tsquery syntax); a word of 2+ characters outside quotes is a
 * prefix (`'wor':*`, like FTS5's `"wor"*`); a quoted phrase is its words in sequence (`<->`).
 * Null when no term has a word.
 */
export function toTsQuery(terms: SearchTerm[]): string | null {
  const parts: string[] = [];
  for (const t of terms) {
    const words = t.text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
    if (!words.length) continue;
    if (t.phrase) parts.push(`(${words.map((w) => `'${w}'`).join(' <-> ')})`);
    else parts.push(words.map((w) => ([...w].length >= 2 ? `'${w}':*` : `'${w}'`)).join(' & '));
  }
  return parts.length ? parts.join(' & ') : null;
}

const HAS_LINK = (col: SQL) => sql`(${col} LIKE '%http://%' OR ${col} LIKE '%https://%' OR ${col} LIKE '%www.%')`;

/** PostgreSQL: one page of hits for `tsquery` (from {@link toTsQuery}), or of every message when null. */
export async function searchMessagesPg(db: Db, tsquery: string | null, f: SearchFilter, plainExcerpt: number, snippetWords: number): Promise<HitRow[]> {
  const text = sql.raw('m.text');
  const where: SQL[] = [sql`m.room_id = ANY(${`{${f.roomIds.join(',')}}`}::int[])`, sql`m.deleted_at IS NULL`];
  if (tsquery) where.push(sql`cr_search_vector(m.text) @@ cr_search_query(${tsquery})`);
  if (f.authorIds) where.push(sql`m.user_id = ANY(${`{${f.authorIds.join(',')}}`}::int[])`);
  if (f.cursor !== undefined) where.push(sql`m.id < ${f.cursor}`);
  if (f.since !== undefined) where.push(sql`m.created_at >= ${f.since}`);
  if (f.until !== undefined) where.push(sql`m.created_at < ${f.until}`);
  if (f.hasLink) where.push(HAS_LINK(text));
  const snip = tsquery
    ? sql`ts_headline('simple', m.text, cr_search_query(${tsquery}), ${`StartSel=${HL_START}, StopSel=${HL_END}, MaxWords=${snippetWords}, MinWords=${Math.min(8, snippetWords)}, ShortWord=1, FragmentDelimiter=…, MaxFragments=1`})`
    : sql`substr(m.text, 1, ${plainExcerpt + 1})`;
  const query = sql`SELECT m.id AS "id", m.room_id AS "roomId", m.user_id AS "userId", m.created_at AS "createdAt", m.edited_at AS "editedAt", ${snip} AS "snip"
    FROM messages m WHERE ${sql.join(where, sql` AND `)} ORDER BY m.id DESC LIMIT ${f.limit}`;
  const result = (await (db as unknown as { execute(q: SQL): Promise<{ rows: HitRow[] }> }).execute(query)) as { rows: HitRow[] };
  return result.rows;
}
