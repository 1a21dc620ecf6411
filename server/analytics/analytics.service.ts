import { between, desc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { first } from '../../db/query.js';
import { analyticsDaily, analyticsRoomDaily, analyticsState, rooms } from '../../db/schema/index.js';
import type { Analytics, AnalyticsDay } from '../../protocol/analytics.js';
import { addDays, localDay } from '../study/local-time.js';

const empty = (day: string): AnalyticsDay => ({
  day,
  dau: 0,
  wau: 0,
  mau: 0,
  signups: 0,
  messages: 0,
  focusMinutes: 0,
  chessGames: 0,
  blackjackRounds: 0,
  streams: 0,
  watchMinutes: 0,
  peakSockets: 0,
  storageBytes: null,
});

/** Reads the rollups only: at most 90 daily rows and one grouped read of rooms' days. */
export class AnalyticsService {
  constructor(
    private readonly db: Db,
    private readonly tz: string,
  ) {}

  async range(days: number, now = Date.now()): Promise<Analytics> {
    const to = localDay(now, this.tz);
    const from = addDays(to, -(days - 1));
    const dailyRows = await this.db.select().from(analyticsDaily).where(between(analyticsDaily.day, from, to)).orderBy(analyticsDaily.day);
    const rows = new Map(dailyRows.map((r) => [r.day, r]));
    const out: AnalyticsDay[] = [];
    for (let d = from; d <= to; d = addDays(d, 1)) {
      const r = rows.get(d);
      out.push(
        r
          ? {
              day: d,
              dau: r.dau,
              wau: r.wau,
              mau: r.mau,
              signups: r.signups,
              messages: r.messages,
              focusMinutes: Math.round(r.focusSeconds / 60),
              chessGames: r.chessGames,
              blackjackRounds: r.blackjackRounds,
              streams: r.streams,
              watchMinutes: r.watchMinutes,
              peakSockets: r.peakSockets,
              storageBytes: r.storageBytes,
            }
          : empty(d),
      );
    }
    const n = sql<number>`sum(${analyticsRoomDaily.messages})`.mapWith(Number);
    const top = this.db
      .select({ roomId: analyticsRoomDaily.roomId, n: n.as('n') })
      .from(analyticsRoomDaily)
      .where(between(analyticsRoomDaily.day, from, to))
      .groupBy(analyticsRoomDaily.roomId)
      .orderBy(desc(n))
      .limit(10)
      .as('d');
    const busiestRooms = await this.db
      .select({ roomId: top.roomId, name: rooms.name, messages: sql<number>`${top.n}`.mapWith(Number) })
      .from(top)
      .leftJoin(rooms, eq(rooms.id, top.roomId))
      .orderBy(desc(top.n));
    const last = await first(this.db.select({ value: analyticsState.value }).from(analyticsState).where(eq(analyticsState.key, 'lastRun')).limit(1));
    return { timeZone: this.tz, from, to, days: out, busiestRooms, computedAt: last ? Number(last.value) : null };
  }
}
