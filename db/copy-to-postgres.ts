/**
 * `npm run admin -- copy-to-postgres --from <sqlite file> --to <postgres URL>` (ADR 0020): moves a
 * single-node instance to PostgreSQL.
 *
 * 1. applies the PostgreSQL migrations to the target (under the same advisory lock as a node's boot);
 * 2. refuses a target that already has rows;
 * 3. in ONE transaction, copies every table in foreign-key order (parents first; a table that
 *    references itself in primary-key order), in batches, keeping ids; values go through Drizzle
 *    on both sides, so SQLite's 0/1 booleans become PostgreSQL booleans and blobs become bytea;
 * 4. moves each serial sequence past the largest id (setval), so new rows do not collide;
 * 5. the message search index (a generated tsvector column on PostgreSQL) is filled by the inserts
 *    themselves; the GIN index is rebuilt (REINDEX) after the bulk load;
 * 6. counts the rows of every table on both sides: any difference → exit code 1.
 *
 * The SQLite file is opened read-only; stop the server (or accept a snapshot of the moment the copy
 * starts: reads see one consistent WAL snapshot).
 */
import Database from 'better-sqlite3';
import { count, getTableName, is } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { join } from 'node:path';
import pg from 'pg';
import { schemaFiles } from './gen-schema-pg.js';
import { migratePgPool } from './migrate.js';
import * as pgSchema from './schema-pg/index.js';

export interface CopyResult {
  tables: { name: string; source: number; target: number }[];
  ok: boolean;
}

interface Pair {
  name: string;
  lite: SQLiteTable;
  pg: PgTable;
}

/** The SQLite tables, straight from their files (db/schema/index.ts may be bound to PostgreSQL). */
async function sqliteTables(): Promise<SQLiteTable[]> {
  const out: SQLiteTable[] = [];
  for (const file of schemaFiles()) {
    const mod = (await import(join(import.meta.dirname, 'schema', `${file}.ts`)).catch(() => import(join(import.meta.dirname, 'schema', `${file}.js`)))) as Record<string, unknown>;
    for (const v of Object.values(mod)) if (is(v, SQLiteTable)) out.push(v);
  }
  return out;
}

/** Parents before children (foreign keys); throws on a cycle between different tables. */
export function fkOrder<T extends { name: string; deps: string[] }>(tables: T[]): T[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: T[] = [];
  const visit = (t: T) => {
    if (done.has(t.name)) return;
    if (visiting.has(t.name)) throw new Error(`foreign-key cycle through ${t.name}`);
    visiting.add(t.name);
    for (const d of t.deps) if (d !== t.name && byName.has(d)) visit(byName.get(d)!);
    visiting.delete(t.name);
    done.add(t.name);
    out.push(t);
  };
  for (const t of tables) visit(t);
  return out;
}

export async function copyToPostgres(opts: { from: string; to: string; batch?: number; log?: (s: string) => void }): Promise<CopyResult> {
  const log = opts.log ?? (() => {});
  const sqlite = new Database(opts.from, { readonly: true, fileMustExist: true });
  const lite = drizzle(sqlite);
  const pool = new pg.Pool({ connectionString: opts.to, max: 2 });
  pool.on('error', () => {});
  try {
    await migratePgPool(pool);
    const pgByName = new Map(
      Object.values(pgSchema)
        .filter((v) => is(v, PgTable))
        .map((t) => [getTableName(t as PgTable), t as PgTable]),
    );
    const pairs: (Pair & { deps: string[] })[] = (await sqliteTables()).map((t) => {
      const name = getTableName(t);
      const target = pgByName.get(name);
      if (!target) throw new Error(`table ${name} has no PostgreSQL twin (run npm run db:generate)`);
      return { name, lite: t, pg: target, deps: getTableConfig(t).foreignKeys.map((fk) => getTableName(fk.reference().foreignTable)) };
    });
    const ordered = fkOrder(pairs);
    const client = await pool.connect();
    const db = drizzlePg(client);
    try {
      for (const p of ordered) {
        const { rows } = await client.query(`SELECT EXISTS (SELECT 1 FROM "${p.name}") AS any`);
        if (rows[0].any) throw new Error(`the target already has rows in ${p.name}: copy into an empty database`);
      }
      await client.query('BEGIN');
      for (const p of ordered) {
        const cfg = getTableConfig(p.lite);
        const cols = cfg.columns.length;
        const size = Math.max(1, Math.min(opts.batch ?? 5000, Math.floor(30_000 / cols)));
        const pk = cfg.columns.filter((c) => c.primary).concat(cfg.primaryKeys.flatMap((k) => k.columns));
        let copied = 0;
        for (let offset = 0; ; offset += size) {
          const batch = await lite
            .select()
            .from(p.lite)
            .orderBy(...pk)
            .limit(size)
            .offset(offset);
          if (!batch.length) break;
          await db.insert(p.pg).values(batch as never[]);
          copied += batch.length;
          if (batch.length < size) break;
        }
        // Serial ids: the next id follows the largest copied one.
        const serial = pgConfig(p.pg).columns.find((c) => c.columnType === 'PgSerial');
        if (serial)
          await client.query(`SELECT setval(pg_get_serial_sequence('"${p.name}"', '${serial.name}'), COALESCE((SELECT max("${serial.name}") FROM "${p.name}"), 0) + 1, false)`);
        log(`${p.name}: ${copied} rows`);
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => {});
      throw err;
    } finally {
      client.release();
    }
    await pool.query('REINDEX INDEX IF EXISTS messages_search_idx').catch(() => pool.query('REINDEX TABLE messages'));
    const tables: CopyResult['tables'] = [];
    for (const p of ordered) {
      const [s] = await lite.select({ n: count() }).from(p.lite);
      const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${p.name}"`);
      tables.push({ name: p.name, source: s!.n, target: rows[0].n });
    }
    return { tables, ok: tables.every((t) => t.source === t.target) };
  } finally {
    sqlite.close();
    await pool.end();
  }
}

/** The CLI form: parses `--from <file> --to <url>`, prints per-table counts, returns the exit code. */
export async function copyToPostgresCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const from = arg('--from');
  const to = arg('--to');
  if (!from || !to || !/^postgres(ql)?:\/\//.test(to)) {
    err('usage: npm run admin -- copy-to-postgres --from <sqlite file> --to <postgres://… URL>');
    return 2;
  }
  try {
    const result = await copyToPostgres({ from, to, log: out });
    for (const t of result.tables) out(`${t.source === t.target ? 'ok  ' : 'DIFF'} ${t.name}: sqlite ${t.source}, postgresql ${t.target}`);
    if (!result.ok) {
      err('copy-to-postgres: row counts differ');
      return 1;
    }
    out(`copy-to-postgres: ${result.tables.length} tables, ${result.tables.reduce((a, t) => a + t.target, 0)} rows copied and verified.`);
    return 0;
  } catch (e) {
    err(`copy-to-postgres failed: ${(e as Error).message}`);
    return 1;
  }
}
