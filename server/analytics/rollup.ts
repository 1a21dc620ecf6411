/**
 * The daily rollup job behind the admin analytics. Runs at start-up, then every few minutes, and
 * touches only what can still change:
 *
 * - Append-only tables (messages, users, blackjack hands, focus spans) are read past a high-water
 *   mark (their ids) and their counts are added to the days they fall on. Each row is read once,
 *   ever: 10 million messages cost one scan on the first run and nothing after. A mark never
 *   passes a row still being inserted (`settledTops`; on PostgreSQL ids are not visible in order).
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
import { and, between, count, countDistinct, eq, gt, gte, lte, max, min, sql, sum, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { first, one } from '../../db/query.js';
import { isSqlite, transaction } from '../../db/tx.js';
import {
  analyticsDaily,
  analyticsRoomDaily,
  analyticsState,
  blackjackHands,
  chessGames,
  focusSpans,
  messages,
  streamSessions,
  usageSamples,
  userActivityDays,
  users,
} from '../../db/schema/index.js';
import { addDays, localDay, splitByLocalDay, zonedInstant } from '../study/local-time.js';
import { daySql, offsetSegments, type DaySql } from './day-sql.js';

export interface RollupResult {
  from: string;
  to: string;
  /** Rows read past the high-water marks in this run. */
  newRows: number;
  /** Rows were left for the next run (`batch` reached): run again soon. */
  more: boolean;
  ms: number;
}

/** The longest range the analytics page shows (days). */
export const MAX_RANGE_DAYS = 90;

/** Local midnight starting `day` in `tz`. */
export function dayStart(day: string, tz: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return zonedInstant(y, m, d, 0, 0, tz);
}

/** Counters of analytics_daily that append-only tables add to. */
const ADDED = {
  signups: { col: analyticsDaily.signups, name: 'signups' },
  messages: { col: analyticsDaily.messages, name: 'messages' },
  blackjackRounds: { col: analyticsDaily.blackjackRounds, name: 'blackjack_rounds' },
  focusSeconds: { col: analyticsDaily.focusSeconds, name: 'focus_seconds' },
} as const;

type DayCount = { day: string; n: number };

/**
 * How long a run on PostgreSQL waits for the inserts in flight into the append-only tables
 * ({@link RollupJob.settledTops}); past it the high-water marks stay where they are for this run.
 * New inserts queue behind the wait, so it is short.
 */
export const SETTLE_LOCK_MS = 250;

/** The highest id of each append-only table below which every row is committed or rolled back. */
interface Tops {
  messages: number;
  users: number;
  blackjackHands: number;
  focusSpans: number;
}

/** An append-only table read past its high-water mark (ids), with its time column. */
interface Source {
  key: string;
  id: AnyColumn;
  time: AnyColumn;
  table: typeof messages | typeof users | typeof blackjackHands;
}

export class RollupJob {
  private readonly days: DaySql;

  constructor(
    private readonly db: Db,
    private readonly tz: string,
    /** Bytes the instance stores now (database + recordings), for today's row. */
    private readonly storage: () => Promise<number | null> | number | null = () => null,
  ) {
    this.days = daySql(db);
  }

  private async state(db: Db): Promise<Map<string, string>> {
    return new Map((await db.select().from(analyticsState)).map((r) => [r.key, r.value]));
  }

  private async setState(db: Db, key: string, value: string | number): Promise<void> {
    await db
      .insert(analyticsState)
      .values({ key, value: String(value) })
      .onConflictDoUpdate({ target: analyticsState.key, set: { value: String(value) } });
  }

  private async readTops(db: Db): Promise<Tops> {
    const top = async (id: AnyColumn, table: typeof messages | typeof users | typeof blackjackHands | typeof focusSpans) => Number((await first(db.select({ m: max(id) }).from(table)))?.m ?? 0);
    return { messages: await top(messages.id, messages), users: await top(users.id, users), blackjackHands: await top(blackjackHands.id, blackjackHands), focusSpans: await top(focusSpans.id, focusSpans) };
  }

