/**
 * The daily rollup job behind the admin analytics. Runs at start-up, then every few minutes, and
 * touches only what can still change:
 *
 * - Append-only tables (messages, users, blackjack hands, focus spans) are read past a high-water
 *   mark (their ids) and their counts are added to the days they fall on. Each row is read once,
 *   ever: 10 million messages cost one scan on the first run and nothing after.
 * - Figures whose rows change or that are windows (finished chess games, streams, samples of
 *   sockets and viewers, DAU/WAU/MAU from `user_activity_days`) are recomputed for the days from
 *   the day before the previous run to today; older days are final.
 * - Storage is a snapshot: today's row gets the current size at each run.
 * - The first run computes windowed figures only for the last 90 days (the longest range shown),
 *   and the server runs the job in batches of rows so a backfill never blocks for long.
 *
 * Days are local days of the instance zone (TIME_ZONE). When the zone changes, the rollups are
 * rebuilt from scratch on the next run.
 */
import type { Db } from '../../db/client.js';
import { addDays, localDay, splitByLocalDay, zonedInstant } from '../study/local-time.js';
import { localDaySql, offsetSegments } from './day-sql.js';

export interface RollupResult {
  from: string;
  to: string;
  /** Rows read past the high-water marks in this run. */
  newRows: number;
  /** Rows were left for the next run (`batch` reached): run again soon. */
  more: boolean;
  ms: number;
}

type Raw = Db['$client'];

/** The longest range the analytics page shows (days). */
export const MAX_RANGE_DAYS = 90;

/** Local midnight starting `day` in `tz`. */
export function dayStart(day: string, tz: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return zonedInstant(y, m, d, 0, 0, tz);
}

export class RollupJob {
  private readonly raw: Raw;

  constructor(
    db: Db,
    private readonly tz: string,
    /** Bytes the instance stores now (database + recordings), for today's row. */
    private readonly storage: () => number | null = () => null,
  ) {
    this.raw = db.$client;
  }

