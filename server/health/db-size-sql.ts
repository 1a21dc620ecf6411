/**
 * The database's size for the Health page, per dialect: SQLite is a file (and its WAL) in the
 * data directory; PostgreSQL answers from its catalogue (`pg_database_size`, the whole database on
 * the server's disk; its WAL is shared by the server's databases and reported as 0).
 */
import { statSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { isSqlite } from '../../db/tx.js';

export interface DatabaseSize {
  bytes: number;
  walBytes: number;
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

export function databaseSize(db: Db, dbFile: string): () => Promise<DatabaseSize> {
  if (isSqlite(db)) return async () => ({ bytes: fileSize(dbFile), walBytes: fileSize(`${dbFile}-wal`) });
  return async () => {
    const [row] = await db.select({ n: sql<number>`pg_database_size(current_database())`.mapWith(Number) }).from(sql`(SELECT 1) AS one`);
    return { bytes: row?.n ?? 0, walBytes: 0 };
  };
}
