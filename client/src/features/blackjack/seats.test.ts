import { describe, expect, it } from 'vitest';
import { arcPlaces, fanStep, seatName, seatOf } from './seats';

describe('seat layout', () => {
  it('bends seven seats into a smile, first base on the right', () => {
    const p = arcPlaces();
    expect(p).toHaveLength(7);
    expect(p.map((s) => s.column)).toEqual([6, 5, 4, 3, 2, 1, 0]); // seat 0 rightmost
    expect(p[3]).toMatchObject({ drop: 1, tilt: 0 }); // the middle seat is lowest, facing straight up
    expect(p[0]!.drop).toBe(0);
    expect(p[6]!.drop).toBe(0);
    expect(p[1]!.drop).toBeCloseTo(p[5]!.drop);
    expect(p[0]!.tilt).toBe(-12); // the right end turns towards the dealer
    expect(p[6]!.tilt).toBe(12);
    expect(arcPlaces(1)).toEqual([{ seat: 0, column: 0, drop: 1, tilt: 0 }]);
  });

  it('finds my seat and names seats from one', () => {
    expect(seatOf([null, { userId: 4 }, null], 4)).toBe(1);
    expect(seatOf([null, { userId: 4 }], 5)).toBeNull();
    expect(seatOf([{ userId: 4 }], undefined)).toBeNull();
    expect(seatName(0)).toBe('Seat 1');
  });

  it('fans cards tighter as a hand grows, to fit its space', () => {
    expect(fanStep(1)).toBe(0);
    expect(fanStep(2)).toBe(0.42); // natural spacing
    expect(fanStep(6, 2)).toBeCloseTo(0.2); // (2 - 1) / 5
    expect(fanStep(20, 2)).toBe(0.14); // never fully stacked
  });
});
