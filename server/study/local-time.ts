/**
 * Pure calendar arithmetic in a user's IANA time zone, DST-aware, using only Intl.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();
function partsFormatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function localParts(t: number, tz: string): LocalParts {
  const p: Record<string, number> = {};
  for (const { type, value } of partsFormatter(tz).formatToParts(new Date(t))) if (type !== 'literal') p[type] = Number(value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour! % 24, minute: p.minute!, second: p.second! };
}

/** The zone's offset from UTC at instant t, in ms (e.g. +3_600_000 for CET). */
export function offsetAt(t: number, tz: string): number {
  const p = localParts(t, tz);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(t / 1000) * 1000;
}

/**
 * The UTC instant of a local wall-clock time. For times skipped by a DST jump it answers the
 * instant just after the jump; for repeated times, the first occurrence.
 */
export function zonedInstant(year: number, month: number, day: number, hour: number, minute: number, tz: string): number {
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const first = wall - offsetAt(wall, tz);
  const second = wall - offsetAt(first, tz);
  if (first === second) return first;
  // Ambiguous or skipped: prefer the earlier candidate that still maps to (or just past) the wall time.
  const candidates = [Math.min(first, second), Math.max(first, second)];
  for (const c of candidates) {
    const p = localParts(c, tz);
    if (p.hour === hour && p.minute === minute) return c;
  }
  return Math.max(first, second);
}

/** "YYYY-MM-DD" of instant t in the zone. */
export function localDay(t: number, tz: string): string {
  const p = localParts(t, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Adds days to a "YYYY-MM-DD" key (calendar arithmetic, no zone needed). */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

/** The instant local midnight starts the day after the one containing t. */
export function nextLocalMidnight(t: number, tz: string): number {
  const [y, m, d] = addDays(localDay(t, tz), 1).split('-').map(Number) as [number, number, number];
  return zonedInstant(y, m, d, 0, 0, tz);
}

/** Splits [start, end) into the local days it covers, with the milliseconds in each. */
export function splitByLocalDay(start: number, end: number, tz: string): { day: string; ms: number }[] {
  const out: { day: string; ms: number }[] = [];
  let t = start;
  while (t < end) {
    const cut = Math.min(end, nextLocalMidnight(t, tz));
    out.push({ day: localDay(t, tz), ms: cut - t });
    t = cut;
  }
  return out;
}

/** Monday of the ISO week containing the day. */
export function weekStart(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const dow = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(day, -dow);
}

export const monthOf = (day: string) => day.slice(0, 7);
