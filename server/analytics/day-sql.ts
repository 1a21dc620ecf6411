/**
 * Local calendar days in SQL (the analytics slice's only dialect-specific SQL, ADR 0020 phase 2).
 * SQLite knows only UTC and the machine's zone, so the instance zone's offset is inlined: the UTC
 * offsets in force over a time range (a handful of DST segments) become one CASE, and
 * `date((t + offset) / 1000, 'unixepoch')` is the local day. One scan, no UDF. PostgreSQL takes
 * the same CASE with `to_char(to_timestamp(…))`.
 */
import { statSync } from 'node:fs';
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { isSqlite } from '../../db/tx.js';
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

/** The dialect-specific SQL of analytics: local days of ms instants, and the database's size. */
export interface DaySql {
  /** The local day ('YYYY-MM-DD') of the ms expression `col`, valid for instants in the segments' range. */
  localDay(col: SQLWrapper, segments: OffsetSegment[]): SQL<string>;
  /** Bytes the database takes on disk now (null: unknown). */
  databaseBytes(dbFile: string): Promise<number | null>;
}

/** The offset in force for `col`, as one CASE over the segments (numbers inlined: they are ours). */
function offsetSql(col: SQLWrapper, segments: OffsetSegment[]): SQL {
  const int = (n: number) => {
    if (!Number.isSafeInteger(n)) throw new Error(`bad offset bound ${n}`);
    return sql.raw(String(n));
  };
  if (segments.length === 1) return int(segments[0]!.offsetMs);
  const whens = segments.slice(0, -1).map((s) => sql`WHEN ${col} < ${int(s.until)} THEN ${int(s.offsetMs)}`);
  return sql`CASE ${sql.join(whens, sql` `)} ELSE ${int(segments[segments.length - 1]!.offsetMs)} END`;
}

function sqliteDaySql(db: Db): DaySql {
  const raw = db.$client;
  return {
    localDay: (col, segments) => sql<string>`date((${col} + ${offsetSql(col, segments)}) / 1000, 'unixepoch')`,
    async databaseBytes(dbFile) {
      const pages = (raw.pragma('page_count', { simple: true }) as number) * (raw.pragma('page_size', { simple: true }) as number);
      let wal = 0;
      try {
        wal = statSync(`${dbFile}-wal`).size;
      } catch {
        /* no WAL file right now */
      }
      return pages + wal;
    },
  };
}

/** PostgreSQL: UTC calendar day of the shifted instant; the database size from the catalogue. */
function postgresDaySql(db: Db): DaySql {
  return {
    localDay: (col, segments) => sql<string>`to_char(to_timestamp((${col} + ${offsetSql(col, segments)}) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD')`,
    async databaseBytes() {
      const [row] = await db.select({ n: sql<number>`pg_database_size(current_database())`.mapWith(Number) }).from(sql`(SELECT 1) AS one`);
      return row?.n ?? null;
    },
  };
}

export const daySql = (db: Db): DaySql => (isSqlite(db) ? sqliteDaySql(db) : postgresDaySql(db));
