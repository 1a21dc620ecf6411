/**
 * What the rollups cannot read from other features' tables, recorded as it happens:
 * - active days: a user is active on a day (instance zone) when they connect a socket or send a
 *   message; one row per user per day, the insert skipped in memory after the first;
 * - a sample a minute: the most sockets connected at once during the minute, and the viewers of
 *   live streams (one viewer-sample = one minute watched);
 * - broadcasts: start and end of each stream that became playable.
 */
import { and, eq, isNull, sql, type AnyColumn } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { streamSessions, usageSamples, userActivityDays } from '../../db/schema/index.js';
import { localDay, nextLocalMidnight } from '../study/local-time.js';

export class ActivityRecorder {
  private readonly seen = new Set<number>();
  /** The local day of `seen`, known to hold for instants in [dayFrom, dayUntil): one Intl call a day, not one per message (issue 18). */
  private seenDay = '';
  private dayFrom = 0;
  private dayUntil = 0;
  private peak = 0;

  constructor(
    private readonly db: Db,
    private readonly tz: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The user was active now. At most one write per user per day. */
  async active(userId: number): Promise<void> {
    const now = this.now();
    if (now < this.dayFrom || now >= this.dayUntil) {
      const day = localDay(now, this.tz);
      this.dayFrom = now;
      this.dayUntil = nextLocalMidnight(now, this.tz);
      if (day !== this.seenDay) {
        this.seen.clear();
        this.seenDay = day;
      }
    }
    if (this.seen.has(userId)) return;
    this.seen.add(userId);
    await this.db.insert(userActivityDays).values({ day: this.seenDay, userId }).onConflictDoNothing();
  }

  /** A socket connected or left: `current` sockets are connected now. */
  sockets(current: number): void {
    if (current > this.peak) this.peak = current;
  }

  /** Writes this minute's sample; `current` sockets are connected now and `viewers` watch live streams. */
  async sample(current: number, viewers: number): Promise<void> {
    const at = Math.floor(this.now() / 60_000) * 60_000;
    const peakSockets = Math.max(this.peak, current);
    this.peak = current;
    const larger = (col: AnyColumn, name: string) => sql`CASE WHEN excluded.${sql.raw(name)} > ${col} THEN excluded.${sql.raw(name)} ELSE ${col} END`;
    await this.db
      .insert(usageSamples)
      .values({ at, peakSockets, streamViewers: viewers })
      .onConflictDoUpdate({
        target: usageSamples.at,
        set: { peakSockets: larger(usageSamples.peakSockets, 'peak_sockets'), streamViewers: larger(usageSamples.streamViewers, 'stream_viewers') },
      });
  }

  /**
   * Broadcast starts and ends are written one after the other, in the order the facts came: the
   * callers do not wait (recording never holds up a fact), and on PostgreSQL two writes in flight
   * run on two pooled connections, so an end could otherwise land before its start and match no
   * row, leaving the broadcast open for ever.
   */
  private streams: Promise<void> = Promise.resolve();
  private inOrder(write: () => Promise<unknown>): Promise<void> {
    const next = this.streams.then(write, write).then(() => undefined);
    this.streams = next.catch(() => undefined);
    return next;
  }

  streamStarted(roomId: number, streamId: string, startedAt: number): Promise<void> {
    return this.inOrder(() => this.db.insert(streamSessions).values({ roomId, streamId, startedAt }));
  }

  streamEnded(streamId: string, endedAt: number): Promise<void> {
    return this.inOrder(() => this.db.update(streamSessions).set({ endedAt }).where(and(eq(streamSessions.streamId, streamId), isNull(streamSessions.endedAt))));
  }

  /** Resolves once the broadcast starts and ends recorded so far are written (tests, shutdown). */
  async settled(): Promise<void> {
    await this.streams;
  }

  /** Rooms with a broadcast in progress (for sampling their viewers). */
  async liveRooms(): Promise<number[]> {
    return (await this.db.selectDistinct({ r: streamSessions.roomId }).from(streamSessions).where(isNull(streamSessions.endedAt))).map((x) => x.r);
  }

  /** At start-up: broadcasts cannot survive a restart; close the ones left open. */
  async closeOpenStreams(): Promise<void> {
    await this.db.update(streamSessions).set({ endedAt: this.now() }).where(isNull(streamSessions.endedAt));
  }
}
