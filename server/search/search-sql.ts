/**
 * The search slice's dialect-specific SQL (ADR 0020 phase 2, step 4): the full-text match.
 * SQLite: the FTS5 table `message_search` (db/migrations/*_message_search.sql), with the filters
 * as `scope` tokens in the MATCH so FTS5 intersects posting lists. PostgreSQL gets its own twin
 * (tsvector + GIN) behind the same interface. Everything else in server/search is neutral Drizzle.
 */
import type { Statement } from 'better-sqlite3';
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { isSqlite } from '../../db/tx.js';
import { toFtsMatch, type SearchTerm } from './query-parser.js';

/** Marks around matched text in snippets: control characters that chat text never needs. */
export const HL_START = '\u0001';
export const HL_END = '\u0002';
const SNIPPET_TOKENS = 24;

/** A full-text search: matches of `terms` among live messages of `roomIds`, newest first. */
export interface TextQuery {
  terms: SearchTerm[];
  roomIds: number[];
  authorIds: number[] | null;
  hasLink: boolean;
  /** Only messages with an id below this (paging). */
  cursor?: number | undefined;
  /** created_at >= since */
  since?: number | undefined;
  /** created_at < until */
  until?: number | undefined;
  limit: number;
}

export interface TextHit {
  id: number;
  roomId: number;
  userId: number;
  createdAt: number;
  editedAt: number | null;
  /** Excerpt with HL_START/HL_END around matched text. */
  snip: string;
}

export interface SearchSql {
  /** Throws `BadTextQuery` when the engine cannot read the match. */
  textHits(q: TextQuery): Promise<TextHit[]>;
}

export class BadTextQuery extends Error {}

/** Pure: "is there a link" in SQL, the same test the FTS5 `haslink` scope token is built with. */
export const HAS_LINK_SQL = `(m.text LIKE '%http://%' OR m.text LIKE '%https://%' OR m.text LIKE '%www.%')`;

/**
 * Pure: the FTS5 MATCH for `terms` (already quoted by toFtsMatch) in the `text` column, limited by
 * `scope` tokens to the given rooms, optionally authors, optionally messages with a link.
 */
export function scopedMatch(terms: string, roomIds: number[], authorIds: number[] | null, hasLink: boolean): string {
  const anyOf = (tokens: string[]) => `scope : (${tokens.map((t) => `"${t}"`).join(' OR ')})`;
  const parts = [`text : (${terms})`, anyOf(roomIds.map((id) => `r${id}`))];
  if (authorIds) parts.push(anyOf(authorIds.map((id) => `u${id}`)));
  if (hasLink) parts.push('scope : "haslink"');
  return parts.join(' AND ');
}

class SqliteSearch implements SearchSql {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Db) {}

  async textHits(q: TextQuery): Promise<TextHit[]> {
    const terms = toFtsMatch(q.terms);
    if (!terms) return [];
    const params: Record<string, unknown> = {
      match: scopedMatch(terms, q.roomIds, q.authorIds, q.hasLink),
      rooms: JSON.stringify(q.roomIds),
      limit: q.limit,
    };
    const where: string[] = ['m.room_id IN (SELECT value FROM json_each(:rooms))', 'm.deleted_at IS NULL'];
    if (q.authorIds) {
      where.push('m.user_id IN (SELECT value FROM json_each(:authors))');
      params.authors = JSON.stringify(q.authorIds);
    }
    if (q.cursor !== undefined) {
      where.push('f.rowid < :cursor');
      params.cursor = q.cursor;
    }
    if (q.since !== undefined) {
      where.push('m.created_at >= :since');
      params.since = q.since;
    }
    if (q.until !== undefined) {
      where.push('m.created_at < :until');
      params.until = q.until;
    }
    if (q.hasLink) where.push(HAS_LINK_SQL);
    // CROSS JOIN keeps FTS5 as the outer loop: it yields matches newest first and the LIMIT stops it early.
    const text = `SELECT m.id AS id, m.room_id AS roomId, m.user_id AS userId, m.created_at AS createdAt, m.edited_at AS editedAt,
                snippet(message_search, 0, char(1), char(2), '…', ${SNIPPET_TOKENS}) AS snip
           FROM message_search f CROSS JOIN messages m ON m.id = f.rowid
          WHERE message_search MATCH :match AND ${where.join(' AND ')}
          ORDER BY f.rowid DESC LIMIT :limit`;
    try {
      return this.statement(text).all(params) as TextHit[];
    } catch (err) {
      // Every term is quoted, so this is a safety net, not a path: never a 500 for a query.
      if (err instanceof Error && /fts5|syntax/i.test(err.message)) throw new BadTextQuery(err.message);
      throw err;
    }
  }

  private statement(text: string): Statement {
    let s = this.statements.get(text);
    if (!s) {
      s = this.db.$client.prepare(text);
      // A handful of shapes (filters on or off): bounded, so the cache never grows past them.
      this.statements.set(text, s);
    }
    return s;
  }
}

