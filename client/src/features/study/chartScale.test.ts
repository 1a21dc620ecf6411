import { describe, expect, it } from 'vitest';
import { formatMinutes, layoutBars, niceMax, tickLabel, ticks } from './chartScale';

describe('focus chart scaling', () => {
  it('rounds the axis up to a readable maximum', () => {
    expect(niceMax(0)).toBe(60);
    expect(niceMax(15)).toBe(20);
    expect(niceMax(21)).toBe(40);
    expect(niceMax(100)).toBe(120);
    expect(niceMax(1500)).toBe(1680);
    expect(ticks(120)).toEqual([0, 30, 60, 90, 120]);
    expect(ticks(360).map(tickLabel)).toEqual(['0m', '1.5h', '3h', '4.5h', '6h']);
    expect(ticks(20).map(tickLabel)).toEqual(['0m', '5m', '10m', '15m', '20m']);
  });

  it('lays out bars proportionally, keeps tiny days visible and empty days flat', () => {
    const { bars, top } = layoutBars(
      [
        { day: 'a', minutes: 0 },
        { day: 'b', minutes: 60 },
        { day: 'c', minutes: 120 },
        { day: 'd', minutes: 0.1 },
      ],
      300,
      100,
      4,
    );
    expect(top).toBe(120);
    expect(bars.map((b) => b.height)).toEqual([0, 50, 100, 2]);
    expect(bars[2]!.y).toBe(0);
    expect(bars[1]!.x).toBeCloseTo(bars[0]!.width + 4);
    expect(bars.at(-1)!.x + bars.at(-1)!.width).toBeCloseTo(300);
  });

  it('formats totals', () => {
    expect(formatMinutes(0)).toBe('0 min');
    expect(formatMinutes(45)).toBe('45 min');
    expect(formatMinutes(60)).toBe('1 h');
    expect(formatMinutes(85)).toBe('1 h 25 min');
  });
});
