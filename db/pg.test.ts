/**
 * The PostgreSQL side of the database layer against a real, throwaway PostgreSQL (db/pg-server.ts):
 * migrations under the advisory lock (three nodes starting together migrate once) and the
 * copy-to-postgres command on a SQLite database written by the real server. Skipped when
 * PostgreSQL is not installed (CI installs it).
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command, newUser, roomWith, startServer } from '../server/test/harness.js';
import { copyToPostgresCommand } from './copy-to-postgres.js';
import { migratePgPool, PG_MIGRATIONS_DIR } from './migrate.js';
import { havePostgres, startPgServer, type PgServer } from './pg-server.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// Under `npm run test:pg` the whole process is bound to PostgreSQL; this file tests the SQLite → pg copy.
const runs = havePostgres() && !process.env.DATABASE_URL;

describe.skipIf(!runs)('PostgreSQL database layer', () => {
  let server: PgServer;
  let n = 0;
  const freshDb = async () => {
    const name = `db${++n}`;
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return server.urlFor(name);
  };
  beforeAll(async () => {
    server = await startPgServer();
  }, 60_000);
  afterAll(() => server?.stop());

  it('three nodes migrating at once apply every migration exactly once', async () => {
    const url = await freshDb();
    const pools = [0, 1, 2].map(() => new pg.Pool({ connectionString: url, max: 2 }));
    await Promise.all(pools.map((p) => migratePgPool(p)));
    const journal = JSON.parse(readFileSync(join(PG_MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    const { rows } = await pools[0]!.query('SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations');
    expect(rows[0].n).toBe(journal.entries.length);
    const tables = await pools[0]!.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public'");
    expect(tables.rows[0].n).toBeGreaterThan(40);
    await Promise.all(pools.map((p) => p.end()));
  }, 60_000);

  it('copy-to-postgres copies every table with ids, booleans and sequences, and verifies counts', async () => {
    // A SQLite instance with real data, written by the real server.
    const app = await startServer();
    const [ada, bob] = [await newUser(app, 'ada'), await newUser(app, 'bob')];
    const room = await roomWith(ada, [bob]);
    const s = await ada.socket();
    for (let i = 0; i < 7; i++) expect((await command(s, 'chat:send', { roomId: room.id, text: `hello ${i} https://example.org` })).ok).toBe(true);
    s.disconnect();
    await app.close();
    const file = join(app.dataDir, 'commonroom.sqlite');
    const lite = new Database(file, { readonly: true });
    const liteMessages = lite.prepare('SELECT id, text, room_id FROM messages ORDER BY id').all() as { id: number; text: string; room_id: number }[];
    lite.close();
    expect(liteMessages.length).toBe(7);

    const url = await freshDb();
    const out: string[] = [];
    const err: string[] = [];
    const code = await copyToPostgresCommand(['--from', file, '--to', url], (l) => out.push(l), (l) => err.push(l));
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(out.filter((l) => l.startsWith('DIFF'))).toEqual([]);
    expect(out.some((l) => /^ok\s+messages: sqlite 7, postgresql 7$/.test(l))).toBe(true);

    const c = new pg.Client({ connectionString: url });
    await c.connect();
    const users = await c.query('SELECT id, username, is_admin, disabled FROM users ORDER BY id');
    expect(users.rows).toEqual([
      { id: ada.userId, username: 'ada', is_admin: true, disabled: false },
      { id: bob.userId, username: 'bob', is_admin: false, disabled: false },
    ]);
    const msgs = await c.query('SELECT id, text, room_id FROM messages ORDER BY id');
    expect(msgs.rows).toEqual(liteMessages);
    // Sequences continue after the copied ids.
    const next = await c.query(
      "INSERT INTO users (username, username_key, password_hash, display_name, avatar_color, created_at) VALUES ('cy', 'cy', 'x', 'cy', '#000', 1) RETURNING id",
    );
    expect(next.rows[0].id).toBe(Math.max(ada.userId, bob.userId) + 1);
    await c.query("DELETE FROM users WHERE username = 'cy'");
    await c.end();

    // A second copy into the same (now filled) database is refused and changes nothing.
    const again: string[] = [];
    expect(await copyToPostgresCommand(['--from', file, '--to', url], () => {}, (l) => again.push(l))).toBe(1);
    expect(again.join('\n')).toMatch(/already has rows/);
    const c2 = new pg.Client({ connectionString: url });
    await c2.connect();
    expect((await c2.query('SELECT count(*)::int AS n FROM messages')).rows[0].n).toBe(7);
    await c2.end();
    await app.dispose();
  }, 120_000);

  it('rejects bad arguments', async () => {
    const err: string[] = [];
    expect(await copyToPostgresCommand(['--from', 'x.sqlite'], () => {}, (l) => err.push(l))).toBe(2);
    expect(await copyToPostgresCommand(['--from', 'x.sqlite', '--to', 'mysql://x'], () => {}, (l) => err.push(l))).toBe(2);
    expect(err[0]).toMatch(/usage/);
  });
});
