/**
 * File name search and its trigram index on both dialects (ADR 0033 SQLite FTS5, ADR 0036
 * PostgreSQL pg_trgm): literal LIKE wildcards, and on PostgreSQL that the GIN index exists, that the
 * planner answers name fragments from it, and that a database user who may not create the
 * pg_trgm extension still migrates and searches correctly (without the index).
 */
import { randomBytes } from 'node:crypto';
import { and, sql, type SQL } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isPostgresUrl, type Db } from '../../db/client.js';
import { dropTestDatabase } from '../../db/pg-test-db.js';
import { roomFiles } from '../../db/schema/index.js';
import { isSqlite, transaction } from '../../db/tx.js';
import type { FileDto } from '../../protocol/files.js';
import { newUsers, roomWith, startServer, type Client, type TestServer } from '../test/harness.js';
import { escapeLike, fileIdsByName, hasPgNameIndex, nameContains, NAME_INDEX_CAP, PG_NAME_INDEX } from './name-search-sql.js';
import { mulberry32 } from '../test/random.js';
import { uploadBytes } from './test-helpers.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

const PG_ADMIN = process.env.DATABASE_URL;
const ON_PG = isPostgresUrl(PG_ADMIN);
const PG_ONLY = 'PostgreSQL only (npm run test:pg): SQLite answers names from its FTS5 trigram table, tested in folders.test.ts';

let server: TestServer;
let owner: Client, member: Client;
let roomId: number;

beforeAll(async () => {
  server = await startServer();
  [owner, member] = await newUsers(server, 'nsowner', 'nsmember');
  roomId = (await roomWith(owner, [member])).id;
});
afterAll(async () => server?.dispose());

const names = async (c: Client, q: string) => ((await c.get(`/api/rooms/${roomId}/files/search?q=${encodeURIComponent(q)}`)).body.files as FileDto[]).map((f) => f.name).sort();

/** drizzle on node-postgres: raw statements (catalog reads, EXPLAIN). */
const pgRows = async <T>(db: Db, q: SQL): Promise<T[]> => (await (db as unknown as { execute(q: SQL): Promise<{ rows: T[] }> }).execute(q)).rows;

describe('LIKE wildcards typed by a user are literal, on both dialects', () => {
  it('"50%" and "a_b" find only names that contain them as typed, through the index and through the scan', async () => {
    for (const name of ['50% off.txt', '500 pages.txt', '5x0.txt', 'a_b notes.txt', 'axb notes.txt', 'A_B UPPER.txt']) await uploadBytes(member, roomId, name, Buffer.from(name));
    expect(await names(member, '50%')).toEqual(['50% off.txt']);
    expect(await names(member, 'a_b')).toEqual(['A_B UPPER.txt', 'a_b notes.txt']);
    expect(await names(member, 'A_b NOTES')).toEqual(['a_b notes.txt']);
    // Two characters: below any trigram index, the scan applies the same literal LIKE.
    expect(await names(member, '0%')).toEqual(['50% off.txt']);
    expect(await names(member, '_b')).toEqual(['A_B UPPER.txt', 'a_b notes.txt']);
    expect(await names(member, '%')).toEqual(['50% off.txt']);
    expect(await names(member, '_')).toEqual(['A_B UPPER.txt', 'a_b notes.txt']);
    // The index lookup itself (both dialects when the index is there) answers the same literal way.
    const ids = await fileIdsByName(server.app.db, ['a_b']);
    expect(ids).not.toBeNull();
    expect(ids).toHaveLength(2);
    expect(await fileIdsByName(server.app.db, ['50%'])).toHaveLength(1);
  });

  it('escapes %, _ and \\ for LIKE … ESCAPE "\\"', () => {
    expect(escapeLike('50%')).toBe('50\\%');
    expect(escapeLike('a_b')).toBe('a\\_b');
    expect(escapeLike('c:\\x')).toBe('c:\\\\x');
    expect(escapeLike('plain')).toBe('plain');
  });
});

