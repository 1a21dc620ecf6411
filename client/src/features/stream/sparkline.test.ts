import { describe, expect, it } from 'vitest';
import { sparkline } from './sparkline';

/** The (x, y) pairs of a path. */
function points(d: string): [number, number][] {
  return [...d.matchAll(/(-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe('sparkline', () => {
  it('puts the maximum at the top and the minimum at the bottom, inside the padding', () => {
    const s = sparkline([0, 5, 10], 100, 20, { pad: 2 });
    expect(points(s.line)).toEqual([
      [0, 18],
      [50, 10],
      [100, 2],
    ]);
    expect(s.lo).toBe(0);
    expect(s.hi).toBe(10);
  });
  it('honours a fixed floor (bitrates from 0)', () => {
    const s = sparkline([50, 100], 10, 10, { min: 0, pad: 0 });
    expect(points(s.line)).toEqual([
      [0, 5],
      [10, 0],
    ]);
  });
  it('clamps values above a fixed ceiling', () => {
    const s = sparkline([0, 2], 10, 10, { min: 0, max: 1, pad: 0 });
    expect(points(s.line)[1]).toEqual([10, 0]);
  });
  it('draws a flat series in the middle', () => {
    const s = sparkline([30, 30, 30], 60, 20);
    expect(points(s.line).every(([, y]) => y === 10)).toBe(true);
  });
  it('right-aligns a short history in a wider capacity', () => {
    const s = sparkline([1, 2], 100, 10, { capacity: 5, pad: 0 });
    expect(points(s.line).map(([x]) => x)).toEqual([75, 100]);
  });
  it('draws a single sample as a short segment', () => {
    const s = sparkline([7], 100, 10, { capacity: 11 });
    expect(points(s.line)).toEqual([
      [90, 5],
      [100, 5],
    ]);
  });
  it('closes the area along the bottom edge', () => {
    const s = sparkline([1, 2], 10, 10, { pad: 0 });
    expect(s.area.endsWith('L 10 10 L 0 10 Z')).toBe(true);
  });
  it('is empty without data and tolerates garbage', () => {
    expect(sparkline([], 100, 10).line).toBe('');
    expect(sparkline([Number.NaN], 100, 10).line).toBe('');
    expect(points(sparkline([Number.NaN, 4, 8], 20, 10, { pad: 0 }).line)[0]).toEqual([0, 10]);
  });
});