  /**
   * The ids up to which the append-only tables can be read for good (the high-water marks move
   * there and never look back).
   * - SQLite: `max(id)`, read in the run's own transaction: one writer, so a lower id is never
   *   committed after a higher one was read.
   * - PostgreSQL: ids come from sequences when a row is inserted, not when it commits, so a row
   *   with a lower id can become visible after a higher one was read, and would never be counted.
   *   A short transaction takes a SHARE lock on the four tables, which waits for every insert in
   *   flight (each holds ROW EXCLUSIVE until its commit; the sequence value is taken after that
   *   lock), reads the maxima and lets go at once. Not granted within {@link SETTLE_LOCK_MS} (a
   *   stalled writer): `null`, the marks stay for this run.
   */
  async settledTops(): Promise<Tops | null> {
    try {
      return await transaction(this.db, async (tx) => {
        const pg = tx as unknown as { execute(q: SQL): Promise<unknown> };
        await pg.execute(sql.raw(`SET LOCAL lock_timeout = ${SETTLE_LOCK_MS}`));
        await pg.execute(sql`LOCK TABLE ${messages}, ${users}, ${blackjackHands}, ${focusSpans} IN SHARE MODE`);
        return this.readTops(tx);
      });
    } catch (err) {
      // 55P03 lock_not_available (drizzle may wrap the driver's error in `cause`).
      const code = (err as { code?: string }).code ?? (err as { cause?: { code?: string } }).cause?.code;
      if (code === '55P03') return null;
      throw err;
    }
  }

  /** The first day anything happened (first run only). */
  private async earliest(db: Db): Promise<number | null> {
    const [u] = await db.select({ t: min(users.createdAt) }).from(users);
    const [s] = await db.select({ t: min(usageSamples.at) }).from(usageSamples);
    const [st] = await db.select({ t: min(streamSessions.startedAt) }).from(streamSessions);
    const [firstActive] = await db.select({ d: min(userActivityDays.day) }).from(userActivityDays);
    const fromActivity = firstActive?.d ? dayStart(firstActive.d, this.tz) : null;
    const all = [u?.t, s?.t, st?.t, fromActivity].filter((x): x is number => x !== null && x !== undefined).map(Number);
    return all.length ? Math.min(...all) : null;
  }

