import { describe, expect, it } from 'vitest';
import { addDays, localDay, nextLocalMidnight, offsetAt, splitByLocalDay, weekStart, zonedInstant } from './local-time.js';

const H = 3_600_000;

describe('local time', () => {
  it('knows offsets on both sides of a DST change', () => {
    expect(offsetAt(Date.UTC(2026, 2, 29, 0, 30), 'Europe/Berlin')).toBe(1 * H);
    expect(offsetAt(Date.UTC(2026, 2, 29, 1, 30), 'Europe/Berlin')).toBe(2 * H);
    expect(offsetAt(Date.UTC(2026, 0, 1), 'Asia/Kolkata')).toBe(5.5 * H);
  });

  it('finds the instant of a local wall-clock time, including DST edges', () => {
    expect(zonedInstant(2026, 7, 1, 9, 0, 'America/New_York')).toBe(Date.UTC(2026, 6, 1, 13, 0));
    // 02:30 does not exist on 2026-03-08 in New York: answered just after the jump.
    expect(zonedInstant(2026, 3, 8, 2, 30, 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 7, 30));
    // 01:30 happens twice on 2026-11-01: the first (EDT) one.
    expect(zonedInstant(2026, 11, 1, 1, 30, 'America/New_York')).toBe(Date.UTC(2026, 10, 1, 5, 30));
  });

  it('splits a span across local midnight into the right days', () => {
    const start = Date.UTC(2026, 10, 22, 22, 30); // 23:30 in Berlin (CET)
    const parts = splitByLocalDay(start, start + 60 * 60_000, 'Europe/Berlin');
    expect(parts).toEqual([
      { day: '2026-11-22', ms: 30 * 60_000 },
      { day: '2026-11-23', ms: 30 * 60_000 },
    ]);
    // The same instant is one day in UTC and another in Tokyo.
    expect(localDay(start, 'UTC')).toBe('2026-11-22');
    expect(localDay(start, 'Asia/Tokyo')).toBe('2026-11-23');
  });

  it('has 23- and 25-hour days at DST changes', () => {
    const springDay = Date.UTC(2026, 2, 29, 0, 0) - 1 * H; // local midnight Berlin, 29 March
    expect(nextLocalMidnight(springDay, 'Europe/Berlin') - springDay).toBe(23 * H);
    const autumnDay = Date.UTC(2026, 9, 25, 0, 0) - 2 * H; // local midnight Berlin, 25 October
    expect(nextLocalMidnight(autumnDay, 'Europe/Berlin') - autumnDay).toBe(25 * H);
  });

  it('does calendar arithmetic for weeks and months', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(weekStart('2026-11-23')).toBe('2026-11-23'); // a Monday
    expect(weekStart('2026-11-29')).toBe('2026-11-23'); // Sunday
  });
});
