import { aliasedTable, and, desc, eq, exists, gte, inArray, isNull, lt, ne, not, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { messages, roomMembers, rooms, userBlocks, users } from '../../db/schema/index.js';
import type { SearchHit, SearchPage, SnippetSegment } from '../../protocol/search.js';
import { toPublicUser } from '../auth/auth.service.js';
import { AppError } from '../plugins/errors.js';
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';
import { addDays, zonedInstant } from '../study/local-time.js';
import { parseSearchQuery, SearchSyntaxError, type ParsedSearch } from './query-parser.js';
import { BadTextQuery, HL_END, HL_START, searchSql, type SearchSql, type TextHit, type TextQuery } from './search-sql.js';

export { scopedMatch } from './search-sql.js';

const PLAIN_EXCERPT = 160;

interface RoomRow {
  id: number;
  name: string;
}

/** Pure: snippet text with HL_START/HL_END marks to segments (adjacent marks merged). */
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

/**
 * Message search over every room the user is a member of now (DMs are rooms too). Results are
 * newest first and paged by message id, so a page costs the same at any depth: the full-text
 * engine (search-sql.ts) walks its matches from the newest id down and stops once a page is full.
 */
export class SearchService {
  private readonly rate: RateLimiter;
  private readonly text: SearchSql;

  constructor(
    private readonly db: Db,
    ratePer10s: number,
  ) {
    this.rate = new RateLimiter(perWindow(ratePer10s, 10_000));
    this.text = searchSql(db);
  }

  /** The user's rooms; a 1:1 conversation with someone the user blocked is hidden from them (server/dms), so is its text. */
  private myRooms(userId: number): Promise<RoomRow[]> {
    const other = aliasedTable(roomMembers, 'o');
    const blockedOther = this.db
      .select({ one: sql`1` })
      .from(other)
      .innerJoin(userBlocks, and(eq(userBlocks.blockerId, userId), eq(userBlocks.blockedId, other.userId)))
      .where(and(eq(other.roomId, rooms.id), ne(other.userId, userId)));
    return this.db
      .select({ id: rooms.id, name: rooms.name })
      .from(roomMembers)
      .innerJoin(rooms, eq(rooms.id, roomMembers.roomId))
      .where(and(eq(roomMembers.userId, userId), not(and(eq(rooms.kind, 'dm'), exists(blockedOther))!)));
  }

  async search(userId: number, timeZone: string, q: { q: string; cursor?: number; limit: number }): Promise<SearchPage> {
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

    let rooms = await this.myRooms(userId);
    if (parsed.in.length) {
      const wanted = parsed.in.map((v) => v.toLowerCase());
      rooms = rooms.filter((r) => wanted.includes(String(r.id)) || wanted.includes(r.name.toLowerCase()));
    }
    if (!rooms.length) return empty;
    const roomNames = new Map(rooms.map((r) => [r.id, r.name]));

    let authorIds: number[] | null = null;
    if (parsed.from.length) {
      authorIds = (await this.db.select({ id: users.id }).from(users).where(inArray(users.usernameKey, parsed.from))).map((u) => u.id);
      if (!authorIds.length) return empty;
    }

    const filters = {
      roomIds: rooms.map((r) => r.id),
      authorIds,
      hasLink: parsed.has.includes('link'),
      cursor: q.cursor,
      since: parsed.after ? this.dayStart(addDays(parsed.after, 1), timeZone) : undefined,
      until: parsed.before ? this.dayStart(parsed.before, timeZone) : undefined,
      limit: q.limit + 1,
    };
    const fullText = parsed.terms.length > 0;
    let rows: TextHit[];
    try {
      // The filters also go into the full-text match (FTS5 `scope` tokens), so the engine
      // intersects posting lists; the SQL conditions stay as the authority on what may be read.
      rows = fullText ? await this.text.textHits({ terms: parsed.terms, ...filters }) : await this.latest(filters);
    } catch (err) {
      if (err instanceof BadTextQuery) throw new AppError('BAD_QUERY', 'That search cannot be read.');
      throw err;
    }
    const hasMore = rows.length > q.limit;
    const page = rows.slice(0, q.limit);
    const authorRows = page.length ? await this.db.select().from(users).where(inArray(users.id, [...new Set(page.map((r) => r.userId))])) : [];
    const authors = new Map(authorRows.map((u) => [u.id, toPublicUser(u)]));
    const hits: SearchHit[] = page.map((r) => ({
      messageId: r.id,
      roomId: r.roomId,
      roomName: roomNames.get(r.roomId) ?? '',
      author: authors.get(r.userId)!,
      createdAt: r.createdAt,
      editedAt: r.editedAt,
      snippet: fullText ? snippetSegments(r.snip) : [{ text: r.snip.length > PLAIN_EXCERPT ? `${r.snip.slice(0, PLAIN_EXCERPT)}…` : r.snip, hl: false }],
    }));
    return { hits, nextCursor: hasMore ? page.at(-1)!.id : null };
  }

  /** Filters only (no words): the newest live messages that pass them, with a plain excerpt. */
  private latest(f: Omit<TextQuery, 'terms'>): Promise<TextHit[]> {
    const text = sql`lower(${messages.text})`;
    return this.db
      .select({
        id: messages.id,
        roomId: messages.roomId,
        userId: messages.userId,
        createdAt: messages.createdAt,
        editedAt: messages.editedAt,
        snip: sql<string>`substr(${messages.text}, 1, ${PLAIN_EXCERPT + 1})`,
      })
      .from(messages)
      .where(
        and(
          inArray(messages.roomId, f.roomIds),
          isNull(messages.deletedAt),
          f.authorIds ? inArray(messages.userId, f.authorIds) : undefined,
          f.cursor !== undefined ? lt(messages.id, f.cursor) : undefined,
          f.since !== undefined ? gte(messages.createdAt, f.since) : undefined,
          f.until !== undefined ? lt(messages.createdAt, f.until) : undefined,
          // The same test as the FTS5 `haslink` token (LIKE there is ASCII case-insensitive, as lower() here).
          f.hasLink ? or(sql`${text} LIKE '%http://%'`, sql`${text} LIKE '%https://%'`, sql`${text} LIKE '%www.%'`) : undefined,
        ),
      )
      .orderBy(desc(messages.id))
      .limit(f.limit);
  }

  /** Midnight starting `day` in the user's time zone. */
  private dayStart(day: string, timeZone: string): number {
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    return zonedInstant(y, m, d, 0, 0, timeZone);
  }
}
