/**
 * db/schema-pg (PostgreSQL) must mirror db/schema (SQLite) table for table: same tables, columns,
 * nullability, primary keys and indexes; and the committed files must be exactly what
 * db/gen-schema-pg.ts writes (run `npm run db:generate` after changing db/schema).
 */
import { readFileSync } from 'node:fs';
import { is } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { renderAll } from './gen-schema-pg.js';
import * as pgSchema from './schema-pg/index.js';
import * as sqliteSchema from './schema/index.js';

function shape(tables: { name: string; columns: { name: string; notNull: boolean; primary: boolean; hasDefault: boolean }[]; indexes: string[]; pk: string[][] }[]) {
  return Object.fromEntries(
    tables.map((t) => [
      t.name,
      {
        columns: Object.fromEntries(t.columns.map((c) => [c.name, { notNull: c.notNull, primary: c.primary, // An SQLite integer primary key is a rowid (it "has a default"): compare defaults of other columns.
          hasDefault: c.primary ? null : c.hasDefault }])),
        indexes: [...t.indexes].sort(),
        pk: t.pk,
      },
    ]),
  );
}

describe('PostgreSQL schema mirror', () => {
  it('has the same tables, columns, nullability, keys and indexes as the SQLite schema', () => {
    const lite = Object.values(sqliteSchema)
      .filter((v) => is(v, SQLiteTable))
      .map((t) => sqliteConfig(t as SQLiteTable))
      .map((c) => ({ name: c.name, columns: c.columns, indexes: c.indexes.map((i) => i.config.name), pk: c.primaryKeys.map((p) => p.columns.map((x) => x.name)) }));
    const pg = Object.values(pgSchema)
      .filter((v) => is(v, PgTable))
      .map((t) => pgConfig(t as PgTable))
      .map((c) => ({ name: c.name, columns: c.columns, indexes: c.indexes.map((i) => i.config.name!), pk: c.primaryKeys.map((p) => p.columns.map((x) => x.name)) }));
    // The SQLite barrel's names are bound to one dialect at load; compare the raw SQLite files' shape.
    expect(lite.length).toBeGreaterThan(40);
    expect(shape(pg)).toEqual(shape(lite));
  });

  it('is exactly what db/gen-schema-pg.ts generates (npm run db:generate)', async () => {
    for (const [path, content] of await renderAll()) expect(readFileSync(path, 'utf8'), path).toBe(content);
  });
});
