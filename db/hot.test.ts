import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { openDb } from './client.js';
import { hotStatement } from './hot.js';
import { applyMigrations } from './migrate.js';
import { users } from './schema/index.js';
import { transaction } from './tx.js';

function freshDb() {
  const dir = mkdtempSync(join(tmpdir(), 'commonroom-hot-'));
  const db = openDb(join(dir, 'db.sqlite'));
  applyMigrations(db);
  return { db, done: () => { db.$client.close(); rmSync(dir, { recursive: true, force: true }); } };
}

type NewUser = { username: string; usernameKey: string; displayName: string; passwordHash: string; avatarColor: string; createdAt: number };
/** The builder names each value (a placeholder stands for one value, not for the whole object). */
const row = (v: NewUser) => ({ username: v.username, usernameKey: v.usernameKey, displayName: v.displayName, passwordHash: v.passwordHash, avatarColor: v.avatarColor, createdAt: v.createdAt });
const user = (name: string): NewUser => ({ username: name, usernameKey: name, displayName: name, passwordHash: 'x', avatarColor: '#123456', createdAt: 1_700_000_000_000 });

describe('hotStatement (SQLite)', () => {
  it('builds the query once per database and binds each call’s values', async () => {
    let builds = 0;
    const insert = hotStatement((db, v: NewUser) => {
      builds++;
      return db.insert(users).values(row(v)).returning({ id: users.id, username: users.username, createdAt: users.createdAt });
    });
    const rename = hotStatement((db, v: { id: number; displayName: string }) => db.update(users).set({ displayName: v.displayName }).where(eq(users.id, v.id)), 'run');
    const a = freshDb();
    const b = freshDb();
    const [ada] = await insert(a.db, user('ada'));
    const [bob] = await insert(a.db, user('bob'));
    expect(ada).toEqual({ id: 1, username: 'ada', createdAt: 1_700_000_000_000 });
    expect(bob!.id).toBe(2);
    expect(builds).toBe(1);
    // Another database gets its own statement.
    expect((await insert(b.db, user('cy')))[0]!.id).toBe(1);
    expect(builds).toBe(2);
    await rename(a.db, { id: 2, displayName: 'Bob B.' });
    expect((await a.db.select({ n: users.displayName }).from(users).where(eq(users.id, 2)))[0]!.n).toBe('Bob B.');
    a.done();
    b.done();
  });

  it('runs inside the transaction it is given: rolled back with it', async () => {
    const { db, done } = freshDb();
    const insert = hotStatement((d, v: NewUser) => d.insert(users).values(row(v)).returning({ id: users.id }));
    await insert(db, user('warm')); // prepared outside any transaction
    await expect(
      transaction(db, async (tx) => {
        await insert(tx, user('gone'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.select({ u: users.username }).from(users)).map((r) => r.u)).toEqual(['warm']);
    done();
  });

  it('a constraint violation throws and the statement stays usable', async () => {
    const { db, done } = freshDb();
    const insert = hotStatement((d, v: NewUser) => d.insert(users).values(row(v)).returning({ id: users.id }));
    await insert(db, user('ada'));
    await expect(insert(db, user('ada'))).rejects.toThrow(/UNIQUE/);
    expect((await insert(db, user('eve')))[0]!.id).toBeGreaterThan(1);
    done();
  });

  it("'count' resolves the rows the statement changed: 0 when its condition matched none", async () => {
    const { db, done } = freshDb();
    const insert = hotStatement((d, v: NewUser) => d.insert(users).values(row(v)).returning({ id: users.id }));
    const [ada] = await insert(db, user('ada'));
    const renameIf = hotStatement((d, v: { id: number; from: string; to: string }) => d.update(users).set({ displayName: v.to }).where(and(eq(users.id, v.id), eq(users.displayName, v.from))), 'count');
    expect(await renameIf(db, { id: ada!.id, from: 'ada', to: 'Ada' })).toBe(1);
    expect(await renameIf(db, { id: ada!.id, from: 'ada', to: 'Ada L.' })).toBe(0);
    expect((await db.select({ n: users.displayName }).from(users).where(eq(users.id, ada!.id)))[0]!.n).toBe('Ada');
    done();
  });
});
