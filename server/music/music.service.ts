/**
 * A room's shared Spotify queue and its server-authoritative playback clock (persisted as
 * instants, one timeout per playing room, catch-up at boot), plus "listen together": putting a
 * member's own Spotify (Premium, Spotify Connect device) in step with the room.
 */
import { and, asc, eq, inArray, max, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { first, one } from '../../db/query.js';
import { affectedRows } from '../../db/tx.js';
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
import { EpochFence, FencedError } from '../cluster/epoch-fence.js';
import { AppError } from '../plugins/errors.js';
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';
import { atLeast } from '../rooms/room-channels.js';
import type { PersistedMany, RoomEvents, RoomFact } from '../rooms/room-events.js';
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
  /** Per room: the tail of its chain of state changes, so two never interleave (commands, ticks). */
  private readonly chains = new Map<number, Promise<unknown>>();
  /** Spotify calls cost the whole app's quota: each user gets a modest budget. */
  private readonly addLimiter = new RateLimiter(perWindow(20, 60_000));
  private readonly syncLimiter = new RateLimiter({ capacity: 5, refillPerMs: 1 / 3000 });
  private readonly searchLimiter = new RateLimiter(perWindow(30, 60_000));
  /**
   * Write fence (scale-out, ADR 0032): the epoch of the room's playback row this node raised when
   * it took the room over. Every change of the room's playback or queue requires it, so once
   * another node took over, this one's late writes change nothing.
   */
  readonly fence = new EpochFence((roomId) => this.raiseEpoch(roomId));
  /** Where a failed timer tick is reported (the plugin sets the app logger). */
  onError: (err: unknown, roomId: number) => void = (err, roomId) => process.emitWarning(`music tick for room ${roomId} failed: ${(err as Error).message}`);

  constructor(
    private readonly db: Db,
    private readonly events: RoomEvents,
    private readonly spotify: SpotifyDeps | null,
    /** Members present in the room now (online or idle): the electorate for skip votes. */
    private readonly presentCount: (roomId: number) => number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs `fn` after the room's earlier state changes have finished (one at a time per room). */
  private serial<T>(roomId: number, fn: () => Promise<T>): Promise<T> {
    const before = this.chains.get(roomId) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.chains.set(roomId, tail);
    void tail.then(() => {
      if (this.chains.get(roomId) === tail) this.chains.delete(roomId);
    });
    return run;
  }

  // ---- reading ----

  private async playbackRow(roomId: number): Promise<PlaybackRow | undefined> {
    return first(this.db.select().from(musicPlayback).where(eq(musicPlayback.roomId, roomId)).limit(1));
  }

  private async state(roomId: number): Promise<PlaybackState> {
    return toState(await this.playbackRow(roomId));
  }

  private async itemRows(roomId: number): Promise<ItemRow[]> {
    return this.db.select().from(musicQueueItems).where(eq(musicQueueItems.roomId, roomId)).orderBy(asc(musicQueueItems.position), asc(musicQueueItems.id));
  }

  private async itemRow(roomId: number, itemId: number, db: Db = this.db): Promise<ItemRow | undefined> {
    return first(
      db
        .select()
        .from(musicQueueItems)
        .where(and(eq(musicQueueItems.roomId, roomId), eq(musicQueueItems.id, itemId)))
        .limit(1),
    );
  }

  private async nowPlaying(roomId: number, state: PlaybackState, db: Db = this.db): Promise<NowPlaying | null> {
    if (state.status === 'idle' || state.itemId === null) return null;
    const row = await this.itemRow(roomId, state.itemId, db);
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

  async snapshot(roomId: number): Promise<MusicSnapshot> {
    const state = await this.state(roomId);
    const seq = (await first(this.db.select({ seq: rooms.seq }).from(rooms).where(eq(rooms.id, roomId)).limit(1)))?.seq ?? 0;
    return {
      roomId,
      nowPlaying: await this.nowPlaying(roomId, state),
      queue: (await this.itemRows(roomId)).filter((r) => r.id !== state.itemId).map(toItem),
      serverNow: this.now(),
      seq,
    };
  }

  // ---- writing ----

  /** Raises the room's write fence (creating an idle playback row when there is none); returns the new epoch. */
  private async raiseEpoch(roomId: number): Promise<number> {
    const t = musicPlayback;
    const row = await one(
      this.db
        .insert(t)
        .values({ roomId, itemId: null, status: 'idle', startedAt: null, pausedPositionMs: 0, skipVotes: '[]', updatedAt: this.now(), epoch: 1 })
        .onConflictDoUpdate({ target: t.roomId, set: { epoch: sql`${t.epoch} + 1` } })
        .returning({ epoch: t.epoch }),
    );
    return row.epoch;
  }

  /**
   * Runs a change of the room's playback or queue and numbers its facts in one transaction
   * (RoomEvents.persistMany) that first checks the fence: the playback row must still have the
   * epoch this node holds (on PostgreSQL the check also locks the row, so a takeover waits for this
   * commit). Refused: {@link FencedError}, nothing written or announced, and this node forgets the
   * room. A change that went in is numbered before anything a later owner announces (ADR 0040).
   * One process that never adopted the room writes unconditionally.
   */
  private async fenced<T>(roomId: number, fn: (tx: Db) => Promise<PersistedMany<T>>): Promise<T> {
    try {
      const epoch = await this.fence.epochFor(roomId);
      const out = await this.events.persistMany(roomId, async (tx) => {
        if (epoch !== null) {
          const t = musicPlayback;
          const held = affectedRows(await tx.update(t).set({ epoch }).where(and(eq(t.roomId, roomId), eq(t.epoch, epoch))));
          if (held === 0) throw new FencedError(roomId);
        }
        return fn(tx);
      });
      return out!.value;
    } catch (err) {
      if (err instanceof FencedError) this.forget(roomId);
      throw err;
    }
  }

  private async write(db: Db, roomId: number, s: PlaybackState): Promise<void> {
    const values = { itemId: s.itemId, status: s.status, startedAt: s.startedAt, pausedPositionMs: s.pausedPositionMs, skipVotes: JSON.stringify(s.skipVotes), updatedAt: this.now() };
    await db
      .insert(musicPlayback)
      .values({ roomId, ...values })
      .onConflictDoUpdate({ target: musicPlayback.roomId, set: values });
  }

  /** What plays now, as the room is told (read in the transaction that wrote it). */
  private async playing(tx: Db, roomId: number, s: PlaybackState, by: number | null): Promise<{ fact: RoomFact; np: NowPlaying | null }> {
    const np = await this.nowPlaying(roomId, s, tx);
    return { fact: { event: 'music:playing', fact: { nowPlaying: np, by } }, np };
  }

  /** Persists a new state and tells the room what plays now. */
  private async announce(roomId: number, s: PlaybackState, by: number | null): Promise<NowPlaying | null> {
    const np = await this.fenced(roomId, async (tx) => {
      await this.write(tx, roomId, s);
      const { fact, np } = await this.playing(tx, roomId, s, by);
      return { facts: [fact], value: np };
    });
    await this.schedule(roomId, s);
    return np;
  }

  private async waiting(roomId: number, currentId: number | null): Promise<ItemRow[]> {
    return (await this.itemRows(roomId)).filter((r) => r.id !== currentId);
  }

  /** Starts the first waiting track now (or goes idle). */
  private async startNext(roomId: number, by: number | null): Promise<NowPlaying | null> {
    const next = (await this.waiting(roomId, null))[0];
    return this.announce(roomId, next ? startItem(next.id, this.now()) : IDLE, by);
  }

  private requireSpotify(): SpotifyDeps {
    if (!this.spotify) throw notConfigured();
    return this.spotify;
  }

  /** Adds a track (by id) or a playlist's first tracks; metadata comes from Spotify with the adder's token. */
  async add(roomId: number, userId: number, input: { trackId: string } | { playlist: string }): Promise<QueueItem[]> {
    const { client, accounts } = this.requireSpotify();
    await accounts.require(userId);
    const room = async () => (await this.itemRows(roomId)).length - ((await this.state(roomId)).itemId !== null ? 1 : 0);
    if ((await room()) >= MUSIC_QUEUE_MAX) throw new AppError('CONFLICT', `The queue is full (${MUSIC_QUEUE_MAX} tracks).`);
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
        const limit = Math.min(MUSIC_PLAYLIST_MAX, MUSIC_QUEUE_MAX - (await room()));
        tracks = await accounts.call(userId, 'catalogue', (token) => client.playlistTracks(token, ref.id, limit));
        if (tracks.length === 0) throw new AppError('VALIDATION', 'That playlist has no tracks Spotify lets us play.');
      }
    }
    return this.serial(roomId, async () => {
      // The queue may have filled while Spotify answered.
      tracks = tracks.slice(0, Math.max(0, MUSIC_QUEUE_MAX - (await room())));
      if (tracks.length === 0) throw new AppError('CONFLICT', `The queue is full (${MUSIC_QUEUE_MAX} tracks).`);
      const now = this.now();
      const top = (await first(this.db.select({ p: max(musicQueueItems.position) }).from(musicQueueItems).where(eq(musicQueueItems.roomId, roomId))))?.p ?? 0;
      const items = await this.fenced(roomId, async (tx) => {
        const out: ItemRow[] = [];
        for (const [i, t] of tracks.entries()) {
          out.push(
            await one(
              tx
                .insert(musicQueueItems)
                .values({ roomId, track: JSON.stringify(t), durationMs: t.durationMs, addedBy: userId, position: top + 1 + i, addedAt: now })
                .returning(),
            ),
          );
        }
        const items = out.map(toItem);
        return { facts: [{ event: 'music:queued', fact: { items } }], value: items };
      });
      if ((await this.state(roomId)).status === 'idle') await this.startNext(roomId, userId);
      return items;
    });
  }

  /** Removes a waiting track: one's own, or any for moderators. The playing one is skipped instead. */
  remove(roomId: number, userId: number, role: Role, itemId: number): Promise<void> {
    return this.serial(roomId, async () => {
      const row = await this.itemRow(roomId, itemId);
      if (!row) throw new AppError('NOT_FOUND', 'That track is no longer in the queue.');
      if ((await this.state(roomId)).itemId === itemId) throw new AppError('CONFLICT', 'That track is playing: vote to skip it instead.');
      if (row.addedBy !== userId && !atLeast(role, 'moderator')) throw new AppError('FORBIDDEN', 'You can remove only tracks you added.');
      await this.fenced(roomId, async (tx) => {
        await tx.delete(musicQueueItems).where(eq(musicQueueItems.id, itemId));
        return { facts: [{ event: 'music:removed', fact: { itemId, by: userId } }], value: undefined };
      });
    });
  }

  /** Moderators reorder the waiting tracks. */
  move(roomId: number, userId: number, itemId: number, toIndex: number): Promise<void> {
    return this.serial(roomId, async () => {
      const current = (await this.state(roomId)).itemId;
      const list = await this.waiting(roomId, current);
      const from = list.findIndex((r) => r.id === itemId);
      if (from === -1) throw new AppError(itemId === current ? 'CONFLICT' : 'NOT_FOUND', itemId === current ? 'The playing track cannot be moved.' : 'That track is no longer in the queue.');
      const [moved] = list.splice(from, 1);
      const to = Math.min(toIndex, list.length);
      list.splice(to, 0, moved!);
      await this.fenced(roomId, async (tx) => {
        for (const [i, r] of list.entries()) {
          if (r.position !== i + 1) await tx.update(musicQueueItems).set({ position: i + 1 }).where(eq(musicQueueItems.id, r.id));
        }
        return { facts: [{ event: 'music:moved', fact: { itemId, toIndex: to, by: userId } }], value: undefined };
      });
    });
  }

  private async mayControl(roomId: number, userId: number, role: Role, state: PlaybackState): Promise<boolean> {
    if (atLeast(role, 'moderator')) return true;
    const row = state.itemId !== null ? await this.itemRow(roomId, state.itemId) : undefined;
    return row?.addedBy === userId;
  }

  play(roomId: number, userId: number, role: Role): Promise<NowPlaying | null> {
    return this.serial(roomId, async () => {
      const state = await this.state(roomId);
      if (state.status === 'playing') throw new AppError('CONFLICT', 'The music is already playing.');
      if (state.status === 'idle') {
        if ((await this.waiting(roomId, null)).length === 0) throw new AppError('CONFLICT', 'The queue is empty: add a track first.');
        return this.startNext(roomId, userId);
      }
      if (!(await this.mayControl(roomId, userId, role, state))) throw new AppError('FORBIDDEN', 'Only moderators or whoever added this track can resume it.');
      return this.announce(roomId, resume(state, this.now()), userId);
    });
  }

  pause(roomId: number, userId: number, role: Role): Promise<NowPlaying | null> {
    return this.serial(roomId, async () => {
      const state = await this.state(roomId);
      if (state.status !== 'playing') throw new AppError('CONFLICT', 'Nothing is playing.');
      if (!(await this.mayControl(roomId, userId, role, state))) throw new AppError('FORBIDDEN', 'Only moderators or whoever added this track can pause it.');
      const row = await this.itemRow(roomId, state.itemId!);
      return this.announce(roomId, pause(state, this.now(), row?.durationMs ?? 0), userId);
    });
  }

  /**
   * A vote to skip the playing track. Moderators and the track's adder skip at once; otherwise a
   * majority of the members present now is needed.
   */
  voteSkip(roomId: number, userId: number, role: Role, itemId: number): Promise<{ skipped: boolean; skipVotes: number[]; votesNeeded: number }> {
    return this.serial(roomId, async () => {
      const state = await this.state(roomId);
      if (state.status === 'idle' || state.itemId !== itemId) throw new AppError('CONFLICT', 'That track is not playing any more.');
      const row = await this.itemRow(roomId, itemId);
      const needed = votesNeeded(this.presentCount(roomId));
      const privileged = atLeast(role, 'moderator') ? 'moderator' : row?.addedBy === userId ? 'adder' : null;
      const votes = state.skipVotes.includes(userId) ? state.skipVotes : [...state.skipVotes, userId];
      if (privileged || votes.length >= needed) {
        await this.skip(roomId, itemId, privileged ?? 'votes');
        return { skipped: true, skipVotes: votes, votesNeeded: needed };
      }
      if (votes !== state.skipVotes) {
        const voted = { ...state, skipVotes: votes };
        await this.fenced(roomId, async (tx) => {
          await this.write(tx, roomId, voted);
          return { facts: [{ event: 'music:voted', fact: { itemId, skipVotes: votes, votesNeeded: needed } }], value: undefined };
        });
        await this.schedule(roomId, voted);
      }
      return { skipped: false, skipVotes: votes, votesNeeded: needed };
    });
  }

  private async skip(roomId: number, itemId: number, reason: 'votes' | 'moderator' | 'adder'): Promise<void> {
    // The skipped track leaves the queue in the transaction that starts the next one (one fenced write).
    const next = (await this.waiting(roomId, itemId))[0];
    const state = next ? startItem(next.id, this.now()) : IDLE;
    await this.fenced(roomId, async (tx) => {
      await tx.delete(musicQueueItems).where(eq(musicQueueItems.id, itemId));
      await this.write(tx, roomId, state);
      const { fact } = await this.playing(tx, roomId, state, null);
      return { facts: [{ event: 'music:skipped', fact: { itemId, reason } }, fact], value: undefined };
    });
    await this.schedule(roomId, state);
  }

  // ---- the clock ----

  private async schedule(roomId: number, s: PlaybackState): Promise<void> {
    clearTimeout(this.timeouts.get(roomId));
    this.timeouts.delete(roomId);
    if (s.status !== 'playing' || s.itemId === null) return;
    const row = await this.itemRow(roomId, s.itemId);
    const end = row ? endsAt(s, row.durationMs) : this.now();
    // Tracks are minutes long; setTimeout's ~24.8-day cap is never near.
    const t = setTimeout(
      () =>
        void this.tick(roomId).catch((err: unknown) => {
          // Another node took the room over: its own timer ends the track.
          if (!(err instanceof FencedError)) this.onError(err, roomId);
        }),
      Math.max(0, (end ?? this.now()) - this.now()),
    );
    t.unref();
    // A newer schedule (another change that finished first) wins: this one is dropped.
    clearTimeout(this.timeouts.get(roomId));
    this.timeouts.set(roomId, t);
  }

  /** A track's time ran out (or the server came back): finish it and start what follows. */
  tick(roomId: number): Promise<void> {
    return this.serial(roomId, () => this.tickNow(roomId));
  }

  private async tickNow(roomId: number): Promise<void> {
    const row = await this.playbackRow(roomId);
    if (!row) return;
    const state = toState(row);
    const current = state.itemId !== null ? await this.itemRow(roomId, state.itemId) : undefined;
    const queue = (await this.waiting(roomId, state.itemId)).map((r) => ({ id: r.id, durationMs: r.durationMs }));
    const { state: next, finished, changed } = advance(state, current ? { id: current.id, durationMs: current.durationMs } : null, queue, this.now());
    if (!changed) return this.schedule(roomId, state);
    // Finished tracks leave the queue in the transaction that writes what plays next (one fenced write).
    await this.fenced(roomId, async (tx) => {
      if (finished.length) await tx.delete(musicQueueItems).where(inArray(musicQueueItems.id, finished));
      await this.write(tx, roomId, next);
      // Tracks that played out entirely while the server was down leave the queue too.
      const removed: RoomFact[] = finished.filter((id) => id !== state.itemId).map((itemId) => ({ event: 'music:removed', fact: { itemId, by: null } }));
      const { fact } = await this.playing(tx, roomId, next, null);
      return { facts: [...removed, fact], value: undefined };
    });
    await this.schedule(roomId, next);
  }

  /** At boot: every playing room catches up with the time the server was down. */
  async resumeAll(): Promise<number> {
    const playing = await this.db.select({ roomId: musicPlayback.roomId }).from(musicPlayback).where(eq(musicPlayback.status, 'playing'));
    for (const { roomId } of playing) await this.tick(roomId);
    return playing.length;
  }

  /** Scale-out: rooms whose playback runs (takeover candidates). */
  async liveRoomIds(): Promise<number[]> {
    return (await this.db.select({ roomId: musicPlayback.roomId }).from(musicPlayback).where(eq(musicPlayback.status, 'playing'))).map((r) => r.roomId);
  }

  /**
   * Scale-out: this node became the room's owner. The fence goes up first (the previous owner's
   * late writes are refused from now on; on PostgreSQL this waits for one of theirs in flight),
   * then playback catches up from the rows and the track's end is armed here.
   */
  adoptRoom(roomId: number): Promise<void> {
    return this.serial(roomId, async () => {
      this.forget(roomId);
      await this.fence.adopt(roomId);
      await this.tickNow(roomId);
    });
  }

  /** Scale-out: another node owns the room now; nothing more is written or announced from here. */
  evictRoom(roomId: number): void {
    this.forget(roomId);
  }

  private forget(roomId: number): void {
    clearTimeout(this.timeouts.get(roomId));
    this.timeouts.delete(roomId);
    this.fence.drop(roomId);
  }

  stop(): void {
    for (const t of this.timeouts.values()) clearTimeout(t);
    this.timeouts.clear();
  }

  // ---- Spotify on behalf of one member ----

  async search(userId: number, q: string): Promise<MusicTrack[]> {
    const { client, accounts } = this.requireSpotify();
    await accounts.require(userId);
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
    const account = await accounts.require(userId);
    if (!account.premium) {
      throw new AppError('SPOTIFY_PREMIUM_REQUIRED', 'Playing in sync needs Spotify Premium. You can still follow the queue and open tracks in Spotify.', undefined, 403);
    }
    const wait = this.syncLimiter.hit(`u${userId}`);
    if (wait > 0) throw new AppError('RATE_LIMITED', 'Syncing too often.', wait);
    // Catch up first; on a node that does not own the room (cluster) the owner's own timer does it.
    await this.tick(roomId).catch((err: unknown) => {
      if (!(err instanceof FencedError)) throw err;
    });
    const state = await this.state(roomId);
    const np = await this.nowPlaying(roomId, state);
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
