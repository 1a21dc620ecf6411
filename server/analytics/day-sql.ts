/**
 * Local calendar days in SQL. SQLite knows only UTC and the machine's zone, so the instance zone's
 * offset is inlined: the UTC offsets in force over a time range (a handful of DST segments) become
 * one CASE, and `date((t + offset) / 1000, 'unixepoch')` is the local day. One scan, no UDF.
 */
import { offsetAt } from '../study/local-time.js';

export interface OffsetSegment {
  /** The offset applies to instants before this one (the last segment: Infinity). */
  until: number;
  offsetMs: number;
}

const HOUR = 3_600_000;

/** The zone's offsets between `from` and `to` (ms), split where DST or a zone rule changes. */
export function offsetSegments(tz: string, from: number, to: number): OffsetSegment[] {
  const out: OffsetSegment[] = [];
  let current = offsetAt(from, tz);
  // Zone changes are at least a few days apart: probe every 6 hours, then bisect to the second.
  for (let t = from; t < to; ) {
    const next = Math.min(t + 6 * HOUR, to);
    const o = offsetAt(next, tz);
    if (o !== current) {
      let lo = t;
      let hi = next;
      while (hi - lo > 1000) {
        const mid = Math.floor((lo + hi) / 2 / 1000) * 1000;
        if (offsetAt(mid, tz) === current) lo = mid;
        else hi = mid;
      }
      out.push({ until: hi, offsetMs: current });
      current = o;
    }
    t = next;
  }
  out.push({ until: Infinity, offsetMs: current });
  return out;
}

/** SQL for the local day ('YYYY-MM-DD') of the ms column `col`, valid for instants in the segments' range. */
export function localDaySql(col: string, segments: OffsetSegment[]): string {
  if (!/^[a-z_.]+$/.test(col)) throw new Error(`bad column ${col}`);
  const offset =
    segments.length === 1
      ? String(segments[0]!.offsetMs)
      : `CASE ${segments
          .slice(0, -1)
          .map((s) => `WHEN ${col} < ${s.until} THEN ${s.offsetMs}`)
          .join(' ')} ELSE ${segments[segments.length - 1]!.offsetMs} END`;
  return `date((${col} + ${offset}) / 1000, 'unixepoch')`;
}

/**
 * PostgreSQL twin of {@link localDaySql} (ADR 0020): PostgreSQL knows every IANA zone, so the
 * local day is `to_timestamp(ms / 1000) AT TIME ZONE tz` formatted as 'YYYY-MM-DD', DST included.
 */
export function localDaySqlPg(col: string, tz: string): string {
  if (!/^[a-z_.]+$/.test(col)) throw new Error(`bad column ${col}`);
  if (!/^[A-Za-z0-9_+\-/]+$/.test(tz)) throw new Error(`bad time zone ${tz}`);
  return `to_char(to_timestamp(${col} / 1000.0) AT TIME ZONE '${tz}', 'YYYY-MM-DD')`;
}

/** The local-day SQL of either dialect: SQLite inlines the zone's offsets, PostgreSQL names the zone. */
export function localDayExpr(dialect: 'sqlite' | 'postgresql', col: string, tz: string, from: number, to: number): string {
  return dialect === 'postgresql' ? localDaySqlPg(col, tz) : localDaySql(col, offsetSegments(tz, from, to));
}