  /**
   * One run. `batch` caps the rows read past each high-water mark, so a first run over a large
   * history can be spread over several short runs instead of blocking the event loop for seconds.
   */
  async run(now = Date.now(), batch = Infinity): Promise<RollupResult> {
    const started = performance.now();
    const { tz } = this;
    // Read before the transaction: it may touch the file system (WAL size) or the catalogue.
    const bytes = await this.storage();
    const sqlite = isSqlite(this.db);
    const settled = sqlite ? null : await this.settledTops();
    return transaction(this.db, async (db) => {
      // One run at a time across connections and nodes: this upsert holds the row's lock until the
      // commit on PostgreSQL (a second run waits here, then reads what the first one committed);
      // SQLite's write lock already serialises whole transactions. Without it, two runs read the
      // same high-water marks and both add the same rows.
      await this.setState(db, 'lock', now);
      let state = await this.state(db);
      if (state.has('tz') && state.get('tz') !== tz) {
        await db.delete(analyticsDaily);
        await db.delete(analyticsRoomDaily);
        await db.delete(analyticsState);
        state = new Map();
      }
      const today = localDay(now, tz);
      const lastRun = state.has('lastRun') ? Number(state.get('lastRun')) : null;
      const first = lastRun === null ? await this.earliest(db) : null;
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

      for (let d = from; d <= today; d = addDays(d, 1)) await db.insert(analyticsDaily).values({ day: d, computedAt: now }).onConflictDoNothing();

      // ---- append-only tables past their high-water marks, up to the settled ids ----
      const tops = sqlite ? await this.readTops(db) : settled;
      if (tops) await this.addAppended(db, tops, state, now, batch, track);

      // ---- recomputed for the days that can still change ----
      await db.update(analyticsDaily).set({ chessGames: 0, streams: 0, watchMinutes: 0, peakSockets: 0, computedAt: now }).where(gte(analyticsDaily.day, from));
      const segs = offsetSegments(tz, fromMs, now + 1);
      const set = async (column: 'chessGames' | 'streams' | 'watchMinutes' | 'peakSockets', rows: { day: string; n: number | string | null }[]) => {
        for (const r of rows) await db.update(analyticsDaily).set({ [column]: Number(r.n ?? 0) }).where(eq(analyticsDaily.day, r.day));
      };
      const chessDay = this.days.localDay(chessGames.endedAt, segs);
      await set('chessGames', await db.select({ day: chessDay, n: count() }).from(chessGames).where(and(eq(chessGames.status, 'finished'), gte(chessGames.endedAt, fromMs))).groupBy(chessDay));
      const streamDay = this.days.localDay(streamSessions.startedAt, segs);
      await set('streams', await db.select({ day: streamDay, n: count() }).from(streamSessions).where(gte(streamSessions.startedAt, fromMs)).groupBy(streamDay));
      const sampleDay = this.days.localDay(usageSamples.at, segs);
      await set('watchMinutes', await db.select({ day: sampleDay, n: sum(usageSamples.streamViewers) }).from(usageSamples).where(gte(usageSamples.at, fromMs)).groupBy(sampleDay));
      await set('peakSockets', await db.select({ day: sampleDay, n: max(usageSamples.peakSockets) }).from(usageSamples).where(gte(usageSamples.at, fromMs)).groupBy(sampleDay));

      // Weekly and monthly actives are distinct counts over windows: the costly part. Pages show at
      // most 90 days, so a backfill computes them only for those; DAU goes back to the start.
      const windowsFrom = from > addDays(today, -(MAX_RANGE_DAYS - 1)) ? from : addDays(today, -(MAX_RANGE_DAYS - 1));
      const span = async (lo: string, hi: string) => (await one(db.select({ n: countDistinct(userActivityDays.userId) }).from(userActivityDays).where(between(userActivityDays.day, lo, hi)))).n;
      for (let d = from; d <= today; d = addDays(d, 1)) {
        const { n: dau } = await one(db.select({ n: count() }).from(userActivityDays).where(eq(userActivityDays.day, d)));
        await db.update(analyticsDaily).set({ dau }).where(eq(analyticsDaily.day, d));
        if (d >= windowsFrom) await db.update(analyticsDaily).set({ wau: await span(addDays(d, -6), d), mau: await span(addDays(d, -29), d) }).where(eq(analyticsDaily.day, d));
      }
      if (bytes !== null) await db.update(analyticsDaily).set({ storageBytes: bytes }).where(eq(analyticsDaily.day, today));
      await this.setState(db, 'lastRun', now);
      await this.setState(db, 'tz', tz);
      return { from, to: today, newRows, more, ms: performance.now() - started };
    });
  }

  /** The append-only tables read past their high-water marks, each up to its settled id. */
  private async addAppended(db: Db, tops: Tops, state: Map<string, string>, now: number, batch: number, track: (r: { n: number; more: boolean }) => void): Promise<void> {
    track(
      await this.addCounts(db, { key: 'messages', table: messages, id: messages.id, time: messages.createdAt }, tops.messages, state, now, batch, async (range, day) => {
        const rows = await db
          .select({ room: messages.roomId, day, n: count() })
          .from(messages)
          .where(range)
          .groupBy(messages.roomId, day);
        for (const r of rows) {
          await db
            .insert(analyticsRoomDaily)
            .values({ day: r.day, roomId: r.room, messages: r.n })
            .onConflictDoUpdate({ target: [analyticsRoomDaily.day, analyticsRoomDaily.roomId], set: { messages: sql`${analyticsRoomDaily.messages} + excluded.messages` } });
          await this.addTo(db, 'messages', [{ day: r.day, n: r.n }], now);
        }
      }),
    );
    track(
      await this.addCounts(db, { key: 'users', table: users, id: users.id, time: users.createdAt }, tops.users, state, now, batch, async (range, day) => {
        await this.addTo(db, 'signups', await db.select({ day, n: count() }).from(users).where(range).groupBy(day), now);
      }),
    );
    track(
      await this.addCounts(db, { key: 'blackjack_hands', table: blackjackHands, id: blackjackHands.id, time: blackjackHands.createdAt }, tops.blackjackHands, state, now, batch, async (range, day) => {
        // A round's hands are written together when it settles: distinct (room, round) per batch is a round.
        const round = sql`cast(${blackjackHands.roomId} as text) || ':' || cast(${blackjackHands.roundId} as text)`;
        await this.addTo(db, 'blackjackRounds', await db.select({ day, n: countDistinct(round) }).from(blackjackHands).where(range).groupBy(day), now);
      }),
    );
    track(await this.addFocus(db, tops.focusSpans, state, now, batch));
  }

