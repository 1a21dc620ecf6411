/**
 * A room's shared Spotify queue and its server-authoritative playback clock (persisted as
 * instants, one timeout per playing room, catch-up at boot), plus "listen together": putting a
 * member's own Spotify (Premium, Spotify Connect device) in step with the room.
 */
import { and, asc, eq, max, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { musicPlayback, musicQueueItems, rooms } from '../../db/schema/index.js';
import {
  MUSIC_DRIFT_MS,
  MUSIC_PLAYLIST_MAX,
  MUSIC_QUEUE_MAX,
  parseSpotifyRef,
  type MusicSnapshot,
  type MusicSyncResult,
  type MusicTrack,
  type NowPlaying,
  type QueueItem,
} from '../../protocol/music.js';
import type { Role } from '../../protocol/rooms.js';
import { AppError } from '../plugins/errors.js';
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';
import { atLeast } from '../rooms/room-channels.js';
import type { RoomEvents } from '../rooms/room-events.js';
import { IDLE, advance, endsAt, pause, positionMs, resume, startItem, votesNeeded, type PlaybackState } from './playback.js';
import { notConfigured, type SpotifyAccounts } from './spotify-accounts.service.js';
import type { SpotifyClient } from './spotify.client.js';

type ItemRow = typeof musicQueueItems.$inferSelect;
type PlaybackRow = typeof musicPlayback.$inferSelect;

const toItem = (r: ItemRow): QueueItem => ({ id: r.id, track: JSON.parse(r.track) as MusicTrack, addedBy: r.addedBy, addedAt: r.addedAt });

const toState = (r: PlaybackRow | undefined): PlaybackState =>
  r ? { itemId: r.itemId, status: r.status, startedAt: r.startedAt, pausedPositionMs: r.pausedPositionMs, skipVotes: JSON.parse(r.skipVotes) as number[] } : IDLE;

/** Spotify, when the operator configured it. */
export interface SpotifyDeps {
  client: SpotifyClient;
  accounts: SpotifyAccounts;
}

export class MusicService {
  private readonly timeouts = new Map<number, NodeJS.Timeout>();
  /** Spotify calls cost the whole app's quota: each user gets a modest budget. */
  private readonly addLimiter = new RateLimiter(perWindow(20, 60_000));
  private readonly syncLimiter = new RateLimiter({ capacity: 5, refillPerMs: 1 / 3000 });
  private readonly searchLimiter = new RateLimiter(perWindow(30, 60_000));

  constructor(
    private readonly db: Db,
    private readonly events: RoomEvents,
    private readonly spotify: SpotifyDeps | null,
    /** Members present in the room now (online or idle): the electorate for skip votes. */
    private readonly presentCount: (roomId: number) => number,
    private readonly now: () => number = Date.now,
  ) {}

  // ---- reading ----

  private playbackRow(roomId: number): PlaybackRow | undefined {
    return this.db.select().from(musicPlayback).where(eq(musicPlayback.roomId, roomId)).get();
  }

  private itemRows(roomId: number): ItemRow[] {
    return this.db.select().from(musicQueueItems).where(eq(musicQueueItems.roomId, roomId)).orderBy(asc(musicQueueItems.position), asc(musicQueueItems.id)).all();
  }

  private itemRow(roomId: number, itemId: number): ItemRow | undefined {
    return this.db
      .select()
      .from(musicQueueItems)
      .where(and(eq(musicQueueItems.roomId, roomId), eq(musicQueueItems.id, itemId)))
      .get();
  }

  private nowPlaying(roomId: number, state: PlaybackState): NowPlaying | null {
    if (state.status === 'idle' || state.itemId === null) return null;
    const row = this.itemRow(roomId, state.itemId);
    if (!row) return null;
    const now = this.now();
    return {
      item: toItem(row),
      status: state.status,
      startedAt: state.status === 'playing' ? state.startedAt : null,
      positionMs: positionMs(state, now),
      endsAt: endsAt(state, row.durationMs),
      skipVotes: state.skipVotes,
      votesNeeded: votesNeeded(this.presentCount(roomId)),
    };
  }

  snapshot(roomId: number): MusicSnapshot {
    const state = toState(this.playbackRow(roomId));
    const seq = this.db.select({ seq: rooms.seq }).from(rooms).where(eq(rooms.id, roomId)).get()?.seq ?? 0;
    return {
      roomId,
      nowPlaying: this.nowPlaying(roomId, state),
      queue: this.itemRows(roomId)
        .filter((r) => r.id !== state.itemId)
        .map(toItem),
      serverNow: this.now(),
      seq,
    };
  }

  // ---- writing ----

  private save(roomId: number, s: PlaybackState): void {
    const values = { itemId: s.itemId, status: s.status, startedAt: s.startedAt, pausedPositionMs: s.pausedPositionMs, skipVotes: JSON.stringify(s.skipVotes), updatedAt: this.now() };
    this.db
      .insert(musicPlayback)
      .values({ roomId, ...values })
      .onConflictDoUpdate({ target: musicPlayback.roomId, set: values })
      .run();
    this.schedule(roomId, s);
  }

  /** Persists a new state and tells the room what plays now. */
  private announce(roomId: number, s: PlaybackState, by: number | null): NowPlaying | null {
    this.save(roomId, s);
    const np = this.nowPlaying(roomId, s);
    this.events.broadcast(roomId, 'music:playing', { nowPlaying: np, by });
    return np;
  }

  private waiting(roomId: number, currentId: number | null): ItemRow[] {
    return this.itemRows(roomId).filter((r) => r.id !== currentId);
  }

  /** Starts the first waiting track now (or goes idle). */
  private startNext(roomId: number, by: number | null): NowPlaying | null {
    const next = this.waiting(roomId, null)[0];
    return this.announce(roomId, next ? startItem(next.id, this.now()) : IDLE, by);
  }

  private requireSpotify(): SpotifyDeps {
    if (!this.spotify) throw notConfigured();
    return this.spotify;
  }

  /** Adds a track (by id) or a playlist's first tracks; metadata comes from Spotify with the adder's token. */
  async add(roomId: number, userId: number, input: { trackId: string } | { playlist: string }): Promise<QueueItem[]> {
    const { client, accounts } = this.requireSpotify();
    accounts.require(userId);
    const room = () => this.itemRows(roomId).length - (toState(this.playbackRow(roomId)).itemId !== null ? 1 : 0);
    if (room() >= MUSIC_QUEUE_MAX) throw new AppError('CONFLICT', `The queue is full (${MUSIC_QUEUE_MAX} tracks).`);
    const wait = this.addLimiter.hit(`u${userId}`);
    if (wait > 0) throw new AppError('RATE_LIMITED', 'You are adding tracks very fast.', wait);
    let tracks: MusicTrack[];
    if ('trackId' in input) {
      const t = await accounts.call(userId, 'catalogue', (token) => client.track(token, input.trackId));
      if (!t) throw new AppError('VALIDATION', 'That track cannot be played from Spotify (a local file or no longer available).');
      tracks = [t];
    } else {
      const ref = parseSpotifyRef(input.playlist);
      if (!ref) throw new AppError('VALIDATION', 'Paste a Spotify playlist link (open.spotify.com/playlist/…) or a track link.');
      if (ref.kind === 'track') {
        const t = await accounts.call(userId, 'catalogue', (token) => client.track(token, ref.id));
        if (!t) throw new AppError('VALIDATION', 'That track cannot be played from Spotify (a local file or no longer available).');
        tracks = [t];
      } else {
        const limit = Math.min(MUSIC_PLAYLIST_MAX, MUSIC_QUEUE_MAX - room());
        tracks = await accounts.call(userId, 'catalogue', (token) => client.playlistTracks(token, ref.id, limit));
        if (tracks.length === 0) throw new AppError('VALIDATION', 'That playlist has no tracks Spotify lets us play.');
      }
    }
    // The queue may have filled while Spotify answered.
    tracks = tracks.slice(0, Math.max(0, MUSIC_QUEUE_MAX - room()));
    if (tracks.length === 0) throw new AppError('CONFLICT', `The queue is full (${MUSIC_QUEUE_MAX} tracks).`);
    const now = this.now();
    const top = this.db.select({ p: max(musicQueueItems.position) }).from(musicQueueItems).where(eq(musicQueueItems.roomId, roomId)).get()?.p ?? 0;
    const rows = this.db.transaction((tx) =>
      tracks.map((t, i) =>
        tx
          .insert(musicQueueItems)
          .values({ roomId, track: JSON.stringify(t), durationMs: t.durationMs, addedBy: userId, position: top + 1 + i, addedAt: now })
          .returning()
          .get(),
      ),
    );
    const items = rows.map(toItem);
    this.events.broadcast(roomId, 'music:queued', { items });
    if (toState(this.playbackRow(roomId)).status === 'idle') this.startNext(roomId, userId);
    return items;
  }

  /** Removes a waiting track: one's own, or any for moderators. The playing one is skipped instead. */
  remove(roomId: number, userId: number, role: Role, itemId: number): void {
    const row = this.itemRow(roomId, itemId);
    if (!row) throw new AppError('NOT_FOUND', 'That track is no longer in the queue.');
    if (toState(this.playbackRow(roomId)).itemId === itemId) throw new AppError('CONFLICT', 'That track is playing: vote to skip it instead.');
    if (row.addedBy !== userId && !atLeast(role, 'moderator')) throw new AppError('FORBIDDEN', 'You can remove only tracks you added.');
    this.db.delete(musicQueueItems).where(eq(musicQueueItems.id, itemId)).run();
    this.events.broadcast(roomId, 'music:removed', { itemId, by: userId });
  }

  /** Moderators reorder the waiting tracks. */
  move(roomId: number, userId: number, itemId: number, toIndex: number): void {
    const current = toState(this.playbackRow(roomId)).itemId;
    const list = this.waiting(roomId, current);
    const from = list.findIndex((r) => r.id === itemId);
    if (from === -1) throw new AppError(itemId === current ? 'CONFLICT' : 'NOT_FOUND', itemId === current ? 'The playing track cannot be moved.' : 'That track is no longer in the queue.');
    const [moved] = list.splice(from, 1);
    const to = Math.min(toIndex, list.length);
    list.splice(to, 0, moved!);
    this.db.transaction((tx) => {
      list.forEach((r, i) => {
        if (r.position !== i + 1) tx.update(musicQueueItems).set({ position: i + 1 }).where(eq(musicQueueItems.id, r.id)).run();
      });
    });
    this.events.broadcast(roomId, 'music:moved', { itemId, toIndex: to, by: userId });
  }

  private mayControl(roomId: number, userId: number, role: Role, state: PlaybackState): boolean {
    if (atLeast(role, 'moderator')) return true;
    const row = state.itemId !== null ? this.itemRow(roomId, state.itemId) : undefined;
    return row?.addedBy === userId;
  }

  play(roomId: number, userId: number, role: Role): NowPlaying | null {
    const state = toState(this.playbackRow(roomId));
    if (state.status === 'playing') throw new AppError('CONFLICT', 'The music is already playing.');
    if (state.status === 'idle') {
      if (this.waiting(roomId, null).length === 0) throw new AppError('CONFLICT', 'The queue is empty: add a track first.');
      return this.startNext(roomId, userId);
    }
    if (!this.mayControl(roomId, userId, role, state)) throw new AppError('FORBIDDEN', 'Only moderators or whoever added this track can resume it.');
    return this.announce(roomId, resume(state, this.now()), userId);
  }

  pause(roomId: number, userId: number, role: Role): NowPlaying | null {
    const state = toState(this.playbackRow(roomId));
    if (state.status !== 'playing') throw new AppError('CONFLICT', 'Nothing is playing.');
    if (!this.mayControl(roomId, userId, role, state)) throw new AppError('FORBIDDEN', 'Only moderators or whoever added this track can pause it.');
    const row = this.itemRow(roomId, state.itemId!);
    return this.announce(roomId, pause(state, this.now(), row?.durationMs ?? 0), userId);
  }

  /**
   * A vote to skip the playing track. Moderators and the track's adder skip at once; otherwise a
   * majority of the members present now is needed.
   */
  voteSkip(roomId: number, userId: number, role: Role, itemId: number): { skipped: boolean; skipVotes: number[]; votesNeeded: number } {
    const state = toState(this.playbackRow(roomId));
    if (state.status === 'idle' || state.itemId !== itemId) throw new AppError('CONFLICT', 'That track is not playing any more.');
    const row = this.itemRow(roomId, itemId);
    const needed = votesNeeded(this.presentCount(roomId));
    const privileged = atLeast(role, 'moderator') ? 'moderator' : row?.addedBy === userId ? 'adder' : null;
    const votes = state.skipVotes.includes(userId) ? state.skipVotes : [...state.skipVotes, userId];
    if (privileged || votes.length >= needed) {
      this.skip(roomId, itemId, privileged ?? 'votes');
      return { skipped: true, skipVotes: votes, votesNeeded: needed };
    }
    if (votes !== state.skipVotes) {
      this.save(roomId, { ...state, skipVotes: votes });
      this.events.broadcast(roomId, 'music:voted', { itemId, skipVotes: votes, votesNeeded: needed });
    }
    return { skipped: false, skipVotes: votes, votesNeeded: needed };
  }

  private skip(roomId: number, itemId: number, reason: 'votes' | 'moderator' | 'adder'): void {
    this.db.delete(musicQueueItems).where(eq(musicQueueItems.id, itemId)).run();
    this.events.broadcast(roomId, 'music:skipped', { itemId, reason });
    this.startNext(roomId, null);
  }

  // ---- the clock ----

  private schedule(roomId: number, s: PlaybackState): void {
    clearTimeout(this.timeouts.get(roomId));
    this.timeouts.delete(roomId);
    if (s.status !== 'playing' || s.itemId === null) return;
    const row = this.itemRow(roomId, s.itemId);
    const end = row ? endsAt(s, row.durationMs) : this.now();
    // Tracks are minutes long; setTimeout's ~24.8-day cap is never near.
    const t = setTimeout(() => this.tick(roomId), Math.max(0, (end ?? this.now()) - this.now()));
    t.unref();
    this.timeouts.set(roomId, t);
  }

  /** A track's time ran out (or the server came back): finish it and start what follows. */
  tick(roomId: number): void {
    const row = this.playbackRow(roomId);
    if (!row) return;
    const state = toState(row);
    const current = state.itemId !== null ? this.itemRow(roomId, state.itemId) : undefined;
    const queue = this.waiting(roomId, state.itemId).map((r) => ({ id: r.id, durationMs: r.durationMs }));
    const { state: next, finished, changed } = advance(state, current ? { id: current.id, durationMs: current.durationMs } : null, queue, this.now());
    if (!changed) return this.schedule(roomId, state);
    if (finished.length) this.db.delete(musicQueueItems).where(sql`${musicQueueItems.id} IN (${sql.join(finished.map((id) => sql`${id}`), sql`, `)})`).run();
    // Tracks that played out entirely while the server was down leave the queue too.
    for (const itemId of finished.filter((id) => id !== state.itemId)) this.events.broadcast(roomId, 'music:removed', { itemId, by: null });
    this.announce(roomId, next, null);
  }

  /** At boot: every playing room catches up with the time the server was down. */
  resumeAll(): number {
    const playing = this.db.select({ roomId: musicPlayback.roomId }).from(musicPlayback).where(eq(musicPlayback.status, 'playing')).all();
    for (const { roomId } of playing) this.tick(roomId);
    return playing.length;
  }

  /** Scale-out: rooms whose playback runs (takeover candidates). */
  liveRoomIds(): number[] {
    return this.db.select({ roomId: musicPlayback.roomId }).from(musicPlayback).where(eq(musicPlayback.status, 'playing')).all().map((r) => r.roomId);
  }

  /** Scale-out: another node owns the room now. */
  evictRoom(roomId: number): void {
    clearTimeout(this.timeouts.get(roomId));
    this.timeouts.delete(roomId);
  }

  stop(): void {
    for (const t of this.timeouts.values()) clearTimeout(t);
    this.timeouts.clear();
  }

  // ---- Spotify on behalf of one member ----

  async search(userId: number, q: string): Promise<MusicTrack[]> {
    const { client, accounts } = this.requireSpotify();
    accounts.require(userId);
    const wait = this.searchLimiter.hit(`u${userId}`);
    if (wait > 0) throw new AppError('RATE_LIMITED', 'Searching too fast.', wait);
    return accounts.call(userId, 'catalogue', (token) => client.searchTracks(token, q, 10));
  }

  /**
   * Listen together: puts the member's own Spotify (their active device) where the room is.
   * `check` first asks Spotify what plays and only corrects a drift over {@link MUSIC_DRIFT_MS}.
   */
  async sync(roomId: number, userId: number, mode: 'force' | 'check'): Promise<MusicSyncResult> {
    const { client, accounts } = this.requireSpotify();
    const account = accounts.require(userId);
    if (!account.premium) {
      throw new AppError('SPOTIFY_PREMIUM_REQUIRED', 'Playing in sync needs Spotify Premium. You can still follow the queue and open tracks in Spotify.', undefined, 403);
    }
    const wait = this.syncLimiter.hit(`u${userId}`);
    if (wait > 0) throw new AppError('RATE_LIMITED', 'Syncing too often.', wait);
    this.tick(roomId);
    const state = toState(this.playbackRow(roomId));
    const np = this.nowPlaying(roomId, state);
    if (!np) return { action: 'idle', trackId: null, positionMs: null, driftMs: null };
    if (np.status === 'paused') {
      // Checking while paused costs a call for nothing: only an explicit sync pauses their Spotify.
      if (mode === 'check') return { action: 'paused', trackId: np.item.track.id, positionMs: np.positionMs, driftMs: null };
      await accounts.call(userId, 'player', (token) => client.pause(token)).catch((err: unknown) => {
        // Nothing playing on their side (no device, already paused) is what we wanted anyway.
        if (!(err instanceof AppError) || !['SPOTIFY_NO_DEVICE', 'CONFLICT'].includes(err.code)) throw err;
      });
      return { action: 'paused', trackId: np.item.track.id, positionMs: np.positionMs, driftMs: null };
    }
    const startedAt = np.startedAt!;
    let driftMs: number | null = null;
    if (mode === 'check') {
      const player = await accounts.call(userId, 'player', (token) => client.currentlyPlaying(token));
      const expected = this.now() - startedAt;
      if (player && player.trackId === np.item.track.id) {
        driftMs = player.progressMs - expected;
        if (player.isPlaying && Math.abs(driftMs) <= MUSIC_DRIFT_MS) return { action: 'in-sync', trackId: np.item.track.id, positionMs: expected, driftMs };
      }
    }
    let position = 0;
    await accounts.call(userId, 'player', (token) => {
      position = Math.min(np.item.track.durationMs, this.now() - startedAt);
      return client.play(token, np.item.track.uri, position);
    });
    return { action: 'played', trackId: np.item.track.id, positionMs: position, driftMs };
  }
}
