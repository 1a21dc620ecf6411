import { describe, expect, it } from 'vitest';
import { isWeekday, nextClockFire } from './alarms.js';

describe('alarm times', () => {
  it('fires later today if the time has not passed, else tomorrow', () => {
    const morning = Date.parse('2026-11-23T06:00:00Z'); // 07:00 Berlin
    expect(nextClockFire(8, 30, 'daily', 'Europe/Berlin', morning)).toBe(Date.parse('2026-11-23T07:30:00Z'));
    expect(nextClockFire(6, 30, 'daily', 'Europe/Berlin', morning)).toBe(Date.parse('2026-11-24T05:30:00Z'));
  });

  it('skips weekends for weekday alarms', () => {
    const friday = Date.parse('2026-11-27T12:00:00Z');
    expect(isWeekday('2026-11-28')).toBe(false);
    expect(nextClockFire(9, 0, 'weekdays', 'UTC', friday)).toBe(Date.parse('2026-11-30T09:00:00Z'));
  });

  it('keeps local wall-clock time across a DST change', () => {
    const beforeFallBack = Date.parse('2026-10-24T12:00:00Z'); // Saturday, CEST
    const first = nextClockFire(7, 0, 'daily', 'Europe/Berlin', beforeFallBack);
    const second = nextClockFire(7, 0, 'daily', 'Europe/Berlin', first);
    expect(first).toBe(Date.parse('2026-10-25T06:00:00Z')); // 07:00 CET (clocks went back at 03:00)
    expect(second - first).toBe(24 * 3_600_000);
    const beforeSpring = Date.parse('2026-03-28T12:00:00Z');
    const a = nextClockFire(7, 0, 'daily', 'Europe/Berlin', beforeSpring);
    expect(a).toBe(Date.parse('2026-03-29T05:00:00Z')); // 07:00 CEST
  });

  it('is strictly after the given instant', () => {
    const at = Date.parse('2026-11-23T09:00:00Z');
    expect(nextClockFire(9, 0, 'none', 'UTC', at)).toBe(at + 24 * 3_600_000);
  });
});
