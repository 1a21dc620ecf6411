import { describe, expect, it } from 'vitest';
import { CALL_CAPACITY } from '../../protocol/calls.js';
import { decideJoin, publicView, type RosterEntry } from './call-roster.js';

const req = (userId: number, over: Partial<Parameters<typeof decideJoin>[1]> = {}) => ({
  roomId: 5,
  userId,
  socketId: `s${userId}`,
  freshPeerId: `r5u${userId}-00000000000000${String(userId).padStart(2, '0')}`,
  muted: false,
  cameraOff: false,
  now: 1000,
  ...over,
});

function rosterOf(n: number): Map<number, RosterEntry> {
  const roster = new Map<number, RosterEntry>();
  for (let u = 1; u <= n; u++) {
    const o = decideJoin(roster, req(u));
    if (o.kind !== 'joined') throw new Error(o.kind);
    roster.set(u, o.entry);
  }
  return roster;
}

describe('call capacity and joining', () => {
  it('admits up to six; the seventh is told the call is full', () => {
    const roster = rosterOf(CALL_CAPACITY - 1);
    expect(decideJoin(roster, req(6)).kind).toBe('joined');
    roster.set(6, (decideJoin(roster, req(6)) as { entry: RosterEntry }).entry);
    expect(roster.size).toBe(6);
    expect(decideJoin(roster, req(7))).toEqual({ kind: 'full' });
  });

  it('someone already in a full call can still rejoin from another tab (it replaces their place)', () => {
    const roster = rosterOf(6);
    const o = decideJoin(roster, req(3, { socketId: 'other-tab', freshPeerId: 'r5u3-ffffffffffffffff' }));
    expect(o).toMatchObject({ kind: 'joined', entry: { peerId: 'r5u3-ffffffffffffffff' }, replaced: { peerId: roster.get(3)!.peerId } });
  });

  it('the same socket asking again, or a reconnect resuming its peer id, refreshes without a change', () => {
    const roster = rosterOf(2);
    expect(decideJoin(roster, req(2))).toMatchObject({ kind: 'refreshed', entry: { peerId: roster.get(2)!.peerId, socketId: 's2' } });
    expect(decideJoin(roster, req(2, { socketId: 'new-socket', peerId: roster.get(2)!.peerId }))).toMatchObject({ kind: 'refreshed', entry: { socketId: 'new-socket' } });
  });

  it('resuming after being dropped keeps the peer id; someone else’s id is refused', () => {
    const roster = rosterOf(1);
    expect(decideJoin(roster, req(2, { peerId: 'r5u2-abcdefabcdefabcd' }))).toMatchObject({ kind: 'joined', entry: { peerId: 'r5u2-abcdefabcdefabcd' } });
    expect(decideJoin(roster, req(2, { peerId: roster.get(1)!.peerId }))).toEqual({ kind: 'bad-peer-id' });
    expect(decideJoin(roster, req(2, { peerId: 'r6u2-abcdefabcdefabcd' }))).toEqual({ kind: 'bad-peer-id' });
  });

  it('others never see the socket id', () => {
    const entry = rosterOf(1).get(1)!;
    expect(publicView(entry)).not.toHaveProperty('socketId');
  });
});
