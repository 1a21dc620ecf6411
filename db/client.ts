import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as schema from './schema/index.js';
import * as relations from './relations.js';

/** @internal The tables and relations drizzle is given (db/client-pg.ts too). */
export const fullSchema = { ...schema, ...relations };
/**
 * The database handle services receive. Typed as the SQLite one (the schema's source of truth); with
 * DATABASE_URL set it is in fact drizzle's node-postgres database over the db/schema-pg tables
 * (ADR 0020), whose query builder has the same shape for everything services use (awaited selects,
 * inserts/updates/deletes with returning, onConflict…, transaction() from db/tx.ts).
 */
export type Db = BetterSQLite3Database<typeof fullSchema> & { $client: Database.Database };

/** postgres:// or postgresql:// URLs select PostgreSQL. */
export const isPostgresUrl = (url: string | undefined): url is string => !!url && /^postgres(ql)?:\/\//.test(url);

/** Told the duration (s) of each PostgreSQL statement; `op` is `all` when it returned columns (a select, a returning), else `run`. */
export type QueryObserver = (op: 'all' | 'run', seconds: number) => void;
/** @internal Statement observers of each PostgreSQL pool (filled by db/client-pg.ts). */
export const pgObservers = new WeakMap<object, Set<QueryObserver>>();

/**
 * Observes every statement of a PostgreSQL {@link Db} from now on (its pool's connections, old and
 * new). Returns false (and does nothing) for SQLite.
 */
export function observePgQueries(db: Db, fn: QueryObserver): boolean {
  const set = pgObservers.get(db.$client);
  if (!set) return false;
  set.add(fn);
  return true;
}

/** Closes either kind of database (the SQLite file, or the PostgreSQL pool). */
export async function closeDb(db: Db): Promise<void> {
  const client = db.$client as unknown as { close?: () => void; end?: () => Promise<void> };
  if (typeof (client as { pragma?: unknown }).pragma === 'function') client.close!();
  else await client.end!();
}

/**
 * Opens (creating if needed) the SQLite file with the pragmas a busy single-writer app wants.
 * `sharedByProcesses` (scale-out phase 1: several nodes on one file) makes every transaction take
 * the write lock when it begins (BEGIN IMMEDIATE): a deferred one that read and then wants to
 * write fails at once with SQLITE_BUSY when another process wrote meanwhile, without waiting for
 * busy_timeout. In one process statements never interleave, so the default stays deferred.
 */
export function openDb(file: string, opts: { sharedByProcesses?: boolean } = {}): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  if (opts.sharedByProcesses) immediateTransactions(sqlite);
  cacheStatements(sqlite);
  return drizzle(sqlite, { schema: fullSchema }) as Db;
}

/** How many distinct SQL texts keep their compiled statement (our services issue a few hundred). */
export const STATEMENT_CACHE_SIZE = 1000;

/**
 * Drizzle prepares every query it runs afresh (`client.prepare(sql)` per call), and compiling the
 * SQL was the largest single cost of a persisted chat message (issue 18: 7.7 % of server CPU at
 * 300 msg/s). Same SQL text, same compiled statement: this keeps the last {@link STATEMENT_CACHE_SIZE}
 * by text (least recently used goes). A cached statement is handed out again only when no iterator
 * is running on it, and in its default row mode (drizzle switches selects to `raw()` arrays).
 */
function cacheStatements(sqlite: Database.Database): void {
  const compile = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, Database.Statement>();
  sqlite.prepare = ((source: string) => {
    const hit = cache.get(source);
    if (hit && !hit.busy) {
      cache.delete(source);
      cache.set(source, hit);
      if (hit.reader) hit.raw(false);
      return hit;
    }
    const stmt = compile(source);
    if (!hit) {
      cache.set(source, stmt);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
    }
    return stmt;
  }) as typeof sqlite.prepare;
}

/** Every `db.transaction(fn)` of this connection (drizzle's too) begins IMMEDIATE, whatever it asks for. */
function immediateTransactions(sqlite: Database.Database): void {
  const original = sqlite.transaction.bind(sqlite);
  sqlite.transaction = ((fn: (...args: unknown[]) => unknown) => {
    const tx = original(fn);
    const immediate = tx.immediate;
    return Object.assign((...args: unknown[]) => immediate(...args), { default: immediate, deferred: immediate, immediate, exclusive: tx.exclusive });
  }) as typeof sqlite.transaction;
}
