import type { Statement } from 'better-sqlite3';
import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { users } from '../../db/schema/index.js';
import type { SearchHit, SearchPage, SnippetSegment } from '../../protocol/search.js';
import { toPublicUser } from '../auth/auth.service.js';
import { AppError } from '../plugins/errors.js';
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';
import { addDays, zonedInstant } from '../study/local-time.js';
import { parseSearchQuery, SearchSyntaxError, toFtsMatch, type ParsedSearch } from './query-parser.js';

/** Marks around matched text in FTS5 snippets: control characters that chat text never needs. */
const HL_START = '\u0001';
const HL_END = '\u0002';
const SNIPPET_TOKENS = 24;
const PLAIN_EXCERPT = 160;

/** Pure: FTS5 snippet text with HL_START/HL_END marks to segments (adjacent marks merged). */
export function snippetSegments(marked: string): SnippetSegment[] {
  const out: SnippetSegment[] = [];
  let hl = false;
  let buf = '';
  const flush = () => {
    if (!buf) return;
    const last = out.at(-1);
    if (last && last.hl === hl) last.text += buf;
    else out.push({ text: buf, hl });
    buf = '';
  };
  for (const ch of marked) {
    if (ch === HL_START || ch === HL_END) {
      flush();
      hl = ch === HL_START;
    } else buf += ch;
  }
  flush();
  return out;
}

/** Pure: "is there a link" in SQL, kept in one place so has:link means the same everywhere. */
const HAS_LINK_SQL = `(m.text LIKE '%http://%' OR m.text LIKE '%https://%' OR m.text LIKE '%www.%')`;

interface HitRow {
  id: number;
  roomId: number;
  userId: number;
  createdAt: number;
  editedAt: number | null;
  snip: string;
}

interface RoomRow {
  id: number;
  name: string;
}

/**
 * Message search over every room the user is a member of now (DMs are rooms too). Results are
 * newest first and paged by message id, so a page costs the same at any depth: FTS5 walks its
 * matches from the newest rowid down and stops once a page is full.
 */
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

export class SearchService {
  private readonly statements = new Map<string, Statement>();
  private readonly myRooms: Statement<[{ userId: number }], RoomRow>;
  private readonly rate: RateLimiter;

  constructor(
    private readonly db: Db,
    ratePer10s: number,
  ) {
    this.rate = new RateLimiter(perWindow(ratePer10s, 10_000));
    this.myRooms = db.$client.prepare(
      // A 1:1 conversation with someone the user blocked is hidden from them (server/dms), so is its text.
      `SELECT r.id AS id, r.name AS name FROM room_members rm JOIN rooms r ON r.id = rm.room_id
       WHERE rm.user_id = @userId
         AND NOT (r.kind = 'dm' AND EXISTS (
           SELECT 1 FROM room_members o JOIN user_blocks b ON b.blocker_id = @userId AND b.blocked_id = o.user_id
           WHERE o.room_id = r.id AND o.user_id <> @userId))`,
    ) as Statement<[{ userId: number }], RoomRow>;
  }

