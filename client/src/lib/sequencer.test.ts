import { describe, expect, it } from 'vitest';
import { RoomSequencer, checkSeq } from './sequencer';

const f = (seq: number) => ({ seq, name: `f${seq}` });

describe('checkSeq', () => {
  it('applies the next number, drops old ones, flags jumps', () => {
    expect(checkSeq(4, 5)).toBe('apply');
    expect(checkSeq(4, 4)).toBe('stale');
    expect(checkSeq(4, 2)).toBe('stale');
    expect(checkSeq(4, 6)).toBe('gap');
  });
});

describe('RoomSequencer', () => {
  it('holds facts until the first snapshot, then replays only the newer ones in order', () => {
    const s = new RoomSequencer<ReturnType<typeof f>>();
    expect(s.receive(f(12))).toBe('held');
    expect(s.receive(f(11))).toBe('held');
    expect(s.receive(f(10))).toBe('held');
    const { apply, gap } = s.snapshot(10);
    expect(gap).toBe(false);
    expect(apply.map((x) => x.seq)).toEqual([11, 12]);
    expect(s.lastSeq).toBe(12);
    expect(s.receive(f(13))).toBe('apply');
  });

  it('drops a duplicate (a replay after recovery) and asks for a snapshot on a gap', () => {
    const s = new RoomSequencer<ReturnType<typeof f>>();
    s.snapshot(3);
    expect(s.receive(f(4))).toBe('apply');
    expect(s.receive(f(4))).toBe('stale');
    expect(s.receive(f(7))).toBe('gap');
    expect(s.waiting).toBe(true);
    // Facts that arrive while the snapshot is on its way are held, not lost.
    expect(s.receive(f(8))).toBe('held');
    expect(s.snapshot(7).apply.map((x) => x.seq)).toEqual([8]);
  });

  it('reports a gap inside the held facts', () => {
    const s = new RoomSequencer<ReturnType<typeof f>>();
    s.receive(f(6));
    s.receive(f(9));
    const r = s.snapshot(5);
    expect(r.apply.map((x) => x.seq)).toEqual([6]);
    expect(r.gap).toBe(true);
    expect(s.waiting).toBe(true);
  });

  it('forgets held facts on reset', () => {
    const s = new RoomSequencer<ReturnType<typeof f>>();
    s.receive(f(2));
    s.reset();
    expect(s.snapshot(0).apply).toEqual([]);
  });
});