  /** Reads `src` past its high-water mark; `apply` gets the id range and the local-day expression over its time column. */
  private async addCounts(
    db: Db,
    src: Source,
    top: number,
    state: Map<string, string>,
    now: number,
    batch: number,
    apply: (range: SQL, day: SQL<string>) => Promise<void>,
  ): Promise<{ n: number; more: boolean }> {
    const w = Number(state.get(`${src.key}.id`) ?? 0);
    if (top <= w) return { n: 0, more: false };
    const hi = Math.min(top, w + batch);
    const range = and(gt(src.id, w), lte(src.id, hi))!;
    const span = await one(db.select({ lo: min(src.time), hi: max(src.time), n: count() }).from(src.table).where(range));
    // An id range with no rows left (deleted, or ids a sequence skipped) only moves the mark.
    if (span.n > 0) {
      const segs = offsetSegments(this.tz, Number(span.lo), Math.max(Number(span.hi), now) + 1);
      await apply(range, this.days.localDay(src.time, segs));
    }
    await this.setState(db, `${src.key}.id`, hi);
    return { n: span.n, more: hi < top };
  }

  private async addTo(db: Db, counter: keyof typeof ADDED, rows: DayCount[], now: number): Promise<void> {
    const { col, name } = ADDED[counter];
    for (const r of rows) {
      await db
        .insert(analyticsDaily)
        .values({ day: r.day, [counter]: r.n, computedAt: now })
        .onConflictDoUpdate({ target: analyticsDaily.day, set: { [counter]: sql`${col} + excluded.${sql.raw(name)}` } });
    }
  }

  /** Focus spans are written when they end; one may cross midnight, so it is split by local day. */
  private async addFocus(db: Db, top: number, state: Map<string, string>, now: number, batch: number): Promise<{ n: number; more: boolean }> {
    const w = Number(state.get('focus_spans.id') ?? 0);
    if (top <= w) return { n: 0, more: false };
    const hi = Math.min(top, w + batch);
    const range = and(gt(focusSpans.id, w), lte(focusSpans.id, hi));
    const span = await one(db.select({ lo: min(focusSpans.startedAt), hi: max(focusSpans.endedAt), n: count() }).from(focusSpans).where(range));
    if (span.n === 0) {
      await this.setState(db, 'focus_spans.id', hi);
      return { n: 0, more: hi < top };
    }
    const segs = offsetSegments(this.tz, Number(span.lo), Math.max(Number(span.hi), now) + 1);
    const startDay = this.days.localDay(focusSpans.startedAt, segs);
    const endDay = this.days.localDay(sql`(${focusSpans.endedAt} - 1)`, segs);
    const real = and(range, gt(focusSpans.endedAt, focusSpans.startedAt));
    const perDay = new Map<string, number>();
    // Spans within one day are summed in SQL; the few that cross midnight are split here.
    const within = await db
      .select({ day: startDay, ms: sum(sql`${focusSpans.endedAt} - ${focusSpans.startedAt}`) })
      .from(focusSpans)
      .where(and(real, sql`${startDay} = ${endDay}`))
      .groupBy(startDay);
    for (const r of within) perDay.set(r.day, (perDay.get(r.day) ?? 0) + Number(r.ms ?? 0));
    const crossing = await db
      .select({ s: focusSpans.startedAt, e: focusSpans.endedAt })
      .from(focusSpans)
      .where(and(real, sql`${startDay} <> ${endDay}`));
    for (const r of crossing) for (const p of splitByLocalDay(r.s, r.e, this.tz)) perDay.set(p.day, (perDay.get(p.day) ?? 0) + p.ms);
    await this.addTo(db, 'focusSeconds', [...perDay].map(([day, ms]) => ({ day, n: Math.round(ms / 1000) })), now);
    await this.setState(db, 'focus_spans.id', hi);
    return { n: span.n, more: hi < top };
  }
}
