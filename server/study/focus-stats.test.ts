import { describe, expect, it } from 'vitest';
import { msByDay, streak, summarize } from './focus-stats.js';

const MIN = 60_000;
const span = (iso: string, mins: number) => ({ startedAt: Date.parse(iso), endedAt: Date.parse(iso) + mins * MIN });

describe('focus statistics', () => {
  it('buckets by the user’s local day, splitting at local midnight', () => {
    const spans = [span('2026-11-22T22:45:00Z', 30)]; // 23:45-00:15 in Berlin
    expect(Object.fromEntries(msByDay(spans, 'Europe/Berlin'))).toEqual({ '2026-11-22': 15 * MIN, '2026-11-23': 15 * MIN });
    expect(Object.fromEntries(msByDay(spans, 'UTC'))).toEqual({ '2026-11-22': 30 * MIN });
  });

  it('counts today, this ISO week, this month and all time', () => {
    const now = Date.parse('2026-11-25T12:00:00Z'); // Wednesday
    const s = summarize(
      [span('2026-11-25T08:00:00Z', 50), span('2026-11-23T08:00:00Z', 25), span('2026-11-22T08:00:00Z', 25), span('2026-10-31T08:00:00Z', 25)],
      'UTC',
      now,
    );
    expect(s).toMatchObject({ todayMin: 50, weekMin: 75, monthMin: 100, totalMin: 125 });
    expect(s.daily.at(-1)).toEqual({ day: '2026-11-25', minutes: 50 });
    expect(s.daily).toHaveLength(14);
  });

  it('keeps a streak alive through yesterday and breaks it on a missed day', () => {
    const days = new Map([
      ['2026-11-20', MIN],
      ['2026-11-21', 30 * MIN],
      ['2026-11-22', 5 * MIN],
    ]);
    expect(streak(days, '2026-11-22')).toBe(3);
    expect(streak(days, '2026-11-23')).toBe(3); // not broken until the day is over
    expect(streak(days, '2026-11-24')).toBe(0);
    expect(streak(new Map([['2026-11-22', 59_000]]), '2026-11-22')).toBe(0); // under a minute
  });

  it('follows the user’s zone for "today" across a DST change', () => {
    const now = Date.parse('2026-03-29T22:30:00Z'); // 00:30 on 30 March in Berlin (CEST)
    const s = summarize([span('2026-03-29T21:00:00Z', 90)], 'Europe/Berlin', now); // 23:00-00:30 CEST
    expect(s.todayMin).toBe(30);
    expect(s.daily.at(-2)).toEqual({ day: '2026-03-29', minutes: 60 });
  });
});
