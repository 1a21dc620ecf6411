import { describe, expect, it } from 'vitest';
import type { Alarm } from '@protocol/study.js';
import { isDuplicateFire, localDelay, missedAlarms, missedSummary, parseClockTime, pruneFires } from './alarmRules';

const alarm = (id: number, lastFiredAt: number | null): Alarm => ({
  id,
  label: '',
  kind: 'countdown',
  hour: null,
  minute: null,
  repeat: 'none',
  timeZone: 'UTC',
  nextFireAt: null,
  lastFiredAt,
  seenAt: null,
  createdAt: 0,
});

describe('alarm rules', () => {
  it('announces a fire once whether the local timeout or the server came first', () => {
    const recent = [{ id: 7, at: 100_000 }];
    expect(isDuplicateFire(recent, 7, 100_040)).toBe(true); // server, 40 ms later
    expect(isDuplicateFire(recent, 7, 98_000)).toBe(true);
    expect(isDuplicateFire(recent, 8, 100_000)).toBe(false); // another alarm
    expect(isDuplicateFire(recent, 7, 100_000 + 86_400_000)).toBe(false); // tomorrow's fire
    expect(pruneFires([{ id: 1, at: 0 }, { id: 2, at: 90_000 }], 100_000)).toEqual([{ id: 2, at: 90_000 }]);
  });

  it('shows an alarm as missed only when it fired after the last fire seen here', () => {
    const list = [alarm(1, 1_000_000), alarm(2, 2_000_000), alarm(3, null), alarm(4, 5_000_000)];
    const seen = { '1': 1_000_000, '2': 1_000_000, '4': 4_990_000 };
    expect(missedAlarms(list, seen).map((a) => a.id)).toEqual([2]);
    expect(missedAlarms([alarm(5, 3_000_000)], {}).map((a) => a.id)).toEqual([5]);
  });

  it('a fire another device rang or showed is not missed on a new device (issue 17 item 15)', () => {
    const rungElsewhere = { ...alarm(7, 3_000_000), seenAt: 3_000_000 - 800 };
    expect(missedAlarms([rungElsewhere], {})).toEqual([]);
    // A later fire nobody saw still is.
    expect(missedAlarms([{ ...rungElsewhere, lastFiredAt: 3_000_000 + 86_400_000 }], {}).map((a) => a.id)).toEqual([7]);
  });

  it('sums several missed alarms up in one toast', () => {
    expect(missedSummary([])).toBeNull();
    expect(missedSummary(['Tea — time\'s up'])?.title).toBe('Missed: Tea — time\'s up');
    expect(missedSummary(['A', 'B', 'C'])).toEqual({ title: '3 alarms went off while you were away', body: 'A, B and 1 more.' });
    expect(missedSummary(['A', 'B'])?.body).toBe('A, B.');
  });

  it('maps the server instant onto a local delay', () => {
    expect(localDelay(10_000, 7_500)).toBe(2_500);
    expect(localDelay(10_000, 12_000)).toBe(0);
  });

  it('parses wall-clock times', () => {
    expect(parseClockTime('07:30')).toEqual({ hour: 7, minute: 30 });
    expect(parseClockTime('23:59')).toEqual({ hour: 23, minute: 59 });
    expect(parseClockTime('24:00')).toBeNull();
    expect(parseClockTime('7.30')).toBeNull();
  });
});
