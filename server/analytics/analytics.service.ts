import type { Db } from '../../db/client.js';
import type { Analytics, AnalyticsDay } from '../../protocol/analytics.js';
import { addDays, localDay } from '../study/local-time.js';

interface DailyRow {
  day: string;
  dau: number;
  wau: number;
  mau: number;
  signups: number;
  messages: number;
  focus_seconds: number;
  chess_games: number;
  blackjack_rounds: number;
  streams: number;
  watch_minutes: number;
  peak_sockets: number;
  storage_bytes: number | null;
}

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
  private readonly q;

  constructor(
    db: Db,
    private readonly tz: string,
  ) {
    const raw = db.$client;
    this.q = {
      days: raw.prepare<[string, string], DailyRow>('SELECT * FROM analytics_daily WHERE day BETWEEN ? AND ? ORDER BY day'),
      rooms: raw.prepare<[string, string], { roomId: number; name: string | null; messages: number }>(
        `SELECT d.room_id AS roomId, r.name AS name, d.n AS messages FROM
           (SELECT room_id, sum(messages) AS n FROM analytics_room_daily WHERE day BETWEEN ? AND ? GROUP BY room_id ORDER BY n DESC LIMIT 10) d
         LEFT JOIN rooms r ON r.id = d.room_id ORDER BY d.n DESC`,
      ),
      lastRun: raw.prepare<[], { value: string }>("SELECT value FROM analytics_state WHERE key = 'lastRun'"),
    };
  }

  range(days: number, now = Date.now()): Analytics {
    const to = localDay(now, this.tz);
    const from = addDays(to, -(days - 1));
    const rows = new Map(this.q.days.all(from, to).map((r) => [r.day, r]));
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
              focusMinutes: Math.round(r.focus_seconds / 60),
              chessGames: r.chess_games,
              blackjackRounds: r.blackjack_rounds,
              streams: r.streams,
              watchMinutes: r.watch_minutes,
              peakSockets: r.peak_sockets,
              storageBytes: r.storage_bytes,
            }
          : empty(d),
      );
    }
    const last = this.q.lastRun.get();
    return { timeZone: this.tz, from, to, days: out, busiestRooms: this.q.rooms.all(from, to), computedAt: last ? Number(last.value) : null };
  }
}
