/**
 * What the rollups cannot read from other features' tables, recorded as it happens:
 * - active days: a user is active on a day (instance zone) when they connect a socket or send a
 *   message; one row per user per day, the insert skipped in memory after the first;
 * - a sample a minute: the most sockets connected at once during the minute, and the viewers of
 *   live streams (one viewer-sample = one minute watched);
 * - broadcasts: start and end of each stream that became playable.
 */
import type { Db } from '../../db/client.js';
import { localDay } from '../study/local-time.js';

export class ActivityRecorder {
  private readonly raw: Db['$client'];
  private readonly seen = new Set<number>();
  private seenDay = '';
  private peak = 0;
  private readonly insertDay;
  private readonly insertSample;

  constructor(
    db: Db,
    private readonly tz: string,
    private readonly now: () => number = Date.now,
  ) {
    this.raw = db.$client;
    this.insertDay = this.raw.prepare('INSERT OR IGNORE INTO user_activity_days (day, user_id) VALUES (?, ?)');
    this.insertSample = this.raw.prepare(
      'INSERT INTO usage_samples (at, peak_sockets, stream_viewers) VALUES (?, ?, ?) ON CONFLICT(at) DO UPDATE SET peak_sockets = max(peak_sockets, excluded.peak_sockets), stream_viewers = max(stream_viewers, excluded.stream_viewers)',
    );
  }

  /** The user was active now. At most one write per user per day. */
  active(userId: number): void {
    const day = localDay(this.now(), this.tz);
    if (day !== this.seenDay) {
      this.seen.clear();
      this.seenDay = day;
    }
    if (this.seen.has(userId)) return;
    this.seen.add(userId);
    this.insertDay.run(day, userId);
  }

  /** A socket connected or left: `current` sockets are connected now. */
  sockets(current: number): void {
    if (current > this.peak) this.peak = current;
  }

  /** Writes this minute's sample; `current` sockets are connected now and `viewers` watch live streams. */
  sample(current: number, viewers: number): void {
    const at = Math.floor(this.now() / 60_000) * 60_000;
    this.insertSample.run(at, Math.max(this.peak, current), viewers);
    this.peak = current;
  }

  streamStarted(roomId: number, streamId: string, startedAt: number): void {
    this.raw.prepare('INSERT INTO stream_sessions (room_id, stream_id, started_at) VALUES (?, ?, ?)').run(roomId, streamId, startedAt);
  }

  streamEnded(streamId: string, endedAt: number): void {
    this.raw.prepare('UPDATE stream_sessions SET ended_at = ? WHERE stream_id = ? AND ended_at IS NULL').run(endedAt, streamId);
  }

  /** Rooms with a broadcast in progress (for sampling their viewers). */
  liveRooms(): number[] {
    return (this.raw.prepare('SELECT DISTINCT room_id AS r FROM stream_sessions WHERE ended_at IS NULL').all() as { r: number }[]).map((x) => x.r);
  }

  /** At start-up: broadcasts cannot survive a restart; close the ones left open. */
  closeOpenStreams(): void {
    this.raw.prepare('UPDATE stream_sessions SET ended_at = ? WHERE ended_at IS NULL').run(this.now());
  }
}
