import { addDays, localDay, zonedInstant } from './local-time.js';

export type Repeat = 'none' | 'daily' | 'weekdays';

/** Pure: is the "YYYY-MM-DD" day Monday to Friday? */
export function isWeekday(day: string): boolean {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const dow = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return dow >= 1 && dow <= 5;
}

/**
 * Pure: the next instant strictly after `after` at local wall-clock `hour:minute` in `tz`
 * (for `weekdays`, Monday to Friday only). DST-safe: each day's instant is computed on its own.
 */
export function nextClockFire(hour: number, minute: number, repeat: Repeat, tz: string, after: number): number {
  let day = localDay(after, tz);
  for (let i = 0; i < 8; i++, day = addDays(day, 1)) {
    if (repeat === 'weekdays' && !isWeekday(day)) continue;
    const [y, m, d] = day.split('-').map(Number) as [number, number, number];
    const at = zonedInstant(y, m, d, hour, minute, tz);
    if (at > after) return at;
  }
  throw new Error('unreachable: a fire time exists within 8 days');
}
