import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PresenceService, combinedStatus } from './presence.service.js';

describe('combinedStatus', () => {
  it('is online if any socket is online, idle if all idle, offline with none', () => {
    expect(combinedStatus(['idle', 'online'])).toBe('online');
    expect(combinedStatus(['idle', 'idle'])).toBe('idle');
    expect(combinedStatus([])).toBe('offline');
  });
});

describe('PresenceService', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('does not flap when a socket reconnects within the grace period', () => {
    const changes: string[] = [];
    const p = new PresenceService((r, u, s) => changes.push(`${r}:${u}:${s}`), 5000);
    p.enter(1, 7, 'a');
    p.leave(1, 7, 'a');
    vi.advanceTimersByTime(3000);
    p.enter(1, 7, 'b');
    vi.advanceTimersByTime(10_000);
    expect(changes).toEqual(['1:7:online']);
    expect(p.statusOf(1, 7)).toBe('online');
  });

  it('goes offline after the grace period and reports idle when all sockets are idle', () => {
    const changes: string[] = [];
    const p = new PresenceService((r, u, s) => changes.push(`${u}:${s}`), 5000);
    p.enter(1, 7, 'a');
    p.enter(1, 7, 'b');
    p.setSocketStatus(7, 'a', 'idle');
    p.setSocketStatus(7, 'b', 'idle');
    p.leave(1, 7, 'a');
    p.leave(1, 7, 'b');
    expect(p.onlineCount(1)).toBe(1);
    vi.advanceTimersByTime(5000);
    expect(changes).toEqual(['7:online', '7:idle', '7:offline']);
    expect(p.onlineCount(1)).toBe(0);
  });
});

describe('PresenceService.dispose', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  // Regression: a grace timer fired after shutdown and broadcast into a closed database.
  it('cancels pending offline changes and ignores later leaves', () => {
    const changes: string[] = [];
    const p = new PresenceService((r, u, s) => changes.push(`${u}:${s}`), 5000);
    p.enter(1, 7, 'a');
    p.enter(1, 8, 'b');
    p.leave(1, 7, 'a');
    p.dispose();
    p.leave(1, 8, 'b');
    vi.advanceTimersByTime(10_000);
    expect(changes).toEqual(['7:online', '8:online']);
  });
});
