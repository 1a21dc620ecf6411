import { describe, expect, it } from 'vitest';
import type { NowPlaying, QueueItem } from '@protocol/music.js';
import { applyMusicFact, connectOutcomeText, formatTrackTime, openInSpotify, positionAt, type MusicView } from './musicQueue';
import { parseSpotifyRef } from '@protocol/music.js';

const item = (id: number, durationMs = 200_000): QueueItem => ({
  id,
  addedBy: 1,
  addedAt: 0,
  track: { id: `t${id}`.padEnd(22, '0'), uri: `spotify:track:t${id}`, title: `Track ${id}`, artists: ['A'], album: 'B', artworkUrl: null, durationMs, explicit: false },
});
const playing = (i: QueueItem, startedAt = 1000): NowPlaying => ({ item: i, status: 'playing', startedAt, positionMs: 0, endsAt: startedAt + i.track.durationMs, skipVotes: [], votesNeeded: 2 });
const base: MusicView = { nowPlaying: playing(item(1)), queue: [item(2), item(3)], seq: 10 };

describe('applyMusicFact', () => {
  it('ignores facts the snapshot already contains', () => {
    expect(applyMusicFact(base, { name: 'music:removed', fact: { roomId: 1, seq: 10, itemId: 2, by: 1 } })).toBe(base);
  });

  it('queues, removes and moves', () => {
    let v = applyMusicFact(base, { name: 'music:queued', fact: { roomId: 1, seq: 11, items: [item(4), item(2)] } });
    expect(v.queue.map((i) => i.id)).toEqual([2, 3, 4]);
    v = applyMusicFact(v, { name: 'music:moved', fact: { roomId: 1, seq: 12, itemId: 4, toIndex: 0, by: 1 } });
    expect(v.queue.map((i) => i.id)).toEqual([4, 2, 3]);
    v = applyMusicFact(v, { name: 'music:removed', fact: { roomId: 1, seq: 13, itemId: 2, by: 1 } });
    expect(v.queue.map((i) => i.id)).toEqual([4, 3]);
    expect(v.seq).toBe(13);
  });

  it('a new track leaves the queue; votes update the playing one', () => {
    let v = applyMusicFact(base, { name: 'music:voted', fact: { roomId: 1, seq: 11, itemId: 1, skipVotes: [5], votesNeeded: 3 } });
    expect(v.nowPlaying).toMatchObject({ skipVotes: [5], votesNeeded: 3 });
    v = applyMusicFact(v, { name: 'music:playing', fact: { roomId: 1, seq: 12, nowPlaying: playing(item(2), 5000), by: null } });
    expect(v.nowPlaying!.item.id).toBe(2);
    expect(v.queue.map((i) => i.id)).toEqual([3]);
    v = applyMusicFact(v, { name: 'music:playing', fact: { roomId: 1, seq: 13, nowPlaying: null, by: null } });
    expect(v.nowPlaying).toBeNull();
  });
});

describe('position and formatting', () => {
  it('derives the position from the start instant, frozen while paused, clamped', () => {
    const np = playing(item(1, 10_000), 1000);
    expect(positionAt(np, 4000)).toBe(3000);
    expect(positionAt(np, 99_000)).toBe(10_000);
    expect(positionAt({ ...np, status: 'paused', startedAt: null, positionMs: 1234 }, 99_000)).toBe(1234);
  });

  it('formats track times and links', () => {
    expect(formatTrackTime(187_400)).toBe('3:07');
    expect(formatTrackTime(3_723_000)).toBe('1:02:03');
    expect(openInSpotify('4uLU6hMCjMI75M1A2tKUQC')).toBe('https://open.spotify.com/track/4uLU6hMCjMI75M1A2tKUQC');
    expect(connectOutcomeText('denied')?.kind).toBe('error');
    expect(connectOutcomeText('nonsense')).toBeNull();
  });

  it('understands pasted Spotify links', () => {
    expect(parseSpotifyRef('https://open.spotify.com/intl-de/track/4uLU6hMCjMI75M1A2tKUQC?si=x')).toEqual({ kind: 'track', id: '4uLU6hMCjMI75M1A2tKUQC' });
    expect(parseSpotifyRef('spotify:playlist:37i9dQZF1DXcBWIGoYBM5M')).toEqual({ kind: 'playlist', id: '37i9dQZF1DXcBWIGoYBM5M' });
    expect(parseSpotifyRef('37i9dQZF1DXcBWIGoYBM5M')).toEqual({ kind: 'playlist', id: '37i9dQZF1DXcBWIGoYBM5M' });
    expect(parseSpotifyRef('https://evil.example/track/4uLU6hMCjMI75M1A2tKUQC')).toBeNull();
    expect(parseSpotifyRef('lofi beats')).toBeNull();
  });
});
