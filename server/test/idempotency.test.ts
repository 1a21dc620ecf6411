/**
 * Issue 17 #7: a client that retries a create command after a lost ack must not create a
 * duplicate. Create commands and routes take a `clientId`; the same id returns the same result.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb, collect, command, newUsers, roomWith, startServer, type Client, type ClientSocket, type TestServer } from './harness.js';

let server: TestServer;
let ada: Client;
let bob: Client;
let roomId: number;
let as: ClientSocket;
let bs: ClientSocket;
beforeAll(async () => {
  server = await startServer();
  [ada, bob] = await newUsers(server, 'ada', 'bob');
  roomId = (await roomWith(ada, [bob])).id;
  [as, bs] = await Promise.all([ada.socket(), bob.socket()]);
  await command(as, 'room:enter', { roomId });
  await command(bs, 'room:enter', { roomId });
});
afterAll(async () => {
  as?.disconnect();
  bs?.disconnect();
  await server.dispose();
});

const newId = () => crypto.randomUUID();
const count = async (sql: string, ...args: unknown[]) => ((await rawDb(server.app.db).get(sql, ...args)) as { n: number }).n;

describe('chat:send with a clientId is idempotent (issue 17 #7)', () => {
  it('sending twice with the same id makes one message, one broadcast and the same ack', async () => {
    const clientId = newId();
    const seen = collect(bs, 'chat:message');
    const first = await command(as, 'chat:send', { roomId, text: 'only once', clientId });
    const again = await command(as, 'chat:send', { roomId, text: 'only once', clientId });
    expect(first.ok).toBe(true);
    expect(again).toEqual(first);
    await command(as, 'chat:send', { roomId, text: 'a different message' });
    await expect.poll(() => seen.length).toBe(2);
    seen.stop();
    expect(seen.map((f) => f.message.text)).toEqual(['only once', 'a different message']);
    expect(await count("SELECT count(*) AS n FROM messages WHERE text = 'only once'")).toBe(1);
  });

  it('concurrent duplicates also make one message', async () => {
    const clientId = newId();
    const acks = await Promise.all([1, 2, 3].map(() => command(as, 'chat:send', { roomId, text: 'raced', clientId })));
    expect(new Set(acks.map((a) => (a.ok ? a.data.id : 0))).size).toBe(1);
    expect(await count("SELECT count(*) AS n FROM messages WHERE text = 'raced'")).toBe(1);
  });

  it('a retry after a restart finds the message (unique index), even under slow mode, without a broadcast', async () => {
    expect((await ada.patch(`/api/rooms/${roomId}`, { slowModeSeconds: 600 })).status).toBe(200);
    const clientId = newId();
    const first = await command(bs, 'chat:send', { roomId, text: 'survives restart', clientId });
    expect(first.ok).toBe(true);
    as.disconnect();
    bs.disconnect();
    server = await server.restart();
    ada.moveTo(server);
    bob.moveTo(server);
    [as, bs] = await Promise.all([ada.socket(), bob.socket()]);
    await command(as, 'room:enter', { roomId });
    await command(bs, 'room:enter', { roomId });
    const seen = collect(as, 'chat:message');
    const again = await command(bs, 'chat:send', { roomId, text: 'survives restart', clientId });
    expect(again).toEqual(first);
    // Without slow mode in the way, the insert itself meets the unique index.
    expect((await ada.patch(`/api/rooms/${roomId}`, { slowModeSeconds: 0 })).status).toBe(200);
    (await rawDb(server.app.db).run('UPDATE room_members SET last_message_at = NULL'));
    server.app.rooms.forgetMember(roomId); // a raw write: tell the membership cache (ADR 0022)
    const third = await command(bs, 'chat:send', { roomId, text: 'survives restart', clientId });
    expect(third).toEqual(first);
    expect(await count("SELECT count(*) AS n FROM messages WHERE text = 'survives restart'")).toBe(1);
    expect((await command(bs, 'chat:send', { roomId, text: 'fresh' })).ok).toBe(true);
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0].message.text).toBe('fresh');
    seen.stop();
  });

  it('POST /api/rooms/:id/messages honours the same key', async () => {
    const clientId = newId();
    const a = await bob.post(`/api/rooms/${roomId}/messages`, { text: 'http once', clientId });
    const b = await bob.post(`/api/rooms/${roomId}/messages`, { text: 'http once', clientId });
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
    expect(b.body.message.id).toBe(a.body.message.id);
    expect(await count("SELECT count(*) AS n FROM messages WHERE text = 'http once'")).toBe(1);
  });

  it('keys are per user, and a key reused in another room is refused', async () => {
    const clientId = newId();
    const mine = await command(as, 'chat:send', { roomId, text: 'same key, two people', clientId });
    const theirs = await command(bs, 'chat:send', { roomId, text: 'same key, two people', clientId });
    expect(mine.ok && theirs.ok && mine.data.id !== theirs.data.id).toBe(true);
    const other = (await roomWith(ada, [])).id;
    await command(as, 'room:enter', { roomId: other });
    const http = await ada.post(`/api/rooms/${other}/messages`, { text: 'elsewhere', clientId });
    expect(http.status).toBe(409);
  });

  it('refuses a malformed clientId', async () => {
    expect(await command(as, 'chat:send', { roomId, text: 'x', clientId: 'short' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await command(as, 'chat:send', { roomId, text: 'x', clientId: 'bad id with spaces!!!!' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  });
});

describe('other create commands and routes dedupe on clientId (issue 17 #7)', () => {
  it('todo:add', async () => {
    const clientId = newId();
    const seen = collect(bs, 'todo:added');
    const a = await command(as, 'todo:add', { roomId, text: 'one to-do', clientId });
    const b = await command(as, 'todo:add', { roomId, text: 'one to-do', clientId });
    expect(b).toEqual(a);
    expect(await count("SELECT count(*) AS n FROM todos WHERE text = 'one to-do'")).toBe(1);
    await command(as, 'todo:add', { roomId, text: 'another' });
    await expect.poll(() => seen.length).toBe(2);
    seen.stop();
  });

  it('chess:challenge', async () => {
    const clientId = newId();
    const a = await command(as, 'chess:challenge', { roomId, timeControl: null, clientId });
    const b = await command(as, 'chess:challenge', { roomId, timeControl: null, clientId });
    expect(a.ok).toBe(true);
    expect(b).toEqual(a);
  });

  it('POST /api/rooms and POST /api/alarms', async () => {
    const clientId = newId();
    const r1 = await ada.post('/api/rooms', { name: 'Made once', clientId });
    const r2 = await ada.post('/api/rooms', { name: 'Made once', clientId });
    expect(r1.status).toBe(201);
    expect(r2.body.room.id).toBe(r1.body.room.id);
    expect(await count("SELECT count(*) AS n FROM rooms WHERE name = 'Made once'")).toBe(1);

    const alarmId = newId();
    const a1 = await ada.post('/api/alarms', { kind: 'countdown', label: 'tea', minutes: 5, clientId: alarmId });
    const a2 = await ada.post('/api/alarms', { kind: 'countdown', label: 'tea', minutes: 5, clientId: alarmId });
    expect(a1.status).toBe(201);
    expect(a2.body.alarm.id).toBe(a1.body.alarm.id);
    expect(await count("SELECT count(*) AS n FROM alarms WHERE label = 'tea'")).toBe(1);
  });

  it('a failed attempt is not remembered: the retry runs again', async () => {
    const clientId = newId();
    const refused = await command(as, 'todo:add', { roomId: 999_999, text: 'nowhere', clientId });
    expect(refused.ok).toBe(false);
    expect((await command(as, 'todo:add', { text: 'somewhere', clientId })).ok).toBe(true);
  });
});
