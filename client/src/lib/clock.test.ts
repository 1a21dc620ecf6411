import { describe, expect, it } from 'vitest';
import { bestOffset, dayKey, formatCountdown, formatDay, formatDuration, formatTime, formatUntil, msUntilNextTick, remainingUntil } from './clock';

const T = Date.UTC(2026, 2, 3, 23, 30); // 3 March 2026 23:30 UTC

describe('clock', () => {
  it('formats times in the given time zone', () => {
    expect(formatTime(T, 'UTC', 'en-GB')).toBe('23:30');
    expect(formatTime(T, 'Europe/Paris', 'en-GB')).toBe('00:30');
    expect(formatTime(T, 'UTC', 'en-US')).toBe('11:30 PM');
  });

  it('keys days by the calendar of the time zone', () => {
    expect(dayKey(T, 'UTC')).toBe('2026-03-03');
    expect(dayKey(T, 'Asia/Tokyo')).toBe('2026-03-04');
  });

  it('names today and yesterday, else the full date', () => {
    const now = T + 60_000;
    expect(formatDay(T, now, 'UTC', 'en-GB')).toBe('Today');
    expect(formatDay(T - 86_400_000, now, 'UTC', 'en-GB')).toBe('Yesterday');
    expect(formatDay(T - 3 * 86_400_000, now, 'UTC', 'en-GB')).toMatch(/^Saturday,? 28 February 2026$/);
  });

  it('falls back to the browser zone for an unknown zone instead of throwing', () => {
    expect(() => formatTime(T, 'Not/AZone', 'en-GB')).not.toThrow();
  });

  it('formats durations briefly', () => {
    expect(formatDuration(0)).toBe('0 s');
    expect(formatDuration(44.2)).toBe('45 s');
    expect(formatDuration(61)).toBe('2 min');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(3900)).toBe('1 h 5 min');
    expect(formatDuration(5 * 86_400)).toBe('5 days');
  });

  it('says how long until an instant', () => {
    expect(formatUntil(T + 90_000, T)).toBe('in 2 min');
    expect(formatUntil(T - 1, T)).toBe('now');
  });
});

describe('server clock and countdowns', () => {
  it('takes the offset from the round trip with the smallest RTT', () => {
    const samples = [
      { t0: 1000, t1: 1300, serverNow: 5400 }, // rtt 300 -> offset 4250
      { t0: 2000, t1: 2020, serverNow: 7010 }, // rtt 20 -> offset 5000
      { t0: 3000, t1: 3100, serverNow: 8100 }, // rtt 100 -> offset 5050
    ];
    expect(bestOffset(samples)).toEqual({ rtt: 20, offset: 5000 });
    expect(bestOffset([])).toBeNull();
    expect(bestOffset([{ t0: 10, t1: 5, serverNow: 0 }])).toBeNull();
  });

  it('computes the remaining time from the end instant and the server clock', () => {
    expect(remainingUntil(10_000, 4_000)).toBe(6_000);
    expect(remainingUntil(10_000, 12_000)).toBe(0);
  });

  it('formats countdowns, rounding seconds up', () => {
    expect(formatCountdown(25 * 60_000)).toBe('25:00');
    expect(formatCountdown(25 * 60_000 - 1)).toBe('25:00');
    expect(formatCountdown(24 * 60_000 + 59_001)).toBe('25:00');
    expect(formatCountdown(24 * 60_000 + 59_000)).toBe('24:59');
    expect(formatCountdown(245_000)).toBe('04:05');
    expect(formatCountdown(1)).toBe('00:01');
    expect(formatCountdown(0)).toBe('00:00');
    expect(formatCountdown(-50)).toBe('00:00');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
  });

  it('wakes exactly when the displayed second changes', () => {
    expect(msUntilNextTick(60_250)).toBe(250);
    expect(msUntilNextTick(60_000)).toBe(1000);
    expect(msUntilNextTick(999)).toBe(999);
    expect(msUntilNextTick(0)).toBe(1000);
    // After waiting that long, the display shows one second less.
    const r = 90_437;
    expect(formatCountdown(r - msUntilNextTick(r))).not.toBe(formatCountdown(r));
    expect(formatCountdown(r - msUntilNextTick(r) + 1)).toBe(formatCountdown(r));
  });
});
