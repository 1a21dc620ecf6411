/**
 * Issue 14 item 3: every security-relevant action, done through the real routes, leaves exactly
 * one audit entry naming its actor, target, room and the caller's IP; refused attempts leave none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desc, gt } from 'drizzle-orm';
import { auditLog } from '../../db/schema/index.js';
import { Client, command, newUsers, roomWith, startServer, type TestServer } from '../test/harness.js';

let server: TestServer;
let admin: Client;
let mod: Client;
let mia: Client;
let roomId: number;

/** Entries written since `mark`, oldest first. */
const since = (mark: number) => server.app.db.select().from(auditLog).where(gt(auditLog.id, mark)).orderBy(auditLog.id);
const lastId = async () => (await server.app.db.select({ id: auditLog.id }).from(auditLog).orderBy(desc(auditLog.id)).limit(1))[0]?.id ?? 0;

/** Runs `act` and returns the entries it wrote. */
async function entriesOf(act: () => Promise<unknown>) {
  const mark = await lastId();
  await act();
  return since(mark);
}

beforeAll(async () => {
  server = await startServer();
  [admin] = await newUsers(server, 'root');
  [mod, mia] = await newUsers(server, 'mod', 'mia');
  roomId = (await roomWith(mod, [mia])).id;
});
afterAll(() => server.dispose());

