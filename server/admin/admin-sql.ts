/**
 * The admin slice's dialect-specific SQL (ADR 0020 phase 2, step 4): planner hints and byte
 * lengths that SQLite and PostgreSQL spell differently. Everything else in server/admin is
 * dialect-neutral Drizzle.
 */
import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { isSqlite } from '../../db/tx.js';

export interface AdminSql {
  /** `col` as an expression SQLite's planner will not use an index for (`+col`); PostgreSQL: `col`. */
  unindexed(col: SQLWrapper): SQL;
  /** UTF-8 byte length of a text column. */
  utf8Bytes(col: SQLWrapper): SQL<number>;
}

const sqlite: AdminSql = {
  unindexed: (col) => sql`+${col}`,
  utf8Bytes: (col) => sql<number>`length(CAST(${col} AS BLOB))`,
};

const postgres: AdminSql = {
  unindexed: (col) => sql`${col}`,
  utf8Bytes: (col) => sql<number>`octet_length(${col})`,
};

export const adminSql = (db: Db): AdminSql => (isSqlite(db) ? sqlite : postgres);
