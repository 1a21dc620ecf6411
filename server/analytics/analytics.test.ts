/** The analytics API over real HTTP and sockets: admins only, validated, fed by real activity. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb, Client, command, newUser, newUsers, roomWith, startServer, type TestServer } from '../test/harness.js';

let server: TestServer;
let admin: Client, owner: Client, mod: Client, member: Client, other: Client;
let roomId: number;

beforeAll(async () => {
  server = await startServer();
  admin = await newUser(server, 'admin');
  [owner, mod, member, other] = await newUsers(server, 'owner', 'mod', 'member', 'other');
  roomId = (await roomWith(owner, [mod, member])).id;
  await roomWith(other, []);
  await owner.put(`/api/rooms/${roomId}/members/${mod.userId}/role`, { role: 'moderator' });
});
afterAll(() => server.dispose());

describe('GET /api/admin/analytics', () => {
  it('answers admins only', async () => {
    expect((await new Client(server.url).get('/api/admin/analytics')).status).toBe(401);
    for (const c of [owner, mod, member, other]) {
      const r = await c.get('/api/admin/analytics?days=7');
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('FORBIDDEN');
      expect(r.body.days).toBeUndefined();
    }
    expect((await admin.get('/api/admin/analytics')).status).toBe(200);
  });

  it('lets admins only run the rollup now; a foreign Origin is refused', async () => {
    expect((await new Client(server.url).post('/api/admin/analytics/rollup')).status).toBe(401);
    for (const c of [owner, mod, member]) expect((await c.post('/api/admin/analytics/rollup')).status).toBe(403);
    expect((await admin.req('POST', '/api/admin/analytics/rollup', {}, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await admin.post('/api/admin/analytics/rollup?days=7')).body.days).toHaveLength(7);
    expect((await admin.post('/api/admin/analytics/rollup?days=5')).status).toBe(400);
  });

  it('takes 7, 30 or 90 days and nothing else', async () => {
    for (const days of [7, 30, 90]) expect((await admin.get(`/api/admin/analytics?days=${days}`)).body.days).toHaveLength(days);
    expect((await admin.get('/api/admin/analytics')).body.days).toHaveLength(30);
    for (const bad of ['8', '0', '-7', 'abc', '7.5', '1e9', '']) expect((await admin.get(`/api/admin/analytics?days=${bad}`)).status, bad).toBe(400);
  });

  it('records broadcasts from the stream facts (start, end)', async () => {
    const state = { roomId, status: 'live', streamId: 'bench1', playlistUrl: null, startedAt: Date.now(), viewers: 0, renditions: [], segmentSeconds: 1, ingestLagMs: 0 };
    await server.app.roomEvents.broadcast(roomId, 'stream:started', { state } as never);
    // Facts are recorded without holding them up: wait for the writes, not for a time.
    await server.app.activity.settled();
    expect(await server.app.activity.liveRooms()).toEqual([roomId]);
    await server.app.roomEvents.broadcast(roomId, 'stream:ended', { streamId: 'bench1', reason: 'stopped', error: null, endedAt: Date.now(), vodId: null } as never);
    await server.app.activity.settled();
    expect(await server.app.activity.liveRooms()).toEqual([]);
    expect((await rawDb(server.app.db).get('SELECT count(*) AS n FROM stream_sessions WHERE ended_at IS NOT NULL'))).toEqual({ n: 1 });
  });

  it('counts what people do: connecting, messages, busiest room (after a rollup run)', async () => {
    const s = await member.socket();
    await command(s, 'room:enter', { roomId });
    for (const text of ['one', 'two', 'three']) expect((await command(s, 'chat:send', { roomId, text })).ok).toBe(true);
    await expect.poll(async () => ((await rawDb(server.app.db).get('SELECT count(*) AS n FROM user_activity_days WHERE user_id = ?', member.userId)) as { n: number }).n).toBe(1);
    await server.app.activity.sample(server.app.io.of('/').sockets.size, 0);
    await server.app.rollup.run();
    const page = (await admin.get('/api/admin/analytics?days=7')).body;
    const today = page.days.at(-1);
    expect(today).toMatchObject({ messages: 3, signups: 5, dau: 1, peakSockets: 1, streams: 1 });
    expect(today.storageBytes).toBeGreaterThan(0);
    expect(page.busiestRooms).toEqual([{ roomId, name: 'Study hall', messages: 3 }]);
    expect(page.computedAt).toBeGreaterThan(0);
    // A second run finds nothing new and counts nothing twice.
    expect((await server.app.rollup.run()).newRows).toBe(0);
    expect((await admin.get('/api/admin/analytics?days=7')).body.days.at(-1).messages).toBe(3);
    s.disconnect();
  });

  it('a backfill in small batches ends with the same figures as one run', async () => {
    const raw = rawDb(server.app.db);
    const oneGo = (await admin.get('/api/admin/analytics?days=7')).body.days.at(-1);
    for (const t of ['analytics_daily', 'analytics_room_daily', 'analytics_state']) await raw.run(`DELETE FROM ${t}`);
    let runs = 0;
    while ((await server.app.rollup.run(Date.now(), 1)).more) runs++;
    expect(runs).toBeGreaterThanOrEqual(3);
    const batched = (await admin.get('/api/admin/analytics?days=7')).body.days.at(-1);
    expect({ ...batched, storageBytes: 0 }).toEqual({ ...oneGo, storageBytes: 0 });
  });

  it('runs at the same time (the timer and "Update now", or two nodes) count every row once', async () => {
    const raw = rawDb(server.app.db);
    const oneGo = (await admin.get('/api/admin/analytics?days=7')).body.days.at(-1);
    for (const t of ['analytics_daily', 'analytics_room_daily', 'analytics_state']) await raw.run(`DELETE FROM ${t}`);
    // On PostgreSQL each run is a transaction on a pooled connection of its own.
    await Promise.all([1, 2, 3].map(() => server.app.rollup.run()));
    const together = (await admin.get('/api/admin/analytics?days=7')).body.days.at(-1);
    expect({ ...together, storageBytes: 0 }).toEqual({ ...oneGo, storageBytes: 0 });
  });
});
