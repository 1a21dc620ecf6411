/**
 * The PostgreSQL side of db/client.ts, loaded only when DATABASE_URL is set (db/migrate.ts
 * `openDatabase` imports it dynamically; tests and tools import it directly): `pg` and drizzle's
 * node-postgres driver cost about 100 ms of start-up that an SQLite server never needs (ADR 0034).
 */
import { is } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { PgTable } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { fullSchema, pgObservers, type Db, type QueryObserver } from './client.js';
import * as schema from './schema/index.js';

// int8 (bigint: ms timestamps, count(*)) and numeric (sum/avg) as JS numbers, like SQLite gives them.
// Every value we store fits in 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/**
 * How long PostgreSQL lets a connection sit inside an open transaction with no statement running
 * before it ends the session (`idle_in_transaction_session_timeout`). Our transactions run their
 * statements back to back; one that idles this long belongs to a stalled or paused process (an
 * event-loop freeze, SIGSTOP, a VM pause), and its row locks would otherwise hold up, with no end,
 * every node waiting for them: a room's takeover (the fence row) and its chat (the room's `seq`
 * row). Ending the session rolls the transaction back; the stalled node's write never happened
 * (ADR 0040).
 */
export const PG_IDLE_IN_TRANSACTION_MS = 15_000;

/**
 * A PostgreSQL pool of `poolSize` connections as a {@link Db}. The tables must be the pg-core ones,
 * which db/schema/index.ts exports only when DATABASE_URL was set in the environment when it loaded.
 */
export function openPgDb(url: string, opts: { poolSize?: number; idleInTransactionMs?: number } = {}): Db {
  if (!is(schema.users as unknown, PgTable)) {
    throw new Error('DATABASE_URL must be set in the environment before the server starts (db/schema/index.ts picks the PostgreSQL tables when it loads)');
  }
  const pool = new pg.Pool({ connectionString: url, max: opts.poolSize ?? 10, idleTimeoutMillis: 30_000, idle_in_transaction_session_timeout: opts.idleInTransactionMs ?? PG_IDLE_IN_TRANSACTION_MS });
  // An idle client losing its server (a restart, a network cut) must not crash the process.
  pool.on('error', () => {});
  // Every connection's query() is timed for the observers (none unless metrics are on): both
  // pool.query (drizzle's plain queries) and transactions run on a pooled client's query().
  const observers = new Set<QueryObserver>();
  pgObservers.set(pool, observers);
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as unknown as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args) => (observers.size ? timedQuery(query, args, observers) : query(...args));
  });
  return drizzlePg(pool, { schema: fullSchema as never }) as unknown as Db;
}

/** pg's query() in its three shapes: callback last (what pg.Pool uses), promise, or a submittable (passed through). */
function timedQuery(query: (...args: unknown[]) => unknown, args: unknown[], observers: Set<QueryObserver>): unknown {
  const started = performance.now();
  const done = (res: unknown) => {
    const seconds = (performance.now() - started) / 1000;
    const fields = (res as { fields?: unknown[] } | undefined)?.fields;
    const op = fields && fields.length > 0 ? 'all' : 'run';
    for (const fn of observers) fn(op, seconds);
  };
  const last = args[args.length - 1];
  if (typeof last === 'function') {
    const cb = last as (err: unknown, res: unknown) => void;
    return query(...args.slice(0, -1), (err: unknown, res: unknown) => {
      done(res);
      cb(err, res);
    });
  }
  const r = query(...args);
  if (r && typeof (r as PromiseLike<unknown>).then === 'function' && typeof (r as { submit?: unknown }).submit !== 'function') {
    return (r as Promise<unknown>).then(
      (res) => {
        done(res);
        return res;
      },
      (err: unknown) => {
        done(undefined);
        throw err;
      },
    );
  }
  return r;
}
