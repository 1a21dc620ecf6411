import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as schema from './schema/index.js';
import * as relations from './relations.js';

const fullSchema = { ...schema, ...relations };
export type Db = BetterSQLite3Database<typeof fullSchema> & { $client: Database.Database };

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
  return drizzle(sqlite, { schema: fullSchema }) as Db;
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