/**
 * Pure: the PostgreSQL tsquery text for the terms (all must match). Each term is cut into words
 * (letters and digits only, so nothing in it is tsquery syntax); a word of 2+ characters outside
 * quotes is a prefix (`'wor':*`, like FTS5's `"wor"*`); a quoted phrase is its words in sequence
 * (`<->`). Null when no term has a word.
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

/**
 * PostgreSQL: the GIN expression index of db/migrations-pg/*_message_search.sql
 * (`cr_search_vector(text)`: `simple` configuration over unaccented text, live messages only),
 * matched with `cr_search_query(tsquery text)`; snippets by ts_headline with the same marks.
 */
class PgSearch implements SearchSql {
  constructor(private readonly db: Db) {}

  async textHits(q: TextQuery): Promise<TextHit[]> {
    const tsquery = toTsQuery(q.terms);
    if (!tsquery) return [];
    const where: SQL[] = [
      sql`m.room_id = ANY(${`{${q.roomIds.join(',')}}`}::int[])`,
      sql`m.deleted_at IS NULL`,
      sql`cr_search_vector(m.text) @@ cr_search_query(${tsquery})`,
    ];
    if (q.authorIds) where.push(sql`m.user_id = ANY(${`{${q.authorIds.join(',')}}`}::int[])`);
    if (q.cursor !== undefined) where.push(sql`m.id < ${q.cursor}`);
    if (q.since !== undefined) where.push(sql`m.created_at >= ${q.since}`);
    if (q.until !== undefined) where.push(sql`m.created_at < ${q.until}`);
    if (q.hasLink) where.push(sql.raw(HAS_LINK_SQL));
    const options = `StartSel=${HL_START}, StopSel=${HL_END}, MaxWords=${SNIPPET_TOKENS}, MinWords=8, ShortWord=1, MaxFragments=1, FragmentDelimiter=…`;
    const query = sql`SELECT m.id AS "id", m.room_id AS "roomId", m.user_id AS "userId", m.created_at AS "createdAt", m.edited_at AS "editedAt",
        ts_headline('simple', m.text, cr_search_query(${tsquery}), ${options}) AS "snip"
      FROM messages m WHERE ${sql.join(where, sql` AND `)} ORDER BY m.id DESC LIMIT ${q.limit}`;
    try {
      const result = await (this.db as unknown as { execute(q: SQL): Promise<{ rows: TextHit[] }> }).execute(query);
      return result.rows;
    } catch (err) {
      // 42601: syntax error in the tsquery — a safety net like FTS5's, never a 500 for a query.
      if ((err as { cause?: { code?: string } }).cause?.code === '42601') throw new BadTextQuery((err as Error).message);
      throw err;
    }
  }
}

/** The full-text search of this database's dialect. */
export function searchSql(db: Db): SearchSql {
  return isSqlite(db) ? new SqliteSearch(db) : new PgSearch(db);
}