  private state(): Map<string, string> {
    return new Map((this.raw.prepare('SELECT key, value FROM analytics_state').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
  }

  private setState(key: string, value: string | number): void {
    this.raw.prepare('INSERT INTO analytics_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, String(value));
  }

  /** The first day anything happened (first run only). */
  private earliest(): number | null {
    const row = this.raw
      .prepare(
        `SELECT min(t) AS t FROM (
           SELECT min(created_at) AS t FROM users
           UNION ALL SELECT min(at) FROM usage_samples
           UNION ALL SELECT min(started_at) FROM stream_sessions)`,
      )
      .get() as { t: number | null };
    const firstActive = this.raw.prepare('SELECT min(day) AS d FROM user_activity_days').get() as { d: string | null };
    const fromActivity = firstActive.d ? dayStart(firstActive.d, this.tz) : null;
    const all = [row.t, fromActivity].filter((x): x is number => x !== null);
    return all.length ? Math.min(...all) : null;
  }

  /**
   * One run. `batch` caps the rows read past each high-water mark, so a first run over a large
   * history can be spread over several short runs instead of blocking the event loop for seconds.
   */
  run(now = Date.now(), batch = Infinity): RollupResult {
    const started = performance.now();
    const { tz, raw } = this;
    let state = this.state();
    if (state.has('tz') && state.get('tz') !== tz) {
      raw.exec('DELETE FROM analytics_daily; DELETE FROM analytics_room_daily; DELETE FROM analytics_state;');
      state = new Map();
    }
    const today = localDay(now, tz);
    const lastRun = state.has('lastRun') ? Number(state.get('lastRun')) : null;
    const first = lastRun === null ? this.earliest() : null;
    // A first run computes the windowed figures for the days a page can show (90); the counts of
    // append-only tables still cover all history (rows are read once whatever their day).
    const oldest = addDays(today, -(MAX_RANGE_DAYS - 1));
    const firstDay = first !== null ? localDay(Math.min(first, now), tz) : today;
    const from = lastRun !== null ? addDays(localDay(lastRun, tz), -1) : firstDay > oldest ? firstDay : oldest;
    const fromMs = dayStart(from, tz);
    let newRows = 0;
    let more = false;
    const track = (r: { n: number; more: boolean }) => {
      newRows += r.n;
      more ||= r.more;
    };

    raw.transaction(() => {
      const ensure = raw.prepare('INSERT OR IGNORE INTO analytics_daily (day, computed_at) VALUES (?, ?)');
      for (let d = from; d <= today; d = addDays(d, 1)) ensure.run(d, now);

      // ---- append-only tables past their high-water marks ----
      track(this.addCounts('messages', state, now, batch, (day) => `SELECT room_id AS room, ${day} AS day, count(*) AS n FROM messages WHERE id > @w AND id <= @max GROUP BY room_id, day`, (rows) => {
        const room = raw.prepare('INSERT INTO analytics_room_daily (day, room_id, messages) VALUES (?, ?, ?) ON CONFLICT(day, room_id) DO UPDATE SET messages = messages + excluded.messages');
        const daily = raw.prepare(`INSERT INTO analytics_daily (day, messages, computed_at) VALUES (?, ?, ${now}) ON CONFLICT(day) DO UPDATE SET messages = messages + excluded.messages`);
        for (const r of rows) {
          room.run(r.day, r.room, r.n);
          daily.run(r.day, r.n);
        }
      }));
      track(this.addCounts('users', state, now, batch, (day) => `SELECT ${day} AS day, count(*) AS n FROM users WHERE id > @w AND id <= @max GROUP BY day`, (rows) => this.addTo('signups', rows, now)));
      track(this.addCounts(
        'blackjack_hands',
        state,
        now,
        batch,
        // A round's hands are written together when it settles: distinct (room, round) per batch is a round.
        (day) => `SELECT ${day} AS day, count(DISTINCT room_id || ':' || round_id) AS n FROM blackjack_hands WHERE id > @w AND id <= @max GROUP BY day`,
        (rows) => this.addTo('blackjack_rounds', rows, now),
      ));
      track(this.addFocus(state, now, batch));

      // ---- recomputed for the days that can still change ----
      raw.prepare('UPDATE analytics_daily SET chess_games = 0, streams = 0, watch_minutes = 0, peak_sockets = 0, computed_at = ? WHERE day >= ?').run(now, from);
      const segs = offsetSegments(tz, fromMs, now + 1);
      const set = (column: string, sqlText: string) => {
        const upd = raw.prepare(`UPDATE analytics_daily SET ${column} = ? WHERE day = ?`);
        for (const r of raw.prepare(sqlText).all({ from: fromMs }) as { day: string; n: number }[]) upd.run(r.n, r.day);
      };
      set('chess_games', `SELECT ${localDaySql('ended_at', segs)} AS day, count(*) AS n FROM chess_games WHERE status = 'finished' AND ended_at >= @from GROUP BY day`);
      set('streams', `SELECT ${localDaySql('started_at', segs)} AS day, count(*) AS n FROM stream_sessions WHERE started_at >= @from GROUP BY day`);
      set('watch_minutes', `SELECT ${localDaySql('at', segs)} AS day, sum(stream_viewers) AS n FROM usage_samples WHERE at >= @from GROUP BY day`);
      set('peak_sockets', `SELECT ${localDaySql('at', segs)} AS day, max(peak_sockets) AS n FROM usage_samples WHERE at >= @from GROUP BY day`);

      const dau = raw.prepare('SELECT count(*) AS n FROM user_activity_days WHERE day = ?');
      const span = raw.prepare('SELECT count(DISTINCT user_id) AS n FROM user_activity_days WHERE day BETWEEN ? AND ?');
      const updDau = raw.prepare('UPDATE analytics_daily SET dau = ? WHERE day = ?');
      const updWindows = raw.prepare('UPDATE analytics_daily SET wau = ?, mau = ? WHERE day = ?');
      // Weekly and monthly actives are distinct counts over windows: the costly part. Pages show at
      // most 90 days, so a backfill computes them only for those; DAU goes back to the start.
      const windowsFrom = from > addDays(today, -(MAX_RANGE_DAYS - 1)) ? from : addDays(today, -(MAX_RANGE_DAYS - 1));
      const n = (s: { get(...a: unknown[]): unknown }, ...a: unknown[]) => (s.get(...a) as { n: number }).n;
      for (let d = from; d <= today; d = addDays(d, 1)) {
        updDau.run(n(dau, d), d);
        if (d >= windowsFrom) updWindows.run(n(span, addDays(d, -6), d), n(span, addDays(d, -29), d), d);
      }
      const bytes = this.storage();
      if (bytes !== null) raw.prepare('UPDATE analytics_daily SET storage_bytes = ? WHERE day = ?').run(bytes, today);
      this.setState('lastRun', now);
      this.setState('tz', tz);
    })();
    return { from, to: today, newRows, more, ms: performance.now() - started };
  }

  /** Reads `table` past its high-water mark with a local-day expression over `created_at`. */
  private addCounts(table: string, state: Map<string, string>, now: number, batch: number, query: (day: string) => string, apply: (rows: { day: string; n: number; room?: number }[]) => void): { n: number; more: boolean } {
    const w = Number(state.get(`${table}.id`) ?? 0);
    const top = (this.raw.prepare(`SELECT coalesce(max(id), 0) AS m FROM ${table}`).get() as { m: number }).m;
    if (top <= w) return { n: 0, more: false };
    const max = Math.min(top, w + batch);
    const span = this.raw.prepare(`SELECT min(created_at) AS lo, max(created_at) AS hi, count(*) AS n FROM ${table} WHERE id > ? AND id <= ?`).get(w, max) as { lo: number; hi: number; n: number };
    const segs = offsetSegments(this.tz, span.lo, Math.max(span.hi, now) + 1);
    apply(this.raw.prepare(query(localDaySql('created_at', segs))).all({ w, max }) as { day: string; n: number; room?: number }[]);
    this.setState(`${table}.id`, max);
    return { n: span.n, more: max < top };
  }

  private addTo(column: string, rows: { day: string; n: number }[], now: number): void {
    const stmt = this.raw.prepare(`INSERT INTO analytics_daily (day, ${column}, computed_at) VALUES (?, ?, ${now}) ON CONFLICT(day) DO UPDATE SET ${column} = ${column} + excluded.${column}`);
    for (const r of rows) stmt.run(r.day, r.n);
  }

  /** Focus spans are written when they end; one may cross midnight, so it is split by local day. */
  private addFocus(state: Map<string, string>, now: number, batch: number): { n: number; more: boolean } {
    const w = Number(state.get('focus_spans.id') ?? 0);
    const top = (this.raw.prepare('SELECT coalesce(max(id), 0) AS m FROM focus_spans').get() as { m: number }).m;
    if (top <= w) return { n: 0, more: false };
    const max = Math.min(top, w + batch);
    const range = this.raw.prepare('SELECT min(started_at) AS lo, max(ended_at) AS hi, count(*) AS n FROM focus_spans WHERE id > ? AND id <= ?').get(w, max) as { lo: number; hi: number; n: number };
    const segs = offsetSegments(this.tz, range.lo, Math.max(range.hi, now) + 1);
    const startDay = localDaySql('started_at', segs);
    const endDay = localDaySql('last_ms', segs);
    const perDay = new Map<string, number>();
    // Spans within one day are summed in SQL; the few that cross midnight are split here.
    const rows = this.raw
      .prepare(
        `SELECT day, sum(ms) AS ms, 0 AS s, 0 AS e, 0 AS crosses FROM (SELECT ${startDay} AS day, ended_at - started_at AS ms, ${endDay} AS end_day
           FROM (SELECT started_at, ended_at, ended_at - 1 AS last_ms FROM focus_spans WHERE id > @w AND id <= @max AND ended_at > started_at)) WHERE day = end_day GROUP BY day
         UNION ALL
         SELECT NULL, NULL, started_at, ended_at, 1 FROM (SELECT started_at, ended_at, ended_at - 1 AS last_ms FROM focus_spans WHERE id > @w AND id <= @max AND ended_at > started_at)
           WHERE ${startDay} != ${endDay}`,
      )
      .all({ w, max }) as { day: string | null; ms: number | null; s: number; e: number; crosses: number }[];
    for (const r of rows) {
      if (!r.crosses) perDay.set(r.day!, (perDay.get(r.day!) ?? 0) + r.ms!);
      else for (const p of splitByLocalDay(r.s, r.e, this.tz)) perDay.set(p.day, (perDay.get(p.day) ?? 0) + p.ms);
    }
    this.addTo('focus_seconds', [...perDay].map(([day, ms]) => ({ day, n: Math.round(ms / 1000) })), now);
    this.setState('focus_spans.id', max);
    return { n: range.n, more: max < top };
  }
}
