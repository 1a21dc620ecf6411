import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as schema from './schema/index.js';
import * as relations from './relations.js';

const fullSchema = { ...schema, ...relations };
export type Db = BetterSQLite3Database<typeof fullSchema> & { $client: Database.Database };

/** Opens (creating if needed) the SQLite file with the pragmas a busy single-writer app wants. */
export function openDb(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return drizzle(sqlite, { schema: fullSchema }) as Db;
}
