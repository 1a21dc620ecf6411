/**
 * Pure rules of a room's playback clock, stored as instants like the pomodoro: while playing,
 * position = now - startedAt; while paused the position is frozen. The server advances to the
 * next track when a track's duration has elapsed, catching up on time it was down.
 */
export interface PlaybackState {
  itemId: number | null;
  status: 'idle' | 'playing' | 'paused';
  startedAt: number | null;
  pausedPositionMs: number;
  skipVotes: number[];
}

export interface Playable {
  id: number;
  durationMs: number;
}

export const IDLE: PlaybackState = { itemId: null, status: 'idle', startedAt: null, pausedPositionMs: 0, skipVotes: [] };

export function positionMs(s: PlaybackState, now: number): number {
  if (s.status === 'playing' && s.startedAt !== null) return Math.max(0, now - s.startedAt);
  return s.status === 'paused' ? s.pausedPositionMs : 0;
}

export function endsAt(s: PlaybackState, durationMs: number): number | null {
  return s.status === 'playing' && s.startedAt !== null ? s.startedAt + durationMs : null;
}

export function startItem(itemId: number, at: number): PlaybackState {
  return { itemId, status: 'playing', startedAt: at, pausedPositionMs: 0, skipVotes: [] };
}

export function pause(s: PlaybackState, now: number, durationMs: number): PlaybackState {
  if (s.status !== 'playing') return s;
  return { ...s, status: 'paused', startedAt: null, pausedPositionMs: Math.min(durationMs, positionMs(s, now)) };
}

export function resume(s: PlaybackState, now: number): PlaybackState {
  if (s.status !== 'paused') return s;
  return { ...s, status: 'playing', startedAt: now - s.pausedPositionMs, pausedPositionMs: 0 };
}

/** A majority of the members present now (at least one vote). */
export function votesNeeded(presentCount: number): number {
  return Math.floor(Math.max(1, presentCount) / 2) + 1;
}

/**
 * Tracks whose time has run out are finished; the next one starts at the instant the previous
 * ended (so a restart catches up as if the room had kept playing). `queue` is the waiting tracks in
 * play order, `current` the playing one.
 */
export function advance(
  s: PlaybackState,
  current: Playable | null,
  queue: readonly Playable[],
  now: number,
): { state: PlaybackState; finished: number[]; changed: boolean } {
  const finished: number[] = [];
  let state = s;
  if (state.status === 'playing' && !current) state = IDLE;
  let cur = current;
  let i = 0;
  while (state.status === 'playing' && cur && state.startedAt !== null && now >= state.startedAt + cur.durationMs) {
    finished.push(cur.id);
    const end = state.startedAt + cur.durationMs;
    const next = queue[i++];
    if (!next) {
      state = IDLE;
      cur = null;
      break;
    }
    state = startItem(next.id, end);
    cur = next;
  }
  return { state, finished, changed: state !== s };
}
