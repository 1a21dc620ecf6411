/**
 * Direct messages (issue 13 #1): 1:1 and group conversations between people who share a room,
 * blocks, and direct conversations never behaving like rooms (no lobby, no code, no activities).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb, collect, command, newUser, newUsers, nextEvent, roomWith, startServer, type Client, type ClientSocket, type TestServer } from '../test/harness.js';

let server: TestServer;
let ann: Client;
let bob: Client;
let cat: Client;
let dan: Client;
let roomId: number;
beforeAll(async () => {
  server = await startServer();
  [ann, bob, cat, dan] = await newUsers(server, 'ann', 'bob', 'cat', 'dan');
  roomId = (await roomWith(ann, [bob, cat])).id;
});
afterAll(async () => {
  await server.dispose();
});

const count = async (sql: string, ...args: unknown[]) => ((await rawDb(server.app.db).get(sql, ...args)) as { n: number }).n;
const roomRows = async () => await count('SELECT count(*) AS n FROM rooms');
const memberRows = async () => await count('SELECT count(*) AS n FROM room_members');

describe('1:1 conversations', () => {
  let dmId: number;

  it('opens a conversation with someone who shares a room, and reaches them live', async () => {
    const bs = await bob.socket();
    const opened = nextEvent(bs, 'dm:opened');
    const r = await ann.post('/api/dms', { userId: bob.userId });
    expect(r.status).toBe(201);
    dmId = r.body.conversation.id;
    expect(r.body.conversation).toMatchObject({ kind: 'dm', others: [{ id: bob.userId, username: 'bob', online: true }], unread: 0, last: null });
    const fact = await opened;
    expect(fact.conversation).toMatchObject({ id: dmId, kind: 'dm', others: [{ id: ann.userId }] });
    bs.disconnect();
  });

  it('returns the same conversation for the pair, whoever opens it', async () => {
    const before = await roomRows();
    const again = await ann.post('/api/dms', { userId: bob.userId });
    const other = await bob.post('/api/dms', { userId: ann.userId });
    expect([again.status, other.status]).toEqual([200, 200]);
    expect([again.body.conversation.id, other.body.conversation.id]).toEqual([dmId, dmId]);
    expect(await roomRows()).toBe(before);
  });

  it('two opens at the same moment make one conversation', async () => {
    const before = await roomRows();
    const [a, b] = await Promise.all([ann.post('/api/dms', { userId: cat.userId }), cat.post('/api/dms', { userId: ann.userId })]);
    expect(a.body.conversation.id).toBe(b.body.conversation.id);
    expect(await roomRows()).toBe(before + 1);
  });

  it('chats like a room: send, typing, unread counts, read state, edit, react, delete', async () => {
    const [as, bs] = await Promise.all([ann.socket(), bob.socket()]);
    // Bob is elsewhere in the app: he gets dm:activity, not the message itself.
    const activity = nextEvent(bs, 'dm:activity');
    const lobbyActivity = collect(bs, 'lobby:activity');
    await command(as, 'room:enter', { roomId: dmId });
    const sent = await command(as, 'chat:send', { roomId: dmId, text: 'hi **bob**' });
    expect(sent.ok).toBe(true);
    const messageId = sent.ok ? sent.data.id : 0;
    expect(await activity).toEqual({ roomId: dmId, lastMessageId: messageId, authorId: ann.userId });
    expect(lobbyActivity).toHaveLength(0);
    lobbyActivity.stop();
    const list = await bob.get('/api/dms');
    expect(list.body.conversations[0]).toMatchObject({ id: dmId, unread: 1, last: { authorId: ann.userId, text: 'hi **bob**' } });
    // Bob opens it: history, typing both ways, read state.
    const snap = await command(bs, 'room:enter', { roomId: dmId });
    expect(snap.ok && snap.data.history.messages.map((m) => m.text)).toEqual(['hi **bob**']);
    expect(snap.ok && snap.data.room).toMatchObject({ kind: 'dm', code: '' });
    const typing = nextEvent(as, 'chat:typing');
    await command(bs, 'chat:typing', { roomId: dmId });
    expect((await typing).user.id).toBe(bob.userId);
    await command(bs, 'chat:read', { roomId: dmId, messageId });
    expect((await bob.get('/api/dms')).body.conversations[0].unread).toBe(0);
    const reply = await command(bs, 'chat:send', { roomId: dmId, text: 'hello', replyToId: messageId });
    expect(reply.ok && reply.data.replyTo?.id).toBe(messageId);
    expect((await command(as, 'chat:react', { roomId: dmId, messageId, emoji: '👍' })).ok).toBe(true);
    expect((await command(as, 'chat:edit', { roomId: dmId, messageId, text: 'hi Bob' })).ok).toBe(true);
    // Nobody moderates a conversation: Bob cannot delete Ann's message, Ann can.
    expect(await command(bs, 'chat:delete', { roomId: dmId, messageId })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await command(as, 'chat:delete', { roomId: dmId, messageId })).ok).toBe(true);
    as.disconnect();
    bs.disconnect();
  });

  it('refuses someone who shares no room, a non-existent user, myself, and garbage; nothing is created', async () => {
    const before = [await roomRows(), await memberRows()];
    const noRoom = await ann.post('/api/dms', { userId: dan.userId });
    expect([noRoom.status, noRoom.body.error.code]).toEqual([403, 'NO_SHARED_ROOM']);
    const ghost = await ann.post('/api/dms', { userId: 999_999 });
    expect([ghost.status, ghost.body.error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await ann.post('/api/dms', { userId: ann.userId })).body.error.code).toBe('VALIDATION');
    for (const body of [{}, { userId: 'bob' }, { userId: -1 }, { userId: 1.5 }, { userId: bob.userId, extra: 1 }, [], 'x']) {
      const r = await ann.post('/api/dms', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
    }
    expect((await new (ann.constructor as typeof Client)(server.url).post('/api/dms', { userId: bob.userId })).status).toBe(401);
    expect([await roomRows(), await memberRows()]).toEqual(before);
  });

  it('keeps working after the two stop sharing a room (a new one still needs a shared room)', async () => {
    const eve = await newUser(server, 'eve');
    const shared = await roomWith(eve, [dan]);
    const dm = await dan.post('/api/dms', { userId: eve.userId });
    expect(dm.status).toBe(201);
    expect((await dan.post(`/api/rooms/${shared.id}/leave`)).status).toBe(204);
    const ds = await dan.socket();
    const sent = await command(ds, 'chat:send', { roomId: dm.body.conversation.id, text: 'still here?' });
    expect(sent.ok).toBe(true);
    expect((await dan.post('/api/dms', { userId: eve.userId })).status).toBe(200);
    // But a group with Eve now needs a shared room again.
    const group = await dan.post('/api/dms/groups', { userIds: [eve.userId, ann.userId] });
    expect(group.body.error.code).toBe('NO_SHARED_ROOM');
    ds.disconnect();
  });
});

describe('direct conversations are not rooms', () => {
  let dmId: number;
  let ds: ClientSocket;
  beforeAll(async () => {
    dmId = (await ann.post('/api/dms', { userId: bob.userId })).body.conversation.id;
    ds = await dan.socket();
  });
  afterAll(() => ds.disconnect());

  it('never shows in the lobby, room search or my rooms', async () => {
    expect((await ann.get('/api/rooms')).body.rooms.map((r: { id: number }) => r.id)).not.toContain(dmId);
    expect((await ann.get('/api/rooms?q=Direct')).body.rooms).toHaveLength(0);
    expect((await ann.get('/api/rooms/mine')).body.rooms.map((r: { id: number }) => r.id)).toEqual([roomId]);
  });

  it('an outsider cannot read, send, enter, type or join it by id, and its code never leaves the server', async () => {
    const before = await count('SELECT count(*) AS n FROM messages WHERE room_id = ?', dmId);
    expect((await dan.get(`/api/rooms/${dmId}/messages`)).body.error.code).toBe('NOT_MEMBER');
    expect((await dan.post(`/api/rooms/${dmId}/messages`, { text: 'let me in' })).body.error.code).toBe('NOT_MEMBER');
    expect((await dan.get(`/api/dms/${dmId}`)).body.error.code).toBe('NOT_MEMBER');
    for (const [event, payload] of [
      ['room:enter', { roomId: dmId }],
      ['chat:send', { roomId: dmId, text: 'hi' }],
      ['chat:history', { roomId: dmId }],
      ['chat:typing', { roomId: dmId }],
    ] as const) {
      expect(await command(ds, event, payload), event).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    }
    const join = await dan.post(`/api/rooms/${dmId}/join`, {});
    expect([join.status, join.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const code = ((await rawDb(server.app.db).get('SELECT code FROM rooms WHERE id = ?', dmId)) as { code: string }).code;
    expect(code).not.toMatch(/^[A-Z0-9]{6}$/);
    expect([400, 404]).toContain((await dan.get(`/api/rooms/code/${encodeURIComponent(code)}`)).status);
    expect([400, 404]).toContain((await dan.post(`/api/rooms/${dmId}/join`, { code })).status);
    expect((await ann.get(`/api/rooms/${dmId}`)).body.room).toMatchObject({ code: '', kind: 'dm' });
    expect(await count('SELECT count(*) AS n FROM messages WHERE room_id = ?', dmId)).toBe(before);
    expect(await count('SELECT count(*) AS n FROM room_members WHERE room_id = ?', dmId)).toBe(2);
  });

  it('refuses room administration and room activities, even to its members', async () => {
    const as = await ann.socket();
    for (const [method, path, body] of [
      ['PATCH', `/api/rooms/${dmId}`, { name: 'mine now' }],
      ['DELETE', `/api/rooms/${dmId}`, undefined],
      ['POST', `/api/rooms/${dmId}/rotate-code`, {}],
      ['POST', `/api/rooms/${dmId}/leave`, {}],
      ['POST', `/api/rooms/${dmId}/members/${bob.userId}/kick`, {}],
      ['POST', `/api/rooms/${dmId}/members/${bob.userId}/mute`, { minutes: 5 }],
      ['GET', `/api/rooms/${dmId}/stream`, undefined],
      ['GET', `/api/rooms/${dmId}/leaderboard`, undefined],
    ] as const) {
      const r = await ann.req(method, path, body);
      expect([r.status, r.body?.error?.code], `${method} ${path}`).toEqual([404, 'NOT_FOUND']);
    }
    for (const [event, payload] of [
      ['study:enter', { roomId: dmId }],
      ['todo:add', { roomId: dmId, text: 'x' }],
      ['timer:act', { roomId: dmId, action: 'start' }],
      ['chess:list', { roomId: dmId }],
      ['bj:watch', { roomId: dmId }],
      ['call:join', { roomId: dmId }],
    ] as const) {
      const ack = await command(as, event, payload);
      expect(ack.ok, event).toBe(false);
      if (!ack.ok && ack.error.code !== 'VALIDATION') expect(ack.error.code, event).toBe('NOT_FOUND');
    }
    expect(await count('SELECT count(*) AS n FROM todos WHERE room_id = ?', dmId)).toBe(0);
    // Rooms still have all of it.
    expect((await command(as, 'todo:add', { roomId, text: 'room to-do' })).ok).toBe(true);
    as.disconnect();
  });

  it('does not count toward the rooms a user may own', async () => {
    const rows = (await rawDb(server.app.db).get("SELECT count(*) AS n FROM rooms WHERE owner_id = ? AND kind = 'room'", ann.userId)) as { n: number };
    expect(rows.n).toBe(1);
  });
});

describe('blocking', () => {
  let dmId: number;
  beforeAll(async () => {
    dmId = (await ann.post('/api/dms', { userId: bob.userId })).body.conversation.id;
  });

  it('blocks: the blocked person cannot message or reopen; the blocker no longer sees the conversation', async () => {
    const [as, bs] = await Promise.all([ann.socket(), bob.socket()]);
    const closed = nextEvent(as, 'dm:closed');
    const r = await ann.put(`/api/blocks/${bob.userId}`, {});
    expect(r.status).toBe(200);
    expect(r.body.user).toMatchObject({ id: bob.userId, username: 'bob' });
    expect(await closed).toEqual({ roomId: dmId });
    expect((await ann.get('/api/dms')).body.conversations.map((c: { id: number }) => c.id)).not.toContain(dmId);
    expect((await ann.get('/api/blocks')).body.users.map((u: { id: number }) => u.id)).toEqual([bob.userId]);

    const before = await count('SELECT count(*) AS n FROM messages WHERE room_id = ?', dmId);
    const seen = collect(as, 'dm:activity');
    expect(await command(bs, 'chat:send', { roomId: dmId, text: 'why?' })).toMatchObject({ ok: false, error: { code: 'BLOCKED' } });
    expect((await bob.post(`/api/rooms/${dmId}/messages`, { text: 'over HTTP' })).body.error.code).toBe('BLOCKED');
    expect((await command(bs, 'room:enter', { roomId: dmId })).ok).toBe(true);
    expect(await command(bs, 'chat:typing', { roomId: dmId })).toMatchObject({ ok: false, error: { code: 'BLOCKED' } });
    expect((await bob.post('/api/dms', { userId: ann.userId })).body.error.code).toBe('BLOCKED');
    // Both directions: the blocker cannot write either until they unblock.
    expect(await command(as, 'chat:send', { roomId: dmId, text: 'bye' })).toMatchObject({ ok: false, error: { code: 'BLOCKED' } });
    expect((await ann.post('/api/dms', { userId: bob.userId })).body.error.code).toBe('BLOCKED');
    // Neither may put the other in a group.
    expect((await bob.post('/api/dms/groups', { userIds: [ann.userId, cat.userId] })).body.error.code).toBe('BLOCKED');
    expect((await ann.post('/api/dms/groups', { userIds: [bob.userId, cat.userId] })).body.error.code).toBe('BLOCKED');
    expect(await count('SELECT count(*) AS n FROM messages WHERE room_id = ?', dmId)).toBe(before);
    expect(seen).toHaveLength(0);
    seen.stop();
    as.disconnect();
    bs.disconnect();
  });

  it('blocking twice is harmless; blocking myself or nobody is refused', async () => {
    expect((await ann.put(`/api/blocks/${bob.userId}`, {})).status).toBe(200);
    expect(await count('SELECT count(*) AS n FROM user_blocks')).toBe(1);
    expect((await ann.put(`/api/blocks/${ann.userId}`, {})).body.error.code).toBe('CONFLICT');
    expect((await ann.put('/api/blocks/999999', {})).body.error.code).toBe('NOT_FOUND');
    expect((await ann.put('/api/blocks/bob', {})).status).toBe(400);
    expect(await count('SELECT count(*) AS n FROM user_blocks')).toBe(1);
  });

  it('unblocking brings the conversation back and lets both write again', async () => {
    const as = await ann.socket();
    const opened = nextEvent(as, 'dm:opened');
    expect((await ann.del(`/api/blocks/${bob.userId}`)).status).toBe(204);
    expect((await opened).conversation.id).toBe(dmId);
    expect((await ann.get('/api/dms')).body.conversations.map((c: { id: number }) => c.id)).toContain(dmId);
    expect((await bob.post(`/api/rooms/${dmId}/messages`, { text: 'friends again' })).status).toBe(201);
    as.disconnect();
  });

  it('the other direction: Bob blocks Ann; Ann gets BLOCKED, Bob stops seeing the conversation, Ann still sees it', async () => {
    expect((await bob.put(`/api/blocks/${ann.userId}`, {})).status).toBe(200);
    expect((await ann.post(`/api/rooms/${dmId}/messages`, { text: 'hello?' })).body.error.code).toBe('BLOCKED');
    expect((await bob.get('/api/dms')).body.conversations.map((c: { id: number }) => c.id)).not.toContain(dmId);
    expect((await ann.get('/api/dms')).body.conversations.map((c: { id: number }) => c.id)).toContain(dmId);
    expect((await bob.del(`/api/blocks/${ann.userId}`)).status).toBe(204);
    expect((await ann.get('/api/blocks')).body.users).toEqual([]);
  });
});

describe('group conversations', () => {
  let many: Client[];
  let bigRoom: number;
  let groupId: number;
  beforeAll(async () => {
    many = await newUsers(server, 'g01', 'g02', 'g03', 'g04', 'g05', 'g06', 'g07', 'g08', 'g09', 'g10');
    bigRoom = (await roomWith(ann, [...many, bob, cat])).id;
  });

  it('starts a group with people who share a room; everyone gets it live and can chat', async () => {
    const [bs, cs] = await Promise.all([bob.socket(), cat.socket()]);
    const [bo, co] = [nextEvent(bs, 'dm:opened'), nextEvent(cs, 'dm:opened')];
    const r = await ann.post('/api/dms/groups', { userIds: [bob.userId, cat.userId] });
    expect(r.status).toBe(201);
    groupId = r.body.conversation.id;
    expect(r.body.conversation.kind).toBe('group');
    expect(r.body.conversation.others.map((u: { id: number }) => u.id).sort()).toEqual([bob.userId, cat.userId].sort());
    expect((await bo).conversation.id).toBe(groupId);
    expect((await co).conversation.others.map((u: { id: number }) => u.id)).toContain(ann.userId);
    await command(bs, 'room:enter', { roomId: groupId });
    const got = nextEvent(bs, 'chat:message');
    expect((await command(cs, 'chat:send', { roomId: groupId, text: 'hello group' })).ok).toBe(true);
    expect((await got).message.text).toBe('hello group');
    bs.disconnect();
    cs.disconnect();
  });

  it('holds at most 10 people: creating or adding past that is refused and changes nothing', async () => {
    const before = [await roomRows(), await memberRows()];
    const ten = await ann.post('/api/dms/groups', { userIds: many.map((u) => u.userId) });
    expect(ten.status).toBe(400); // 10 others + me = 11
    const r = await ann.post('/api/dms/groups', { userIds: many.slice(0, 9).map((u) => u.userId) });
    expect(r.status).toBe(201);
    const id = r.body.conversation.id;
    expect(await count('SELECT count(*) AS n FROM room_members WHERE room_id = ?', id)).toBe(10);
    const add = await ann.post(`/api/dms/${id}/members`, { userIds: [many[9]!.userId] });
    expect([add.status, add.body.error.code]).toEqual([409, 'GROUP_FULL']);
    expect(await count('SELECT count(*) AS n FROM room_members WHERE room_id = ?', id)).toBe(10);
    expect([await roomRows(), await memberRows()]).toEqual([before[0]! + 1, before[1]! + 10]);
  });

  it('adds people (all or nothing): each must share a room with the adder and not have blocked them', async () => {
    const as = await ann.socket();
    await command(as, 'room:enter', { roomId: groupId });
    const joined = nextEvent(as, 'member:joined');
    const add = await bob.post(`/api/dms/${groupId}/members`, { userIds: [many[0]!.userId] });
    expect(add.status).toBe(200);
    expect((await joined).member.user.id).toBe(many[0]!.userId);
    // The newcomer reads the history with nothing unread.
    const mine = (await many[0]!.get('/api/dms')).body.conversations.find((c: { id: number }) => c.id === groupId);
    expect(mine).toMatchObject({ unread: 0, kind: 'group' });
    const before = await count('SELECT count(*) AS n FROM room_members WHERE room_id = ?', groupId);
    // Dan shares no room with Bob; g02 blocked Bob: nothing is added.
    expect((await many[1]!.put(`/api/blocks/${bob.userId}`, {})).status).toBe(200);
    expect((await bob.post(`/api/dms/${groupId}/members`, { userIds: [many[2]!.userId, dan.userId] })).body.error.code).toBe('NO_SHARED_ROOM');
    expect((await bob.post(`/api/dms/${groupId}/members`, { userIds: [many[2]!.userId, many[1]!.userId] })).body.error.code).toBe('BLOCKED');
    expect((await bob.post(`/api/dms/${groupId}/members`, { userIds: [ann.userId] })).body.error.code).toBe('CONFLICT');
    expect((await dan.post(`/api/dms/${groupId}/members`, { userIds: [dan.userId] })).body.error.code).toBe('NOT_MEMBER');
    for (const body of [{}, { userIds: [] }, { userIds: [many[2]!.userId, many[2]!.userId] }, { userIds: 'all' }]) {
      expect((await bob.post(`/api/dms/${groupId}/members`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect(await count('SELECT count(*) AS n FROM room_members WHERE room_id = ?', groupId)).toBe(before);
    as.disconnect();
  });

  it('a 1:1 takes no additions and cannot be left; a group can be left', async () => {
    const dmId = (await ann.post('/api/dms', { userId: cat.userId })).body.conversation.id;
    expect((await ann.post(`/api/dms/${dmId}/members`, { userIds: [bob.userId] })).body.error.code).toBe('CONFLICT');
    expect((await ann.post(`/api/dms/${dmId}/leave`)).body.error.code).toBe('CONFLICT');
    const cs = await cat.socket();
    const closed = nextEvent(cs, 'dm:closed');
    expect((await cat.post(`/api/dms/${groupId}/leave`)).status).toBe(204);
    expect(await closed).toEqual({ roomId: groupId });
    expect((await cat.get('/api/dms')).body.conversations.map((c: { id: number }) => c.id)).not.toContain(groupId);
    expect(await command(cs, 'chat:send', { roomId: groupId, text: 'ghost' })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect((await cat.post(`/api/dms/${groupId}/leave`)).body.error.code).toBe('NOT_MEMBER');
    expect((await cat.post(`/api/dms/${roomId}/leave`)).body.error.code).toBe('NOT_FOUND');
    cs.disconnect();
  });

  it('garbage group payloads are refused', async () => {
    const before = await roomRows();
    for (const body of [{}, { userIds: [bob.userId] }, { userIds: [bob.userId, bob.userId] }, { userIds: [0, -1] }, { userIds: null }, { userIds: [bob.userId, cat.userId], name: 'x' }]) {
      expect((await ann.post('/api/dms/groups', body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await ann.post('/api/dms/groups', { userIds: [bob.userId, 999999] })).body.error.code).toBe('NOT_FOUND');
    expect((await ann.post('/api/dms/groups', { userIds: [bob.userId, ann.userId] })).body.error.code).toBe('VALIDATION');
    expect(await roomRows()).toBe(before);
  });
});

describe('outsiders, kicked and banned people, foreign origins', () => {
  it('a kicked or banned member loses the shared room: no new 1:1 or group with its people, but their old 1:1 stays', async () => {
    const [own, kim, lee] = await newUsers(server, 'own', 'kim', 'lee');
    const r = await roomWith(own, [kim, lee]);
    const old = await kim.post('/api/dms', { userId: own.userId });
    expect(old.status).toBe(201);
    expect((await own.post(`/api/rooms/${r.id}/members/${kim.userId}/kick`)).status).toBe(204);
    expect((await own.post(`/api/rooms/${r.id}/members/${lee.userId}/ban`, {})).status).toBe(204);
    expect((await kim.post('/api/dms', { userId: lee.userId })).body.error.code).toBe('NO_SHARED_ROOM');
    expect((await lee.post('/api/dms', { userId: own.userId })).body.error.code).toBe('NO_SHARED_ROOM');
    expect((await own.post('/api/dms/groups', { userIds: [kim.userId, lee.userId] })).body.error.code).toBe('NO_SHARED_ROOM');
    expect((await kim.get('/api/dms/contacts')).body.users).toEqual([]);
    // The conversation they had keeps working (ADR 0011).
    expect((await kim.post(`/api/rooms/${old.body.conversation.id}/messages`, { text: 'still talking' })).status).toBe(201);
  });

  it('refuses writes from a foreign Origin and sockets from one; anonymous callers get UNAUTHENTICATED', async () => {
    const before = [await roomRows(), await count('SELECT count(*) AS n FROM user_blocks')];
    const evil = { origin: 'http://evil.example' };
    expect((await ann.req('POST', '/api/dms', { userId: cat.userId }, evil)).status).toBe(403);
    expect((await ann.req('POST', '/api/dms/groups', { userIds: [bob.userId, cat.userId] }, evil)).status).toBe(403);
    expect((await ann.req('PUT', `/api/blocks/${cat.userId}`, {}, evil)).status).toBe(403);
    await expect(ann.socket(evil)).rejects.toThrow();
    const anon = new (ann.constructor as typeof Client)(server.url);
    for (const [method, path, body] of [
      ['GET', '/api/dms', undefined],
      ['GET', '/api/dms/contacts', undefined],
      ['GET', '/api/blocks', undefined],
      ['PUT', `/api/blocks/${ann.userId}`, {}],
      ['POST', '/api/dms', { userId: ann.userId }],
      ['POST', '/api/dms/groups', { userIds: [ann.userId, bob.userId] }],
      ['POST', '/api/dms/1/leave', {}],
    ] as const) {
      expect((await anon.req(method, path, body)).status, `${method} ${path}`).toBe(401);
    }
    expect([await roomRows(), await count('SELECT count(*) AS n FROM user_blocks')]).toEqual(before);
  });

  it('a stranger guessing conversation ids learns nothing and changes nothing', async () => {
    const ids = (
      (await rawDb(server.app.db).all("SELECT id FROM rooms WHERE kind <> 'room' AND id NOT IN (SELECT room_id FROM room_members WHERE user_id = ?)", dan.userId)) as { id: number }[]
    ).map((r) => r.id);
    expect(ids.length).toBeGreaterThan(3);
    const before = await memberRows();
    for (const id of ids) {
      expect((await dan.get(`/api/dms/${id}`)).status).toBe(403);
      expect((await dan.post(`/api/dms/${id}/members`, { userIds: [dan.userId] })).status).toBe(403);
      expect((await dan.post(`/api/dms/${id}/leave`)).status).toBe(403);
    }
    expect((await dan.get('/api/dms/999999')).body.error.code).toBe('NOT_FOUND');
    expect((await dan.get('/api/dms/abc')).status).toBe(400);
    expect(await memberRows()).toBe(before);
  });
});

describe('contacts and online status', () => {
  it('lists people I share a room with, searchable by name, never people I do not', async () => {
    const all = (await cat.get('/api/dms/contacts')).body.users.map((u: { username: string }) => u.username);
    expect(all).toContain('ann');
    expect(all).toContain('bob');
    expect(all).not.toContain('dan');
    expect(all).not.toContain('cat');
    expect((await cat.get('/api/dms/contacts?q=an')).body.users.map((u: { username: string }) => u.username)).toEqual(['ann']);
    expect((await cat.get('/api/dms/contacts?q=%25')).body.users).toEqual([]);
    // Dan left the one room he shared (with Eve): nobody to message, though their old conversation stays.
    expect((await dan.get('/api/dms/contacts')).body.users).toEqual([]);
  });

  it('tells conversation partners when someone comes online', async () => {
    const fay = await newUser(server, 'fay');
    await fay.post(`/api/rooms/${roomId}/join`, {});
    const dmId = (await fay.post('/api/dms', { userId: ann.userId })).body.conversation.id;
    const offline = (await ann.get('/api/dms')).body.conversations.find((c: { id: number }) => c.id === dmId);
    expect(offline.others[0]).toMatchObject({ id: fay.userId, online: false });
    const as = await ann.socket();
    const online = nextEvent(as, 'dm:presence', (p) => p.userId === fay.userId);
    const fs = await fay.socket();
    expect(await online).toEqual({ userId: fay.userId, online: true });
    const list = (await ann.get('/api/dms')).body.conversations;
    expect(list.find((c: { id: number }) => c.id === dmId).others[0].online).toBe(true);
    as.disconnect();
    fs.disconnect();
  });
});
