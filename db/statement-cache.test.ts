import { describe, expect, it } from 'vitest';
import { openDb, STATEMENT_CACHE_SIZE } from './client.js';

/** The SQLite connection's compiled-statement cache (db/client.ts, ADR 0022). */
describe('statement cache', () => {
  const open = () => openDb(':memory:').$client;

  it('the same SQL text gets the same compiled statement', () => {
    const db = open();
    expect(db.prepare('select 1 as x')).toBe(db.prepare('select 1 as x'));
    expect(db.prepare('select 1 as x')).not.toBe(db.prepare('select 2 as x'));
  });

  it('a statement left in raw mode (as drizzle leaves its selects) comes back in row mode', () => {
    const db = open();
    expect(db.prepare('select 1 as x').raw(true).all()).toEqual([[1]]);
    expect(db.prepare('select 1 as x').all()).toEqual([{ x: 1 }]);
  });

  it('a statement with a running iterator is not handed out again: a fresh one runs beside it', () => {
    const db = open();
    db.exec('create table t (a integer); insert into t values (1), (2), (3)');
    const sql = 'select a from t order by a';
    const outer = db.prepare(sql).iterate() as IterableIterator<{ a: number }>;
    expect(outer.next().value).toEqual({ a: 1 });
    expect(db.prepare(sql).all()).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    expect([...outer]).toEqual([{ a: 2 }, { a: 3 }]);
  });

  it('keeps the most recently used statements up to its size', () => {
    const db = open();
    const first = db.prepare('select 0 as n');
    for (let i = 1; i <= STATEMENT_CACHE_SIZE; i++) db.prepare(`select ${i} as n`);
    expect(db.prepare('select 0 as n')).not.toBe(first);
    const kept = db.prepare(`select ${STATEMENT_CACHE_SIZE} as n`);
    expect(db.prepare(`select ${STATEMENT_CACHE_SIZE} as n`)).toBe(kept);
  });

  it('writes through cached statements see their own effects', () => {
    const db = open();
    db.exec('create table t (a integer)');
    for (let i = 0; i < 3; i++) db.prepare('insert into t values (?)').run(i);
    expect(db.prepare('select count(*) as c from t').get()).toEqual({ c: 3 });
  });
});
