import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PresenceStatus } from '../../protocol/rooms.js';
import { LocalCluster, type Cluster } from './cluster.js';
import { ClusterPresence } from './presence.js';

/**
 * Nodes joined by an in-memory bus with Redis's fan-out semantics (every other node, in order).
 * The real bus is covered by test/cluster; this pins the merge rule of what rooms are told.
 */
function nodes(ids: string[]) {
  const handlers = new Map<string, Map<string, ((p: unknown, from: string) => void)[]>>();
  const announced: { node: string; roomId: number; userId: number; status: PresenceStatus }[] = [];
  const make = (id: string): Cluster => {
    const mine = new Map<string, ((p: unknown, from: string) => void)[]>();
    handlers.set(id, mine);
    return Object.assign(new LocalCluster(id), {
      enabled: true,
      on: (kind: string, fn: (p: unknown, from: string) => void) => mine.set(kind, [...(mine.get(kind) ?? []), fn]),
      broadcast: (kind: string, payload: unknown) => {
        for (const [other, hs] of handlers) if (other !== id) for (const fn of hs.get(kind) ?? []) fn(structuredClone(payload), id);
      },
      nodes: async () => ids,
    });
  };
  const presences = ids.map((id) => new ClusterPresence(make(id), (roomId, userId, status) => announced.push({ node: id, roomId, userId, status }), GRACE_MS));
  return { presences, announced, dispose: () => presences.forEach((p) => p.dispose()) };
}

const GRACE_MS = 60_000;

describe('ClusterPresence: what the room is told', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a second node seeing the user online announces nothing new', () => {
    const { presences: [a, b], announced, dispose } = nodes(['a', 'b']);
    a!.enter(1, 7, 's1');
    b!.enter(1, 7, 's2');
    expect(announced.map((x) => x.status)).toEqual(['online']);
    dispose();
  });

  it('the last online node going away while another sees the user idle makes them idle', () => {
    const { presences: [a, b], announced, dispose } = nodes(['a', 'b']);
    a!.enter(1, 7, 's1', 'idle');
    b!.enter(1, 7, 's2');
    expect(announced.map((x) => x.status)).toEqual(['idle', 'online']);
    // b's last socket leaves; after its grace period the user is idle for the room, not online.
    b!.leave(1, 7, 's2');
    vi.advanceTimersByTime(GRACE_MS + 1);
    expect(announced.map((x) => x.status)).toEqual(['idle', 'online', 'idle']);
    expect(a!.statusOf(1, 7)).toBe('idle');
    expect(b!.statusOf(1, 7)).toBe('idle');
    dispose();
  });

  it('one node of two going idle changes nothing; the online one leaving does', () => {
    const { presences: [a, b], announced, dispose } = nodes(['a', 'b']);
    a!.enter(1, 7, 's1');
    b!.enter(1, 7, 's2');
    a!.setSocketStatus(7, 's1', 'idle');
    expect(announced.map((x) => x.status)).toEqual(['online']);
    b!.drop(1, 7);
    expect(announced.at(-1)?.status).toBe('offline');
    dispose();
  });

  it('a user leaving one node while present on another stays online; leaving the last one goes offline', () => {
    const { presences: [a, b], announced, dispose } = nodes(['a', 'b']);
    a!.enter(1, 7, 's1');
    b!.enter(1, 7, 's2');
    b!.leave(1, 7, 's2');
    vi.advanceTimersByTime(GRACE_MS + 1);
    expect(announced.map((x) => x.status)).toEqual(['online']);
    expect(a!.statusOf(1, 7)).toBe('online');
    a!.leave(1, 7, 's1');
    vi.advanceTimersByTime(GRACE_MS + 1);
    expect(announced.map((x) => x.status)).toEqual(['online', 'offline']);
    expect(b!.statusOf(1, 7)).toBe('offline');
    dispose();
  });
});
