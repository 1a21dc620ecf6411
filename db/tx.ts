import { AsyncLocalStorage } from 'node:async_hooks';
import type { Db } from './client.js';

/**
 * One transaction API for both dialects (issue 15, ADR 0020 phase 2). Service code writes
 *
 *   const row = await transaction(this.db, async (tx) => { …await tx.insert(…)…; return x; });
 *
 * and never `db.transaction(syncFn)` (better-sqlite3 only) nor `db.$client`.
 *
 * - PostgreSQL: drizzle's own `db.transaction(async tx => …)` (a pooled connection of its own).
 * - SQLite (better-sqlite3): its native transactions cannot wrap an async function, so this runs
 *   `BEGIN IMMEDIATE … COMMIT` (statements compiled once: db/client.ts caches them) around the awaited body on the one connection, with transactions of
 *   that connection queued one after the other. Drizzle queries on better-sqlite3 run synchronously
 *   when awaited, so the body is a chain of microtasks; a query another handler issues between two
 *   of those microtasks lands inside this transaction (committed or rolled back with it). Bodies
 *   therefore do database work only (no network, no timers) so that window stays microtasks wide.
 * - Nested calls (a service in a transaction calling another that opens one) join the outer one.
 */
const current = new AsyncLocalStorage<Db>();
const queues = new WeakMap<object, Promise<void>>();

interface SqliteClient {
  prepare(sql: string): { run(): unknown };
  readonly inTransaction: boolean;
}

/** True when `db` is the embedded SQLite (better-sqlite3) database, false for PostgreSQL. */
export function isSqlite(db: Db): boolean {
  const client = db.$client as unknown as { pragma?: unknown };
  return typeof client?.pragma === 'function';
}

/** True inside a {@link transaction} body (its awaited continuations included). */
export function inTransaction(): boolean {
  return current.getStore() !== undefined;
}

export async function transaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  const outer = current.getStore();
  if (outer) return fn(outer);
  if (!isSqlite(db)) {
    const pg = db as unknown as { transaction<R>(body: (tx: unknown) => Promise<R>): Promise<R> };
    return pg.transaction((tx) => current.run(tx as Db, () => fn(tx as Db)));
  }
  const client = db.$client as unknown as SqliteClient;
  const before = queues.get(client) ?? Promise.resolve();
  let release!: () => void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  queues.set(client, before.then(() => mine));
  await before;
  try {
    client.prepare('BEGIN IMMEDIATE').run();
    try {
      const result = await current.run(db, () => fn(db));
      client.prepare('COMMIT').run();
      return result;
    } catch (err) {
      if (client.inTransaction) client.prepare('ROLLBACK').run();
      throw err;
    }
  } finally {
    release();
  }
}

/**
 * Runs `fn` inside a SAVEPOINT of the transaction `tx` (call it from a {@link transaction} body):
 * when `fn` throws, only its own statements are undone and the transaction goes on (group commit:
 * one failing message must not take its batch with it). PostgreSQL: drizzle's nested transaction
 * (a savepoint). SQLite: SAVEPOINT / RELEASE / ROLLBACK TO on the one connection. If the error
 * already ended the whole transaction (SQLite does that on I/O errors), {@link TransactionLost} is
 * thrown: rethrow it from the transaction body.
 */
export async function savepoint<T>(tx: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  if (!isSqlite(tx)) {
    const pg = tx as unknown as { transaction<R>(body: (inner: unknown) => Promise<R>): Promise<R> };
    return pg.transaction((inner) => fn(inner as Db));
  }
  const client = tx.$client as unknown as SqliteClient;
  client.prepare('SAVEPOINT one_of_batch').run();
  try {
    const result = await fn(tx);
    client.prepare('RELEASE one_of_batch').run();
    return result;
  } catch (err) {
    if (!client.inTransaction) throw new TransactionLost(err);
    client.prepare('ROLLBACK TO one_of_batch').run();
    client.prepare('RELEASE one_of_batch').run();
    throw err;
  }
}

/**
 * Thrown by {@link savepoint} when the error ended the whole transaction, not just the savepoint
 * (SQLite: an I/O error, a trigger's RAISE(ROLLBACK)): everything the transaction did so far is
 * gone, so its caller must fail the transaction rather than go on outside it.
 */
export class TransactionLost extends Error {
  constructor(readonly cause: unknown) {
    super(`the transaction was rolled back: ${(cause as Error)?.message ?? String(cause)}`);
  }
}

/** Rows changed by an insert/update/delete result of either driver (`changes` / `rowCount`). */
export function affectedRows(result: unknown): number {
  const r = result as { changes?: number; rowCount?: number | null };
  return r.changes ?? r.rowCount ?? 0;
}
