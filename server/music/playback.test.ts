import { describe, expect, it } from 'vitest';
import { IDLE, advance, endsAt, pause, positionMs, resume, startItem, votesNeeded } from './playback.js';

describe('playback clock', () => {
  it('derives the position from the start instant and freezes it while paused', () => {
    const s = startItem(1, 1000);
    expect(positionMs(s, 4000)).toBe(3000);
    expect(endsAt(s, 10_000)).toBe(11_000);
    const p = pause(s, 5000, 10_000);
    expect(p).toMatchObject({ status: 'paused', pausedPositionMs: 4000, startedAt: null });
    expect(positionMs(p, 99_000)).toBe(4000);
    expect(endsAt(p, 10_000)).toBeNull();
    const r = resume(p, 20_000);
    expect(r.startedAt).toBe(16_000);
    expect(positionMs(r, 21_000)).toBe(5000);
    expect(positionMs(IDLE, 5)).toBe(0);
  });

  it('advances to the next track when the duration elapses, catching up several', () => {
    const s = startItem(1, 0);
    const q = [
      { id: 2, durationMs: 100 },
      { id: 3, durationMs: 100 },
    ];
    expect(advance(s, { id: 1, durationMs: 100 }, q, 99).changed).toBe(false);
    const one = advance(s, { id: 1, durationMs: 100 }, q, 150);
    expect(one.finished).toEqual([1]);
    expect(one.state).toMatchObject({ itemId: 2, status: 'playing', startedAt: 100 });
    const all = advance(s, { id: 1, durationMs: 100 }, q, 10_000);
    expect(all.finished).toEqual([1, 2, 3]);
    expect(all.state).toEqual(IDLE);
  });

  it('does not advance a paused track, and clears skip votes on a new track', () => {
    const p = { ...pause(startItem(1, 0), 50, 100), skipVotes: [4] };
    expect(advance(p, { id: 1, durationMs: 100 }, [{ id: 2, durationMs: 100 }], 10_000).changed).toBe(false);
    const next = advance({ ...startItem(1, 0), skipVotes: [4] }, { id: 1, durationMs: 100 }, [{ id: 2, durationMs: 100 }], 100);
    expect(next.state.skipVotes).toEqual([]);
  });

  it('a playing state whose track vanished becomes idle', () => {
    expect(advance(startItem(9, 0), null, [], 1).state).toEqual(IDLE);
  });

  it('needs a majority of those present', () => {
    expect([0, 1, 2, 3, 4, 5].map(votesNeeded)).toEqual([1, 1, 2, 2, 3, 3]);
  });
});
