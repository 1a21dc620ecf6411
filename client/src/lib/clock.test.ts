import { describe, expect, it } from 'vitest';
import { dayKey, formatDay, formatDuration, formatTime, formatUntil } from './clock';

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
