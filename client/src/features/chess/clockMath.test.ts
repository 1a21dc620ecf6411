import { describe, expect, it } from 'vitest';
import { formatClock, lagEstimate, liveClock, nextRedrawMs, spokenClock } from './clockMath';

const clock = { initialMs: 180_000, incrementMs: 2000, white: 150_000, black: 170_000, running: 'b' as const, at: 1_000_000 };

describe('clock math', () => {
  it('runs only the side to move, from the server instant of the reading', () => {
    expect(liveClock(clock, 1_000_000)).toEqual({ w: 150_000, b: 170_000 });
    expect(liveClock(clock, 1_004_500)).toEqual({ w: 150_000, b: 165_500 });
    // A reading slightly in the future (clock offset noise) never adds time.
    expect(liveClock(clock, 999_000)).toEqual({ w: 150_000, b: 170_000 });
    expect(liveClock({ ...clock, running: null }, 2_000_000)).toEqual({ w: 150_000, b: 170_000 });
    expect(liveClock(clock, 9_000_000).b).toBe(0);
  });

  it('formats like a chess clock', () => {
    expect(formatClock(300_000)).toBe('5:00');
    expect(formatClock(65_999)).toBe('1:05');
    expect(formatClock(10_000)).toBe('0:10');
    expect(formatClock(9_999)).toBe('0:09.9');
    expect(formatClock(450)).toBe('0:00.4');
    expect(formatClock(-5)).toBe('0:00.0');
    expect(formatClock(3_723_000)).toBe('1:02:03');
    expect(spokenClock(245_000)).toBe('4 minutes 5 seconds');
    expect(spokenClock(1_000)).toBe('1 second');
  });

  it('redraws when the face changes', () => {
    expect(nextRedrawMs(5_250)).toBe(51);
    expect(nextRedrawMs(60_250)).toBe(251);
    expect(nextRedrawMs(0)).toBe(1000);
  });

  it('reports half the median round trip as lag, bounded', () => {
    expect(lagEstimate([])).toBe(0);
    expect(lagEstimate([40, 60, 2000])).toBe(30);
    expect(lagEstimate([40, 60])).toBe(25);
    expect(lagEstimate([5000, 6000])).toBe(500);
    expect(lagEstimate([Number.NaN, -3, 20])).toBe(10);
  });
});