describe('PostgreSQL trigram index (pg_trgm GIN)', () => {
  it('exists after the migrations, and the planner answers a name fragment from it', async (ctx) => {
    if (!ON_PG || isSqlite(server.app.db)) return ctx.skip(PG_ONLY);
    const db = server.app.db;
    const [def] = await pgRows<{ indexdef: string }>(db, sql`SELECT indexdef FROM pg_indexes WHERE indexname = ${PG_NAME_INDEX}`);
    expect(def?.indexdef).toMatch(/USING gin \(name_lower gin_trgm_ops\) WITH \(fastupdate='?off'?\)/);
    expect(await hasPgNameIndex(db)).toBe(true);

    // A few thousand rows (a shared word, a number and a made-up word each) so the plan is a real
    // choice, then EXPLAIN of the exact query fileIdsByName runs, for a fragment of one made-up word.
    const [u] = await pgRows<{ id: number }>(db, sql`SELECT id FROM users ORDER BY id LIMIT 1`);
    const rand = mulberry32(36);
    const word = () => Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(rand() * 26))).join('');
    const rows = Array.from({ length: 3000 }, (_, i) => {
      const name = `Lecture ${i} ${word()}.pdf`;
      return { roomId, name, nameLower: name.toLowerCase(), size: 1, mime: 'application/pdf', kind: 'pdf' as const, sha256: i.toString(16).padStart(64, '0'), uploaderId: u!.id, createdAt: i };
    });
    await db.insert(roomFiles).values(rows);
    await pgRows(db, sql`ANALYZE room_files`);
    const target = rows[1234]!.nameLower.split(' ')[2]!.slice(1, 7); // six letters of one made-up word
    const expected = rows.filter((r) => r.nameLower.includes(target)).map((r) => r.name).sort();
    const query = db.select({ id: roomFiles.id }).from(roomFiles).where(and(nameContains(target))).limit(NAME_INDEX_CAP + 1);
    const plan = async (seqscan: boolean) =>
      transaction(db, async (tx) => {
        if (!seqscan) await pgRows(tx, sql`SET LOCAL enable_seqscan = off`);
        const out = await pgRows<{ 'QUERY PLAN': string }>(tx, sql`EXPLAIN ${query.getSQL()}`);
        return out.map((r) => r['QUERY PLAN']).join('\n');
      });
    // At this size a sequential scan is honestly cheaper (the bench shows the choice on 100,000
    // files); with it switched off the planner must reach for the trigram index, not another one.
    console.log(`[name-search] plan for "${target}" over ${rows.length} rows:\n${await plan(true)}`);
    const indexed = await plan(false);
    expect(indexed).toMatch(new RegExp(`Bitmap Index Scan on ${PG_NAME_INDEX}`));
    expect(indexed).toMatch(new RegExp(`Index Cond: \\(name_lower ~~ '%${target}%'::text\\)`));
    expect(await names(member, target)).toEqual(expected);
    expect(await fileIdsByName(db, [target])).toHaveLength(expected.length);
    // Over the cap (3000 "lecture"s): null, the caller walks the newest files instead.
    expect(await fileIdsByName(db, ['lecture'])).toBeNull();
  });

  it('a database user who may not create pg_trgm migrates without the index and still finds files', async (ctx) => {
    if (!ON_PG || isSqlite(server.app.db)) return ctx.skip(PG_ONLY);
    const role = `cr_noext_${randomBytes(4).toString('hex')}`;
    const database = `t_${randomBytes(6).toString('hex')}`;
    const admin = async (url: string, statements: string[]) => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        for (const s of statements) await c.query(s);
      } finally {
        await c.end();
      }
    };
    const adminDbUrl = new URL(PG_ADMIN!);
    adminDbUrl.pathname = `/${database}`;
    const userUrl = new URL(adminDbUrl);
    userUrl.username = role;
    // A managed-host set-up: the application's user is no superuser and owns its database (drizzle
    // needs CREATE there for its own schema), but the host refuses pg_trgm (an extension
    // allow-list, here an event trigger raising the same error PostgreSQL gives a user without the
    // right). unaccent (message search) is allowed.
    await admin(PG_ADMIN!, [`CREATE ROLE ${role} LOGIN NOSUPERUSER`, `CREATE DATABASE ${database} OWNER ${role}`]);
    let other: TestServer | undefined;
    try {
      await admin(adminDbUrl.toString(), [
        `CREATE FUNCTION refuse_pg_trgm() RETURNS event_trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF current_query() ILIKE '%pg_trgm%' THEN
             RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE = 'permission denied to create extension "pg_trgm"';
           END IF;
         END $$`,
        "CREATE EVENT TRIGGER refuse_pg_trgm ON ddl_command_start WHEN TAG IN ('CREATE EXTENSION') EXECUTE FUNCTION refuse_pg_trgm()",
      ]);
      other = await startServer({ config: { databaseUrl: userUrl.toString(), databasePoolSize: 2 } });
      const db = other.app.db;
      expect((await pgRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'pg_trgm'`))[0]!.n).toBe(0);
      expect(await hasPgNameIndex(db)).toBe(false);
      const [o, m] = await newUsers(other, 'noextowner', 'noextmember');
      const room = (await roomWith(o!, [m!])).id;
      for (const name of ['Quaternion notes.txt', '50% off.txt', '500 pages.txt', 'a_b.txt', 'axb.txt']) await uploadBytes(m!, room, name, Buffer.from(name));
      const q = async (s: string) => ((await m!.get(`/api/rooms/${room}/files/search?q=${encodeURIComponent(s)}`)).body.files as FileDto[]).map((f) => f.name).sort();
      expect(await q('TERNION')).toEqual(['Quaternion notes.txt']);
      expect(await q('50%')).toEqual(['50% off.txt']);
      expect(await q('a_b')).toEqual(['a_b.txt']);
      expect(await q('zzqqxx')).toEqual([]);
      expect(await fileIdsByName(db, ['ternion'])).toBeNull(); // no index: the caller scans
    } finally {
      await other?.dispose();
      await dropTestDatabase(PG_ADMIN!, adminDbUrl.toString());
      await admin(PG_ADMIN!, [`DROP ROLE IF EXISTS ${role}`]);
    }
  });
});