  search(userId: number, timeZone: string, q: { q: string; cursor?: number; limit: number }): SearchPage {
    this.rate.enforce(`u${userId}`, 'You are searching too fast.');
    let parsed: ParsedSearch;
    try {
      parsed = parseSearchQuery(q.q);
    } catch (err) {
      if (err instanceof SearchSyntaxError) throw new AppError('BAD_QUERY', err.message);
      throw err;
    }
    const empty: SearchPage = { hits: [], nextCursor: null };
    // No message has a file yet: has:file matches nothing until attachments exist.
    if (parsed.has.includes('file')) return empty;

    let rooms = this.myRooms.all({ userId });
    if (parsed.in.length) {
      const wanted = parsed.in.map((v) => v.toLowerCase());
      rooms = rooms.filter((r) => wanted.includes(String(r.id)) || wanted.includes(r.name.toLowerCase()));
    }
    if (!rooms.length) return empty;
    const roomNames = new Map(rooms.map((r) => [r.id, r.name]));

    let authorIds: number[] | null = null;
    if (parsed.from.length) {
      authorIds = this.db.select({ id: users.id }).from(users).where(inArray(users.usernameKey, parsed.from)).all().map((u) => u.id);
      if (!authorIds.length) return empty;
    }

    const terms = toFtsMatch(parsed.terms);
    // The filters go into the MATCH as `scope` tokens, so FTS5 intersects posting lists (the SQL
    // conditions below stay as the authority on what may be read).
    const match = terms ? scopedMatch(terms, rooms.map((r) => r.id), authorIds, parsed.has.includes('link')) : null;
    const params: Record<string, unknown> = { rooms: JSON.stringify(rooms.map((r) => r.id)), limit: q.limit + 1 };
    const where: string[] = ['m.room_id IN (SELECT value FROM json_each(:rooms))', 'm.deleted_at IS NULL'];
    const idCol = match ? 'f.rowid' : 'm.id';
    if (match) params.match = match;
    if (authorIds) {
      where.push('m.user_id IN (SELECT value FROM json_each(:authors))');
      params.authors = JSON.stringify(authorIds);
    }
    if (q.cursor !== undefined) {
      where.push(`${idCol} < :cursor`);
      params.cursor = q.cursor;
    }
    if (parsed.after) {
      where.push('m.created_at >= :since');
      params.since = this.dayStart(addDays(parsed.after, 1), timeZone);
    }
    if (parsed.before) {
      where.push('m.created_at < :until');
      params.until = this.dayStart(parsed.before, timeZone);
    }
    if (parsed.has.includes('link')) where.push(HAS_LINK_SQL);

    const sql = match
      ? // CROSS JOIN keeps FTS5 as the outer loop: it yields matches newest first and the LIMIT stops it early.
        `SELECT m.id AS id, m.room_id AS roomId, m.user_id AS userId, m.created_at AS createdAt, m.edited_at AS editedAt,
                snippet(message_search, 0, char(1), char(2), '…', ${SNIPPET_TOKENS}) AS snip
           FROM message_search f CROSS JOIN messages m ON m.id = f.rowid
          WHERE message_search MATCH :match AND ${where.join(' AND ')}
          ORDER BY f.rowid DESC LIMIT :limit`
      : `SELECT m.id AS id, m.room_id AS roomId, m.user_id AS userId, m.created_at AS createdAt, m.edited_at AS editedAt,
                substr(m.text, 1, ${PLAIN_EXCERPT + 1}) AS snip
           FROM messages m
          WHERE ${where.join(' AND ')}
          ORDER BY m.id DESC LIMIT :limit`;

    let rows: HitRow[];
    try {
      rows = this.statement(sql).all(params) as HitRow[];
    } catch (err) {
      // Every term is quoted, so this is a safety net, not a path: never a 500 for a query.
      if (err instanceof Error && /fts5|syntax/i.test(err.message)) throw new AppError('BAD_QUERY', 'That search cannot be read.');
      throw err;
    }
    const hasMore = rows.length > q.limit;
    const page = rows.slice(0, q.limit);
    const authorRows = page.length ? this.db.select().from(users).where(inArray(users.id, [...new Set(page.map((r) => r.userId))])).all() : [];
    const authors = new Map(authorRows.map((u) => [u.id, toPublicUser(u)]));
    const hits: SearchHit[] = page.map((r) => ({
      messageId: r.id,
      roomId: r.roomId,
      roomName: roomNames.get(r.roomId) ?? '',
      author: authors.get(r.userId)!,
      createdAt: r.createdAt,
      editedAt: r.editedAt,
      snippet: match ? snippetSegments(r.snip) : [{ text: r.snip.length > PLAIN_EXCERPT ? `${r.snip.slice(0, PLAIN_EXCERPT)}…` : r.snip, hl: false }],
    }));
    return { hits, nextCursor: hasMore ? page.at(-1)!.id : null };
  }

  /** Midnight starting `day` in the user's time zone. */
  private dayStart(day: string, timeZone: string): number {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    return zonedInstant(y, m, d, 0, 0, timeZone);
  }

  private statement(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.$client.prepare(sql);
      // A handful of shapes (filters on or off): bounded, so the cache never grows past them.
      this.statements.set(sql, s);
    }
    return s;
  }
}
