import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { affectedRows, isSqlite } from './tx.js';

/**
 * A statement on a hot path (one per chat message: issue 18, ADR 0030) whose query is built once.
 *
 * Drizzle builds every query from its builder on every call (walking the table, escaping names,
 * `is()` checks, mapping the result): about a fifth of the chat server's CPU in the profile. Here:
 * - SQLite: the builder runs once per database with placeholders (`sql.placeholder(name)`) and is
 *   `.prepare()`d; each call only binds the values. better-sqlite3 has one connection, so running it
 *   inside a {@link transaction} body is running it in that transaction.
 * - PostgreSQL: a transaction has a pooled connection of its own, and a statement prepared on the
 *   pool would run outside it; so the builder runs per call with the values on the `tx` given, as
 *   before (no change there).
 *
 * `build(db, v)`: `v` holds the values on PostgreSQL and a placeholder per name on SQLite (typed as
 * the values: they go where the values go). Name each value: `values({ a: v.a, b: v.b })`, never
 * `values(v)` (a placeholder stands for one value; the object of placeholders has no keys).
 */
export function hotStatement<V extends Record<string, unknown>, R>(build: (db: Db, v: V) => PromiseLike<R[]>): (tx: Db, values: V) => Promise<R[]>;
/** `'run'`: a statement that returns no rows (an UPDATE without RETURNING); resolves nothing. */
export function hotStatement<V extends Record<string, unknown>>(build: (db: Db, v: V) => PromiseLike<unknown>, mode: 'run'): (tx: Db, values: V) => Promise<void>;
/** `'count'`: a statement that returns no rows; resolves the number of rows it changed (a fenced or conditional write). */
export function hotStatement<V extends Record<string, unknown>>(build: (db: Db, v: V) => PromiseLike<unknown>, mode: 'count'): (tx: Db, values: V) => Promise<number>;
export function hotStatement<V extends Record<string, unknown>>(build: (db: Db, v: V) => PromiseLike<unknown>, mode: 'all' | 'run' | 'count' = 'all'): (tx: Db, values: V) => Promise<unknown> {
  const prepared = new WeakMap<object, Prepared<V>>();
  const placeholders = new Proxy({}, { get: (_t, name) => sql.placeholder(String(name)) }) as V;
  return async (tx, values) => {
    if (!isSqlite(tx)) {
      const out = await build(tx, values);
      return mode === 'all' ? out : mode === 'count' ? affectedRows(out) : undefined;
    }
    const client = tx.$client as object;
    let statement = prepared.get(client);
    if (!statement) {
      statement = (build(tx, placeholders) as unknown as { prepare(): Prepared<V> }).prepare();
      prepared.set(client, statement);
    }
    if (mode === 'all') return statement.all(values);
    const result = statement.run(values);
    return mode === 'count' ? affectedRows(result) : undefined;
  };
}

/** Drizzle's prepared SQLite query (better-sqlite3: synchronous). */
interface Prepared<V> {
  all(values: V): unknown[];
  run(values: V): unknown;
}
