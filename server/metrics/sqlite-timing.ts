/**
 * SQLite-only (better-sqlite3): times every statement by wrapping the connection's `prepare`.
 * Allow-listed in server/test/data-access.test.ts; on PostgreSQL nothing is wrapped (yet).
 */
import type { Histogram } from 'prom-client';
import type { Db } from '../../db/client.js';
import { isSqlite } from '../../db/tx.js';

export function timeSqliteStatements(db: Db, histogram: Histogram<'op'>): void {
  if (!isSqlite(db)) return;
  timeStatements(db.$client as unknown as { prepare: (source: string) => unknown }, histogram);
}

/** Times every statement's run/get/all (wraps `prepare`, so statements made later are covered). */
function timeStatements(sqlite: { prepare: (source: string) => unknown }, histogram: Histogram<'op'>): void {
  const prepare = sqlite.prepare.bind(sqlite);
  sqlite.prepare = (source: string) => {
    const stmt = prepare(source) as Record<string, unknown>;
    for (const op of ['run', 'get', 'all'] as const) {
      const fn = stmt[op] as (...args: unknown[]) => unknown;
      stmt[op] = function timed(this: unknown, ...args: unknown[]) {
        const end = histogram.startTimer({ op });
        try {
          return fn.apply(this, args);
        } finally {
          end();
        }
      };
    }
    return stmt;
  };
}