describe('audit entries for every listed action', () => {
  it('first-admin grant at registration (and no grant for later accounts)', async () => {
    const grants = (await server.app.db.select().from(auditLog)).filter((e) => e.action === 'admin.grant');
    expect(grants).toHaveLength(1);
    expect(grants[0]).toMatchObject({ actorId: admin.userId, actorName: 'root', targetUserId: admin.userId, ip: '127.0.0.1' });
    expect(JSON.parse(grants[0]!.detail!)).toEqual({ reason: 'first account of the instance' });
  });

  it('sign-in and failed sign-in (IP and attempted username; unknown accounts too)', async () => {
    const c = new Client(server.url);
    const rows = await entriesOf(async () => {
      expect((await c.post('/api/auth/login', { username: 'Mia', password: 'wrong password here' })).status).toBe(401);
      expect((await c.post('/api/auth/login', { username: 'nobody-here', password: 'whatever123' })).status).toBe(401);
      expect((await c.post('/api/auth/login', { username: 'mia', password: 'correct horse battery' })).status).toBe(200);
    });
    expect(rows.map((r) => r.action)).toEqual(['auth.sign_in_failed', 'auth.sign_in_failed', 'auth.sign_in']);
    expect(rows[0]).toMatchObject({ actorId: null, ip: '127.0.0.1', detail: JSON.stringify({ username: 'Mia' }) });
    expect(rows[1]).toMatchObject({ actorId: null, detail: JSON.stringify({ username: 'nobody-here' }) });
    expect(rows[2]).toMatchObject({ actorId: mia.userId, actorName: 'mia', ip: '127.0.0.1' });
    // Never the password.
    expect(rows.some((r) => r.detail?.includes('wrong password'))).toBe(false);
  });

  it('password change (and nothing for a wrong current password)', async () => {
    const c = await new Client(server.url).register('pat');
    const wrong = await entriesOf(async () => expect((await c.post('/api/auth/password', { currentPassword: 'not it at all', newPassword: 'a brand new secret' })).status).toBe(403));
    expect(wrong).toEqual([]);
    const rows = await entriesOf(async () => expect((await c.post('/api/auth/password', { currentPassword: 'correct horse battery', newPassword: 'a brand new secret' })).status).toBe(204));
    expect(rows).toMatchObject([{ action: 'auth.password_change', actorId: c.userId, actorName: 'pat' }]);
  });

  it('sign-out everywhere', async () => {
    const c = await new Client(server.url).register('sam');
    const rows = await entriesOf(async () => expect((await c.post('/api/auth/logout-all')).status).toBe(204));
    expect(rows).toMatchObject([{ action: 'auth.sign_out_everywhere', actorId: c.userId }]);
    expect(JSON.parse(rows[0]!.detail!)).toEqual({ sessions: 1 });
  });

  it('room create (with the name; never the passcode) and delete', async () => {
    let id = 0;
    const created = await entriesOf(async () => {
      const r = await mod.post('/api/rooms', { name: 'Secret club', passcode: 'open sesame' });
      id = r.body.room.id;
    });
    expect(created).toMatchObject([{ action: 'room.create', actorId: mod.userId, roomId: id }]);
    expect(JSON.parse(created[0]!.detail!)).toEqual({ name: 'Secret club', listed: true, passcode: true });
    expect(created[0]!.detail).not.toContain('open sesame');
    const deleted = await entriesOf(async () => expect((await mod.del(`/api/rooms/${id}`)).status).toBe(204));
    expect(deleted).toMatchObject([{ action: 'room.delete', actorId: mod.userId, roomId: id, detail: JSON.stringify({ name: 'Secret club' }) }]);
  });

  it('a retried create (same clientId) records one entry', async () => {
    const clientId = 'c0ffee00-0000-4000-8000-000000000001';
    const rows = await entriesOf(async () => {
      await mod.post('/api/rooms', { name: 'Once', clientId });
      await mod.post('/api/rooms', { name: 'Once', clientId });
    });
    expect(rows.map((r) => r.action)).toEqual(['room.create']);
  });

  it('passcode set and removed; other settings changes are not passcode changes', async () => {
    const rows = await entriesOf(async () => {
      await mod.patch(`/api/rooms/${roomId}`, { passcode: 'letmein!' });
      await mod.patch(`/api/rooms/${roomId}`, { slowModeSeconds: 5 });
      await mod.patch(`/api/rooms/${roomId}`, { passcode: null });
      await mod.patch(`/api/rooms/${roomId}`, { slowModeSeconds: 0 });
    });
    expect(rows.map((r) => [r.action, r.detail])).toEqual([
      ['room.passcode_change', JSON.stringify({ passcode: 'set' })],
      ['room.passcode_change', JSON.stringify({ passcode: 'removed' })],
    ]);
  });

  it('join-code rotation', async () => {
    const rows = await entriesOf(async () => expect((await mod.post(`/api/rooms/${roomId}/rotate-code`)).status).toBe(200));
    expect(rows).toMatchObject([{ action: 'room.code_rotate', actorId: mod.userId, roomId }]);
  });

  it('mute and unmute, with the target', async () => {
    const rows = await entriesOf(async () => {
      expect((await mod.post(`/api/rooms/${roomId}/members/${mia.userId}/mute`, { minutes: 10 })).status).toBe(200);
      expect((await mod.del(`/api/rooms/${roomId}/members/${mia.userId}/mute`)).status).toBe(200);
    });
    expect(rows).toMatchObject([
      { action: 'room.mute', actorId: mod.userId, targetUserId: mia.userId, targetName: 'mia', roomId, detail: JSON.stringify({ minutes: 10 }) },
      { action: 'room.unmute', targetUserId: mia.userId, roomId },
    ]);
  });

  it('kick; a refused kick (a member kicking the moderator) records nothing', async () => {
    const refused = await entriesOf(async () => expect((await mia.post(`/api/rooms/${roomId}/members/${mod.userId}/kick`)).status).toBe(403));
    expect(refused).toEqual([]);
    const rows = await entriesOf(async () => expect((await mod.post(`/api/rooms/${roomId}/members/${mia.userId}/kick`)).status).toBe(204));
    expect(rows).toMatchObject([{ action: 'room.kick', actorId: mod.userId, targetUserId: mia.userId, targetName: 'mia', roomId, ip: '127.0.0.1' }]);
  });

  it('ban with message purge, then unban', async () => {
    const room = await mod.get(`/api/rooms/${roomId}`);
    expect((await mia.post(`/api/rooms/${roomId}/join`, { code: room.body.room.code })).status).toBe(200);
    await mia.post(`/api/rooms/${roomId}/messages`, { text: 'spam spam' });
    await mia.post(`/api/rooms/${roomId}/messages`, { text: 'more spam' });
    const rows = await entriesOf(async () => {
      expect((await mod.post(`/api/rooms/${roomId}/members/${mia.userId}/ban`, { minutes: 60, reason: 'spam', deleteMessages: true })).status).toBe(204);
      expect((await mod.del(`/api/rooms/${roomId}/bans/${mia.userId}`)).status).toBe(204);
    });
    expect(rows.map((r) => r.action)).toEqual(['room.ban', 'room.message_purge', 'room.unban']);
    expect(rows[0]).toMatchObject({ targetUserId: mia.userId, roomId });
    expect(JSON.parse(rows[0]!.detail!)).toMatchObject({ reason: 'spam', deleteMessages: true, until: expect.any(Number) });
    expect(JSON.parse(rows[1]!.detail!)).toEqual({ messages: 2 });
  });

  it('role change and ownership transfer', async () => {
    const room = await mod.get(`/api/rooms/${roomId}`);
    await mia.post(`/api/rooms/${roomId}/join`, { code: room.body.room.code });
    const rows = await entriesOf(async () => {
      expect((await mod.put(`/api/rooms/${roomId}/members/${mia.userId}/role`, { role: 'moderator' })).status).toBe(200);
      expect((await mod.post(`/api/rooms/${roomId}/transfer`, { userId: mia.userId })).status).toBe(200);
    });
    expect(rows).toMatchObject([
      { action: 'room.role_change', targetUserId: mia.userId, detail: JSON.stringify({ role: 'moderator' }) },
      { action: 'room.transfer', actorId: mod.userId, targetUserId: mia.userId, roomId },
    ]);
  });

  it("a moderator deleting someone else's message over the socket (deleting your own is not audited)", async () => {
    const [boss, kid] = await newUsers(server, 'boss', 'kid');
    const rid = (await roomWith(boss, [kid])).id;
    const [bs, ks] = await Promise.all([boss.socket(), kid.socket()]);
    try {
      const own = await command(bs, 'chat:send', { roomId: rid, text: 'mine' });
      const theirs = await command(ks, 'chat:send', { roomId: rid, text: 'rude words' });
      if (!own.ok || !theirs.ok) throw new Error('send failed');
      const refused = await entriesOf(async () => expect(await command(ks, 'chat:delete', { roomId: rid, messageId: own.data.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } }));
      expect(refused).toEqual([]);
      const rows = await entriesOf(async () => {
        expect(await command(bs, 'chat:delete', { roomId: rid, messageId: own.data.id })).toMatchObject({ ok: true });
        expect(await command(bs, 'chat:delete', { roomId: rid, messageId: theirs.data.id })).toMatchObject({ ok: true });
      });
      expect(rows).toMatchObject([{ action: 'room.message_delete', actorId: boss.userId, actorName: 'boss', targetUserId: kid.userId, targetName: 'kid', roomId: rid, ip: '127.0.0.1', detail: JSON.stringify({ messageId: theirs.data.id }) }]);
    } finally {
      bs.disconnect();
      ks.disconnect();
    }
  });

  it('stream key view and rotation (never the key itself)', async () => {
    const rows = await entriesOf(async () => {
      const view = await mia.get(`/api/rooms/${roomId}/stream/settings`);
      expect(view.status).toBe(200);
      const rotated = await mia.post(`/api/rooms/${roomId}/stream/key/rotate`);
      expect(rotated.status).toBe(200);
      expect(JSON.stringify(await since(0))).not.toContain(view.body.streamKey);
      expect(JSON.stringify(await since(0))).not.toContain(rotated.body.streamKey);
    });
    expect(rows).toMatchObject([
      { action: 'stream.key_view', actorId: mia.userId, roomId },
      { action: 'stream.key_rotate', actorId: mia.userId, roomId },
    ]);
  });

  it('a stranger viewing the stream key is refused and records nothing', async () => {
    const stranger = await new Client(server.url).register('eve');
    const rows = await entriesOf(async () => expect((await stranger.get(`/api/rooms/${roomId}/stream/settings`)).status).not.toBe(200));
    expect(rows).toEqual([]);
  });
});

describe('the IP recorded', () => {
  it('is the socket address; X-Forwarded-For counts only with TRUST_PROXY=true', async () => {
    const failed = async (s: TestServer) => {
      const c = new Client(s.url, { 'x-forwarded-for': '203.0.113.9' });
      await c.post('/api/auth/login', { username: 'someone', password: 'wrong-password' });
      return (await s.app.db.select().from(auditLog).orderBy(desc(auditLog.id)).limit(1))[0]!;
    };
    expect((await failed(server)).ip).toBe('127.0.0.1');
    const proxied = await startServer({ config: { trustProxy: true } });
    try {
      expect(await failed(proxied)).toMatchObject({ action: 'auth.sign_in_failed', ip: '203.0.113.9' });
    } finally {
      await proxied.dispose();
    }
  });
});
