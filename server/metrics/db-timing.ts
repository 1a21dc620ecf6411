/**
 * Times every database statement for `commonroom_db_query_duration_seconds`, on either dialect:
 * - SQLite (better-sqlite3): wraps the connection's `prepare`, so every statement's run/get/all is
 *   timed (the statement's own execution, synchronous).
 * - PostgreSQL: the pool's connections report each query() from send to result
 *   (`observePgQueries` in db/client.ts): the round trip to the server, `all` when the statement
 *   returned columns (selects, `returning`), `run` otherwise.
 * Allow-listed in eslint.config.mjs (it reaches the SQLite connection).
 */
import type { Histogram } from 'prom-client';
import { observePgQueries, type Db } from '../../db/client.js';
import { isSqlite } from '../../db/tx.js';

export function timeDbStatements(db: Db, histogram: Histogram<'op'>): void {
  if (isSqlite(db)) timeStatements(db.$client as unknown as { prepare: (source: string) => unknown }, histogram);
  else observePgQueries(db, (op, seconds) => histogram.observe({ op }, seconds));
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
