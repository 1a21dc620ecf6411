import { afterEach, describe, expect, it, vi } from 'vitest';
import { OnlineTracker } from './online.js';

describe('OnlineTracker', () => {
  afterEach(() => vi.useRealTimers());

  it('reports online once for several sockets, offline only after the last one stays away past the grace', () => {
    vi.useFakeTimers();
    const changes: [number, boolean][] = [];
    const t = new OnlineTracker((id, on) => changes.push([id, on]), 1000);
    t.connected(1, 'a');
    t.connected(1, 'b');
    t.disconnected(1, 'a');
    expect(changes).toEqual([[1, true]]);
    t.disconnected(1, 'b');
    expect(t.isOnline(1)).toBe(true);
    vi.advanceTimersByTime(999);
    expect(changes).toEqual([[1, true]]);
    vi.advanceTimersByTime(1);
    expect(changes).toEqual([[1, true], [1, false]]);
    expect(t.isOnline(1)).toBe(false);
  });

  it('a reconnect within the grace does not flap', () => {
    vi.useFakeTimers();
    const changes: [number, boolean][] = [];
    const t = new OnlineTracker((id, on) => changes.push([id, on]), 1000);
    t.connected(2, 'a');
    t.disconnected(2, 'a');
    vi.advanceTimersByTime(500);
    t.connected(2, 'b');
    vi.advanceTimersByTime(5000);
    expect(changes).toEqual([[2, true]]);
    t.dispose();
    t.disconnected(2, 'b');
    vi.advanceTimersByTime(5000);
    expect(changes).toEqual([[2, true]]);
  });
});
