/**
 * The search slice's dialect-specific SQL (ADR 0020 phase 2, step 4): the full-text match.
 * SQLite: the FTS5 table `message_search` (db/migrations/*_message_search.sql), with the filters
 * as `scope` tokens in the MATCH so FTS5 intersects posting lists. PostgreSQL gets its own twin
 * (tsvector + GIN) behind the same interface. Everything else in server/search is neutral Drizzle.
 */
import type { Statement } from 'better-sqlite3';
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

/** The full-text search of this database's dialect. */
export function searchSql(db: Db): SearchSql {
  if (isSqlite(db)) return new SqliteSearch(db);
  throw new Error('Full-text message search on PostgreSQL: not built yet (ADR 0020 phase 2, step 4).');
}
