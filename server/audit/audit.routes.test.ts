/**
 * The admin audit log routes: who may read them (authorisation matrix, nothing leaks), filters,
 * keyset pagination, the streamed CSV export with formula-injection escaping, and retention.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema/index.js';
import { rawDb, Client, newUsers, roomWith, startServer, type TestServer } from '../test/harness.js';
import { AuditService } from './audit.service.js';
import { csvCell } from './csv.js';

let server: TestServer;
let admin: Client;
let owner: Client;
let mod: Client;
let member: Client;
let anon: Client;
let roomId: number;

beforeAll(async () => {
  server = await startServer();
  [admin] = await newUsers(server, 'root');
  [owner, mod, member] = await newUsers(server, 'olga', 'moe', 'mel');
  roomId = (await roomWith(owner, [mod, member])).id;
  await owner.put(`/api/rooms/${roomId}/members/${mod.userId}/role`, { role: 'moderator' });
  anon = new Client(server.url);
});
afterAll(() => server.dispose());

const ROUTES = ['/api/admin/audit', '/api/admin/audit?action=room.kick', '/api/admin/audit/export.csv', `/api/admin/audit/export.csv?roomId=1`];

describe('authorisation matrix', () => {
  it.each(ROUTES)('%s: anonymous 401, member / moderator / owner 403, with no entry in the body', async (path) => {
    const a = await anon.get(path);
    expect(a.status).toBe(401);
    expect(a.body.error.code).toBe('UNAUTHENTICATED');
    for (const c of [member, mod, owner]) {
      const r = await c.get(path);
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ error: { code: 'FORBIDDEN', message: expect.any(String) } });
      expect(r.headers.get('content-type')).toContain('application/json');
    }
    expect((await admin.get(path)).status).toBe(200);
  });

  it('a demoted admin loses access at once', async () => {
    const c = await new Client(server.url).register('temp-admin');
    (await rawDb(server.app.db).run('UPDATE users SET is_admin = true WHERE id = ?', c.userId));
    expect((await c.get('/api/admin/audit')).status).toBe(200);
    (await rawDb(server.app.db).run('UPDATE users SET is_admin = false WHERE id = ?', c.userId));
    expect((await c.get('/api/admin/audit')).status).toBe(403);
  });

  it('there is no route that changes or deletes an entry', async () => {
    const before = (await server.app.db.select().from(auditLog)).length;
    for (const [method, path] of [['DELETE', '/api/admin/audit/1'], ['PATCH', '/api/admin/audit/1'], ['PUT', '/api/admin/audit/1'], ['DELETE', '/api/admin/audit'], ['POST', '/api/admin/audit']] as const) {
      const r = await admin.req(method, path, method === 'DELETE' ? undefined : {});
      expect(r.status).toBe(404);
    }
    expect((await server.app.db.select().from(auditLog)).length).toBe(before);
  });

  it('refuses garbage filters with 400', async () => {
    for (const q of ['action=room.explode', 'roomId=-1', 'roomId=abc', 'from=yesterday', 'limit=0', 'limit=100000', 'before=1;DROP', 'actor=' + 'x'.repeat(65), 'extra=1']) {
      const r = await admin.get(`/api/admin/audit?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    }
  });
});

describe('list: filters and pagination', () => {
  it('filters by actor, action, room and time, newest first', async () => {
    await mod.post(`/api/rooms/${roomId}/members/${member.userId}/mute`, { minutes: 5 });
    await mod.del(`/api/rooms/${roomId}/members/${member.userId}/mute`);
    const byAction = await admin.get(`/api/admin/audit?action=room.mute`);
    expect(byAction.body.entries).toMatchObject([{ action: 'room.mute', actorName: 'moe', targetName: 'mel', roomId, detail: { minutes: 5 } }]);
    const byActor = await admin.get(`/api/admin/audit?actor=MOE`);
    expect(byActor.body.entries.map((e: { action: string }) => e.action)).toEqual(['room.unmute', 'room.mute']);
    const byRoom = await admin.get(`/api/admin/audit?roomId=${roomId}`);
    expect(byRoom.body.entries.map((e: { action: string }) => e.action)).toEqual(['room.unmute', 'room.mute', 'room.role_change', 'room.create']);
    const first = byRoom.body.entries[3].at as number;
    const later = await admin.get(`/api/admin/audit?roomId=${roomId}&from=${first + 1}`);
    expect(later.body.entries.every((e: { at: number }) => e.at > first)).toBe(true);
    const earlier = await admin.get(`/api/admin/audit?roomId=${roomId}&to=${first + 1}`);
    expect(earlier.body.entries.map((e: { action: string }) => e.action)).toContain('room.create');
    expect((await admin.get(`/api/admin/audit?actor=nobody-at-all`)).body.entries).toEqual([]);
  });

  it('pages through every entry once with the cursor', async () => {
    for (let i = 0; i < 7; i++) await server.app.audit.record({ action: 'room.kick', actor: null, roomId: 999, detail: { i } });
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { body: { entries: { detail: { i: number } }[]; nextCursor: string | null } } = await admin.get(`/api/admin/audit?roomId=999&limit=3${cursor ? `&before=${cursor}` : ''}`);
      seen.push(...r.body.entries.map((e) => e.detail.i));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0]);
    expect(pages).toBe(3);
  });

  // EXPLAIN QUERY PLAN is SQLite's; PostgreSQL plans depend on table statistics.
  it.skipIf(!!process.env.DATABASE_URL)('uses an index for every filter (no full table scan)', () => {
    const sqlite = server.app.db.$client;
    const plans = [
      'SELECT * FROM audit_log ORDER BY at DESC, id DESC LIMIT 51',
      "SELECT * FROM audit_log WHERE action = 'room.kick' ORDER BY at DESC, id DESC LIMIT 51",
      'SELECT * FROM audit_log WHERE actor_id = 2 ORDER BY at DESC, id DESC LIMIT 51',
      'SELECT * FROM audit_log WHERE room_id = 2 AND at >= 0 ORDER BY at DESC, id DESC LIMIT 51',
      "SELECT * FROM audit_log WHERE actor_name = 'gone' ORDER BY at DESC, id DESC LIMIT 51",
    ].map((q) => (sqlite.prepare(`EXPLAIN QUERY PLAN ${q}`).all() as { detail: string }[]).map((r) => r.detail).join(' | '));
    for (const plan of plans) {
      expect(plan).toMatch(/USING (COVERING )?INDEX audit_log_/);
      expect(plan).not.toMatch(/TEMP B-TREE/);
    }
  });
});

describe('CSV export', () => {
  it('escapes formula cells and quotes per RFC 4180', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+1')).toBe(`'+1`);
    expect(csvCell('-2')).toBe(`'-2`);
    expect(csvCell('@SUM(A1)')).toBe(`'@SUM(A1)`);
    expect(csvCell('\tcmd')).toBe(`'\tcmd`);
    expect(csvCell('\rcmd')).toBe(`"'\rcmd"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell(null)).toBe('');
    expect(csvCell(42)).toBe('42');
  });

  it('downloads matching entries as an attachment with a formula-like username escaped', async () => {
    // Usernames may hold digits and '-': '-2-3' would compute in a spreadsheet.
    const hostile = await new Client(server.url).register('-2-3');
    await hostile.post('/api/auth/logout-all');
    const r = await admin.get('/api/admin/audit/export.csv?action=auth.sign_out_everywhere');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="commonroom-audit-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(r.headers.get('cache-control')).toBe('no-store');
    const lines = (r.body as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,time_utc,action,actor_id,actor,target_id,target,room_id,ip,detail');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(new RegExp(`^\\d+,\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z,auth\\.sign_out_everywhere,${hostile.userId},'-2-3,,,,127\\.0\\.0\\.1,"\\{""sessions"":1\\}"$`));
  });

  it('streams a large export in batches (chunked, every row once)', async () => {
    for (let from = 0; from < 3500; from += 500) {
      const rows = Array.from({ length: 500 }, (_, k) => from + k);
      await rawDb(server.app.db).run(
        `INSERT INTO audit_log (at, action, room_id, detail) VALUES ${rows.map(() => "(?, 'room.kick', 4242, ?)").join(', ')}`,
        ...rows.flatMap((i) => [1_700_000_000_000 + i, `{"i":${i}}`]),
      );
    }
    const res = await fetch(`${server.url}/api/admin/audit/export.csv?roomId=4242`, { headers: { cookie: admin.cookie } });
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.headers.get('content-length')).toBeNull();
    let chunks = 0;
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of res.body!) {
      chunks++;
      text += decoder.decode(chunk as Uint8Array, { stream: true });
    }
    const rows = text.trimEnd().split('\r\n').slice(1);
    expect(rows).toHaveLength(3500);
    expect(new Set(rows.map((l) => l.split(',')[0])).size).toBe(3500);
    expect(chunks).toBeGreaterThan(1);
  });
});

describe('retention', () => {
  it('prunes entries older than the retention period, keeps the rest', async () => {
    let now = 1_000 * 86_400_000;
    const audit = new AuditService(server.app.db, () => now);
    await audit.record({ action: 'room.kick', actor: null, roomId: 777, detail: { age: 'old' } });
    now += 29 * 86_400_000;
    await audit.record({ action: 'room.kick', actor: null, roomId: 777, detail: { age: 'new' } });
    now += 2 * 86_400_000; // the first is 31 days old, the second 2
    expect(await audit.prune(30)).toBeGreaterThanOrEqual(1);
    const left = (await audit.list({ roomId: 777 }, { limit: 10 })).entries.map((e) => e.detail);
    expect(left).toEqual([{ age: 'new' }]);
    expect(await audit.prune(0)).toBe(0);
  });

  it('prunes at start-up with AUDIT_RETENTION_DAYS (0 keeps everything)', async () => {
    const keepAll = await startServer({ config: { auditRetentionDays: 0 } });
    (await rawDb(keepAll.app.db).run("INSERT INTO audit_log (at, action) VALUES (?, 'room.kick'), (?, 'room.ban')", Date.now() - 8 * 86_400_000, Date.now() - 86_400_000));
    await keepAll.close();
    const again = await startServer({ dataDir: keepAll.dataDir, config: { auditRetentionDays: 0 } });
    expect((await again.app.db.select().from(auditLog)).map((e) => e.action)).toEqual(['room.kick', 'room.ban']);
    await again.close();
    const week = await startServer({ dataDir: keepAll.dataDir, config: { auditRetentionDays: 7 } });
    try {
      expect((await week.app.db.select().from(auditLog)).map((e) => e.action)).toEqual(['room.ban']);
    } finally {
      await week.dispose();
    }
  });
});
