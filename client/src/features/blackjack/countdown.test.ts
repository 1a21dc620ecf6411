import { describe, expect, it } from 'vitest';
import { bestOffset } from '../../lib/clock';
import { countdown, phaseLengthMs, ringAnimation, sampleOf } from './countdown';

const rules = { betSeconds: 15, insuranceSeconds: 10, turnSeconds: 20 };

describe('countdown', () => {
  it('knows how long each timer runs', () => {
    expect(phaseLengthMs('betting', rules)).toBe(15_000);
    expect(phaseLengthMs('insurance', rules)).toBe(10_000);
    expect(phaseLengthMs('playing', rules)).toBe(20_000);
    expect(phaseLengthMs('idle', rules)).toBe(0);
  });

  it('counts down on the server clock, rounding seconds up', () => {
    expect(countdown(null, 0, 1000)).toBeNull();
    expect(countdown(20_000, 5_000, 15_000)).toEqual({ remainingMs: 15_000, seconds: 15, fraction: 1, urgent: false });
    expect(countdown(20_000, 15_500, 15_000)).toMatchObject({ seconds: 5, urgent: true });
    expect(countdown(20_000, 19_999, 15_000)!.seconds).toBe(1);
    expect(countdown(20_000, 25_000, 15_000)).toMatchObject({ remainingMs: 0, seconds: 0, fraction: 0 });
  });

  it('starts the ring part way with a negative delay', () => {
    expect(ringAnimation(20_000, 10_000, 20_000)).toEqual({ durationMs: 20_000, delayMs: -10_000 });
    // A deadline further away than the nominal length (a clock step) never gives a positive delay.
    expect(ringAnimation(50_000, 10_000, 20_000).delayMs).toBeLessThanOrEqual(0);
  });

  it('estimates the server offset from the snapshot round trip', () => {
    // Local 1000 -> 1100, the server read 5050: offset = 5050 - 1050.
    expect(bestOffset([sampleOf(1000, 1100, 5050), sampleOf(2000, 2400, 6300)])).toEqual({ offset: 4000, rtt: 100 });
  });
});
