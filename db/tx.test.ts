import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { openDb } from './client.js';
import { applyMigrations } from './migrate.js';
import { users } from './schema/index.js';
import { affectedRows, isSqlite, transaction } from './tx.js';

function freshDb() {
  const dir = mkdtempSync(join(tmpdir(), 'commonroom-tx-'));
  const db = openDb(join(dir, 'db.sqlite'));
  applyMigrations(db);
  return { db, done: () => { db.$client.close(); rmSync(dir, { recursive: true, force: true }); } };
}

const user = (name: string) => ({ username: name, usernameKey: name, displayName: name, passwordHash: 'x', avatarColor: '#123456', createdAt: Date.now() });

describe('transaction (SQLite)', () => {
  it('commits an async body and returns its value', async () => {
    const { db, done } = freshDb();
    expect(isSqlite(db)).toBe(true);
    const id = await transaction(db, async (tx) => {
      const [row] = await tx.insert(users).values(user('ada')).returning({ id: users.id });
      return row!.id;
    });
    expect((await db.select().from(users).where(eq(users.id, id))).length).toBe(1);
    done();
  });

  it('rolls back everything when the body throws', async () => {
    const { db, done } = freshDb();
    await expect(
      transaction(db, async (tx) => {
        await tx.insert(users).values(user('bob'));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.select().from(users)).toEqual([]);
    expect(db.$client.inTransaction).toBe(false);
    done();
  });

  it('queues concurrent transactions and joins nested ones', async () => {
    const { db, done } = freshDb();
    const order: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        transaction(db, async (tx) => {
          order.push(`begin ${name}`);
          await tx.insert(users).values(user(name));
          await transaction(tx, async (inner) => inner.update(users).set({ displayName: name.toUpperCase() }).where(eq(users.username, name)));
          order.push(`end ${name}`);
        }),
      ),
    );
    expect(order).toEqual(['begin a', 'end a', 'begin b', 'end b', 'begin c', 'end c']);
    const result = await db.update(users).set({ displayName: 'x' });
    expect(affectedRows(result)).toBe(3);
    done();
  });
});
