/**
 * Pure helpers of the music panel: applying the room's music facts to what we show, the playback
 * position from the server's instants, and formatting.
 */
import type { RoomFact } from '@protocol/events.js';
import type { NowPlaying, QueueItem } from '@protocol/music.js';

export interface MusicView {
  nowPlaying: NowPlaying | null;
  queue: QueueItem[];
  /** Room seq of the snapshot or the last fact applied: older facts are already included. */
  seq: number;
}

export type MusicFact =
  | { name: 'music:queued'; fact: RoomFact<'music:queued'> }
  | { name: 'music:removed'; fact: RoomFact<'music:removed'> }
  | { name: 'music:moved'; fact: RoomFact<'music:moved'> }
  | { name: 'music:playing'; fact: RoomFact<'music:playing'> }
  | { name: 'music:voted'; fact: RoomFact<'music:voted'> }
  | { name: 'music:skipped'; fact: RoomFact<'music:skipped'> };

/** The view after one fact (the room store delivers them in order; ones the snapshot covers are skipped). */
export function applyMusicFact(v: MusicView, f: MusicFact): MusicView {
  if (f.fact.seq <= v.seq) return v;
  const seq = f.fact.seq;
  switch (f.name) {
    case 'music:queued': {
      const known = new Set(v.queue.map((i) => i.id));
      return { ...v, seq, queue: [...v.queue, ...f.fact.items.filter((i) => !known.has(i.id))] };
    }
    case 'music:removed':
      return { ...v, seq, queue: v.queue.filter((i) => i.id !== f.fact.itemId) };
    case 'music:moved': {
      const from = v.queue.findIndex((i) => i.id === f.fact.itemId);
      if (from === -1) return { ...v, seq };
      const queue = [...v.queue];
      const [item] = queue.splice(from, 1);
      queue.splice(Math.min(f.fact.toIndex, queue.length), 0, item!);
      return { ...v, seq, queue };
    }
    case 'music:playing': {
      const np = f.fact.nowPlaying;
      const prev = v.nowPlaying?.item.id;
      return { nowPlaying: np, seq, queue: v.queue.filter((i) => i.id !== np?.item.id && i.id !== prev) };
    }
    case 'music:voted': {
      const np = v.nowPlaying;
      if (!np || np.item.id !== f.fact.itemId) return { ...v, seq };
      return { ...v, seq, nowPlaying: { ...np, skipVotes: f.fact.skipVotes, votesNeeded: f.fact.votesNeeded } };
    }
    case 'music:skipped':
      return { ...v, seq };
  }
}

/** Where the room's track is at `serverNow` (ms), clamped to the track. */
export function positionAt(np: NowPlaying, serverNow: number): number {
  const pos = np.status === 'playing' && np.startedAt !== null ? serverNow - np.startedAt : np.positionMs;
  return Math.min(np.item.track.durationMs, Math.max(0, pos));
}

/** "3:07", "1:02:03". */
export function formatTrackTime(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

export const openInSpotify = (trackId: string) => `https://open.spotify.com/track/${encodeURIComponent(trackId)}`;

/** What the page says after Spotify sent the user back (`?spotify=`). */
export function connectOutcomeText(outcome: string): { kind: 'success' | 'error'; text: string } | null {
  switch (outcome) {
    case 'connected':
      return { kind: 'success', text: 'Spotify is connected.' };
    case 'denied':
      return { kind: 'error', text: 'Spotify was not connected: access was not granted.' };
    case 'expired':
      return { kind: 'error', text: 'That Spotify sign-in took too long. Please try again.' };
    case 'failed':
      return { kind: 'error', text: 'Spotify could not be connected. Please try again in a moment.' };
    default:
      return null;
  }
}
