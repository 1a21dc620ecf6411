/**
 * Notification centre (issue 13 item 3): every kind arrives live on the user's personal channel
 * and is kept; per-room levels and mutes are honoured on the server; reading and marking are
 * strictly per user; every route refuses outsiders, garbage and foreign Origins.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Notification } from '../../protocol/notifications.js';
import { MUTED_FOREVER } from '../../protocol/notifications.js';
import { rawDb, collect, command, newUsers, nextEvent, roomWith, startServer, type Client, type ClientSocket, type TestServer } from '../test/harness.js';

type NewFact = { notification: Notification; unread: number };

let server: TestServer;
let ann: Client; // owner of the hall
let bob: Client; // member of the hall
let cat: Client; // member of the hall
let dan: Client; // stranger: shares no room with anyone
let hall: { id: number; code: string };
let annS: ClientSocket;
let bobS: ClientSocket;
let catS: ClientSocket;
let danS: ClientSocket;
let danHeard: NewFact[] & { stop(): void };

const listOf = async (c: Client, q = '') => (await c.get(`/api/notifications${q}`)).body as { notifications: Notification[]; nextCursor: number | null; unread: number };
const send = async (s: ClientSocket, roomId: number, text: string, replyToId?: number) => {
  const ack = await command(s, 'chat:send', { roomId, text, ...(replyToId ? { replyToId } : {}) });
  if (!ack.ok) throw new Error(JSON.stringify(ack.error));
  return ack.data;
};
const next = (s: ClientSocket, pred: (n: Notification) => boolean, ms = 5000) => nextEvent<NewFact>(s, 'notify:new', (f) => pred(f.notification), ms);
const setLevel = (c: Client, roomId: number, body: object) => c.patch(`/api/rooms/${roomId}/notifications`, body);
/** Resolves true if nothing matching arrives while `probe` round-trips: the hook runs synchronously inside chat:send, so its ack follows any notify:new. */
async function nothingArrives(s: ClientSocket, pred: (n: Notification) => boolean, act: () => Promise<unknown>): Promise<boolean> {
  const got = collect<NewFact>(s, 'notify:new');
  await act();
  // One more round-trip on the receiver's own socket: anything emitted before it has been delivered.
  await command(s, 'clock:sync', {});
  got.stop();
  return !got.some((f) => pred(f.notification));
}

beforeAll(async () => {
  // Many messages from one author in a few seconds: the chat rate limit is not what these tests are about.
  server = await startServer({ config: { chatRatePer10s: 1000 } });
  [ann, bob, cat, dan] = await newUsers(server, 'ann', 'bob', 'cat', 'dan');
  hall = await roomWith(ann, [bob, cat], { name: 'Study hall' });
  [annS, bobS, catS] = await Promise.all([ann.socket(), bob.socket(), cat.socket()]);
  await command(annS, 'room:enter', { roomId: hall.id });
  // Dan shares no room with anyone: his personal channel must stay silent throughout.
  danS = await dan.socket();
  danHeard = collect<NewFact>(danS, 'notify:new');
});
afterAll(async () => {
  for (const s of [annS, bobS, catS, danS]) s?.close();
  await server?.dispose();
});
/** Moves the notification service's clock (only its clock: sessions and rate limits keep real time). */
const timeTravel = (to: number) => {
  server.app.notifications.now = () => to;
};
afterEach(() => {
  server.app.notifications.now = Date.now;
});

describe('kinds', () => {
  it('mention: the mentioned member gets it live, from a room they are not looking at, and it is kept', async () => {
    const live = next(bobS, (n) => n.kind === 'mention');
    const msg = await send(annS, hall.id, 'hey @bob, **notes** are up');
    const fact = await live;
    expect(fact.notification).toMatchObject({
      kind: 'mention',
      actor: { id: ann.userId, displayName: 'ann' },
      roomName: 'Study hall',
      link: { roomId: hall.id, messageId: msg.id, gameId: null, inviteCode: null },
      text: 'hey @bob, notes are up',
      readAt: null,
    });
    expect(fact.unread).toBeGreaterThanOrEqual(1);
    const list = await listOf(bob);
    expect(list.notifications[0]).toMatchObject({ id: fact.notification.id, kind: 'mention' });
    // The author is never notified about their own message; others not mentioned get nothing by default.
    expect((await listOf(ann)).notifications.some((n) => n.link.messageId === msg.id)).toBe(false);
    expect((await listOf(cat)).notifications.some((n) => n.link.messageId === msg.id)).toBe(false);
  });

  it('reply: the author of the message replied to gets it; mentioned and replied-to gets one notification', async () => {
    const original = await send(catS, hall.id, 'who has the slides?');
    const live = next(catS, (n) => n.kind === 'reply');
    const reply = await send(bobS, hall.id, 'I do', original.id);
    expect((await live).notification).toMatchObject({ kind: 'reply', actor: { id: bob.userId }, link: { messageId: reply.id } });
    const both = await send(bobS, hall.id, '@cat here they are', original.id);
    const mine = (await listOf(cat)).notifications.filter((n) => n.link.messageId === both.id);
    expect(mine.map((n) => n.kind)).toEqual(['mention']);
  });

  it('chess challenge: the addressee gets it with the game; it is marked read when the challenge closes', async () => {
    const live = next(bobS, (n) => n.kind === 'chess');
    const ack = await command(annS, 'chess:challenge', { roomId: hall.id, opponentId: bob.userId, color: 'white', timeControl: { minutes: 5, increment: 3 } });
    expect(ack.ok).toBe(true);
    const gameId = (ack as { data: { id: number } }).data.id;
    const { notification } = await live;
    expect(notification).toMatchObject({ kind: 'chess', actor: { id: ann.userId }, link: { roomId: hall.id, gameId }, text: '5+3 game in Study hall', readAt: null });
    const read = nextEvent<{ ids: number[] }>(bobS, 'notify:read', (f) => f.ids?.includes(notification.id) ?? false);
    expect((await command(annS, 'chess:cancel', { gameId })).ok).toBe(true);
    await read;
    expect((await listOf(bob)).notifications.find((n) => n.id === notification.id)?.readAt).not.toBeNull();
  });

  it('stream started: every member but the streamer (the owner) gets it', async () => {
    const bobLive = next(bobS, (n) => n.kind === 'stream');
    const catLive = next(catS, (n) => n.kind === 'stream');
    const state = { ...server.app.stream.state(hall.id), status: 'live' as const, streamId: 'st-1', startedAt: Date.now() };
    // The stream service's fact that a stream went live (what it broadcasts once the first segments exist).
    const annGot = await nothingArrives(annS, (n) => n.kind === 'stream', async () => {
      server.app.roomEvents.broadcast(hall.id, 'stream:started', { state });
      await Promise.all([bobLive, catLive]);
    });
    expect(annGot).toBe(true);
    expect((await bobLive).notification).toMatchObject({ kind: 'stream', actor: { id: ann.userId }, link: { roomId: hall.id, streamId: 'st-1' }, text: 'Live now in Study hall' });
  });

  it('alarm fired: the owner of the alarm gets it (no room)', async () => {
    const live = next(catS, (n) => n.kind === 'alarm', 10_000);
    const r = await cat.post('/api/alarms', { kind: 'countdown', minutes: 0.05, label: 'Tea is ready' });
    expect(r.status).toBe(201);
    expect((await live).notification).toMatchObject({ kind: 'alarm', actor: null, roomName: null, text: 'Tea is ready', link: { roomId: null } });
  }, 15_000);

  it('dm: in a direct conversation every other participant gets a folded dm; the conversation can be muted', async () => {
    const opened = await bob.post('/api/dms', { userId: cat.userId });
    expect(opened.status).toBe(201);
    const dm = { id: opened.body.conversation.id as number };
    await command(bobS, 'room:enter', { roomId: dm.id });
    const first = next(catS, (n) => n.kind === 'dm');
    await send(bobS, dm.id, 'psst');
    expect((await first).notification).toMatchObject({ kind: 'dm', actor: { id: bob.userId }, count: 1, text: 'psst' });
    const second = next(catS, (n) => n.kind === 'dm' && n.count === 2);
    await send(bobS, dm.id, 'are you there?');
    const folded = (await second).notification;
    expect(folded).toMatchObject({ text: 'are you there?', count: 2 });
    expect((await listOf(cat)).notifications.filter((n) => n.link.roomId === dm.id)).toHaveLength(1);
    // The DM's own settings apply too: muted, nothing comes.
    expect((await setLevel(cat, dm.id, { mute: '1h' })).status).toBe(200);
    expect(await nothingArrives(catS, (n) => n.link.roomId === dm.id && n.count === 3, () => send(bobS, dm.id, 'hello?'))).toBe(true);
  });
});

describe('isolation', () => {
  it('a stranger’s socket heard none of the notifications above', async () => {
    await command(danS, 'clock:sync', {});
    expect([...danHeard]).toEqual([]);
  });
});

describe('room invites', () => {
  let other: { id: number; code: string };
  let eve: Client;
  beforeAll(async () => {
    [eve] = await newUsers(server, 'eve');
    // Eve shares a room with Bob only; the hall is Ann's.
    other = await roomWith(bob, [eve], { name: 'Side room' });
  });

  it('a member invites someone they share a room with: a notification with the invite link', async () => {
    const eveS = await eve.socket();
    try {
      const live = next(eveS, (n) => n.kind === 'invite');
      const r = await bob.post(`/api/rooms/${hall.id}/invites`, { username: 'EVE' });
      expect(r.status).toBe(204);
      expect((await live).notification).toMatchObject({ kind: 'invite', actor: { id: bob.userId }, roomName: 'Study hall', link: { roomId: hall.id, inviteCode: hall.code }, text: 'Join Study hall' });
      // Asking again refreshes the unread invite instead of stacking another.
      expect((await bob.post(`/api/rooms/${hall.id}/invites`, { username: 'eve' })).status).toBe(204);
      expect((await listOf(eve)).notifications.filter((n) => n.kind === 'invite')).toHaveLength(1);
      // The link works: Eve can join with the code.
      expect((await eve.post(`/api/rooms/${hall.id}/join`, { code: hall.code })).status).toBe(200);
      expect((await bob.post(`/api/rooms/${hall.id}/invites`, { username: 'eve' })).body.error.code).toBe('CONFLICT');
      expect((await eve.post(`/api/rooms/${hall.id}/leave`)).status).toBe(204);
    } finally {
      eveS.close();
    }
  });

  it('someone banned from the room cannot be invited to it', async () => {
    const [ben] = await newUsers(server, 'ben');
    const side = await roomWith(ann, [ben], { name: 'Ben and Ann' });
    await ben.post(`/api/rooms/${hall.id}/join`, { code: hall.code });
    expect((await ann.post(`/api/rooms/${hall.id}/members/${ben.userId}/ban`, {})).status).toBeLessThan(300);
    const r = await ann.post(`/api/rooms/${hall.id}/invites`, { username: 'ben' });
    expect(r.status).toBe(403);
    expect(r.body.error.message).toBe('That person cannot join this room.');
    expect((await listOf(ben)).notifications.some((n) => n.kind === 'invite')).toBe(false);
    expect(side.id).toBeGreaterThan(0);
  });

  it('strangers, unknown names and oneself are one NOT_FOUND (no probing who has an account)', async () => {
    const before = (await listOf(dan)).notifications.length;
    const stranger = await ann.post(`/api/rooms/${hall.id}/invites`, { username: 'dan' });
    const unknown = await ann.post(`/api/rooms/${hall.id}/invites`, { username: 'nobody_here' });
    const self = await ann.post(`/api/rooms/${hall.id}/invites`, { username: 'ann' });
    for (const r of [stranger, unknown]) expect(r.status).toBe(404);
    expect(stranger.body).toEqual(unknown.body);
    expect(self.status).toBe(404);
    expect((await listOf(dan)).notifications.length).toBe(before);
  });

  it('outsiders, muted members, garbage and foreign Origins are refused and nothing is sent', async () => {
    const eveCount = async () => (await listOf(eve)).notifications.length;
    const before = await eveCount();
    // Dan is not in the hall; Eve (not in the hall) cannot invite to it either.
    expect((await dan.post(`/api/rooms/${hall.id}/invites`, { username: 'bob' })).status).toBe(403);
    expect((await eve.post(`/api/rooms/${hall.id}/invites`, { username: 'bob' })).status).toBe(403);
    expect((await dan.post(`/api/rooms/999999/invites`, { username: 'bob' })).status).toBe(404);
    for (const body of [{}, { username: '' }, { username: 'a b' }, { username: 'eve', extra: 1 }, { username: 42 }, 'eve']) {
      expect((await bob.post(`/api/rooms/${hall.id}/invites`, body)).status).toBe(400);
    }
    expect((await bob.post('/api/rooms/abc/invites', { username: 'eve' })).status).toBe(400);
    expect((await bob.req('POST', `/api/rooms/${hall.id}/invites`, { username: 'eve' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await new (bob.constructor as typeof Client)(server.url).post(`/api/rooms/${hall.id}/invites`, { username: 'eve' })).status).toBe(401);
    // A muted member may not send invites.
    (await rawDb(server.app.db).run('UPDATE room_members SET muted_until = ? WHERE room_id = ? AND user_id = ?', Date.now() + 60_000, hall.id, cat.userId));
    server.app.rooms.forgetMember(hall.id, cat.userId); // a raw write: tell the membership cache (ADR 0022)
    try {
      const r = await cat.post(`/api/rooms/${hall.id}/invites`, { username: 'eve' });
      expect(r.body.error.code).toBe('MUTED');
    } finally {
      (await rawDb(server.app.db).run('UPDATE room_members SET muted_until = NULL WHERE room_id = ? AND user_id = ?', hall.id, cat.userId));
      server.app.rooms.forgetMember(hall.id, cat.userId);
    }
    expect(await eveCount()).toBe(before);
    expect(other.id).toBeGreaterThan(0);
  });
});

describe('per-room settings, honoured on the server', () => {
  let room: { id: number; code: string };
  beforeAll(async () => {
    room = await roomWith(ann, [bob], { name: 'Settings lab' });
    await command(annS, 'room:enter', { roomId: room.id });
  });
  const mention = () => send(annS, room.id, 'ping @bob');
  const plain = () => send(annS, room.id, 'just chatting');
  const fromRoom = (kind?: string) => (n: Notification) => n.link.roomId === room.id && (!kind || n.kind === kind);

  it('defaults: mentions only (a plain message brings nothing)', async () => {
    expect((await bob.get(`/api/rooms/${room.id}/notifications`)).body).toEqual({ roomId: room.id, level: 'mentions', mutedUntil: null });
    expect(await nothingArrives(bobS, fromRoom(), plain)).toBe(true);
    const live = next(bobS, fromRoom('mention'));
    await mention();
    await live;
  });

  it('all messages: every message, folded into one unread notification per room', async () => {
    expect((await setLevel(bob, room.id, { level: 'all' })).body).toMatchObject({ level: 'all' });
    const first = next(bobS, fromRoom('message'));
    await plain();
    const n1 = (await first).notification;
    const second = next(bobS, (n) => n.id === n1.id && n.count === 2);
    await send(annS, room.id, 'and another thing');
    expect((await second).notification.text).toBe('and another thing');
    // Reading it starts a new fold.
    await bob.post('/api/notifications/read', { ids: [n1.id] });
    const third = next(bobS, fromRoom('message'));
    await plain();
    expect((await third).notification.id).not.toBe(n1.id);
  });

  it('nothing: not even mentions', async () => {
    await setLevel(bob, room.id, { level: 'nothing' });
    expect(await nothingArrives(bobS, fromRoom(), mention)).toBe(true);
    expect(await nothingArrives(bobS, fromRoom(), plain)).toBe(true);
  });

  it('mute for 1 h / 8 h / 24 h: nothing until it expires, then the level applies again', async () => {
    await setLevel(bob, room.id, { level: 'mentions' });
    for (const [choice, hours] of [['1h', 1], ['8h', 8], ['24h', 24]] as const) {
      const t0 = Date.now();
      const s = (await setLevel(bob, room.id, { mute: choice })).body;
      expect(s.mutedUntil).toBeGreaterThanOrEqual(t0 + hours * 3_600_000);
      expect(s.mutedUntil).toBeLessThan(t0 + hours * 3_600_000 + 60_000);
      expect(await nothingArrives(bobS, fromRoom(), mention)).toBe(true);
      // Time passes.
      timeTravel(s.mutedUntil + 1000);
      expect((await bob.get(`/api/rooms/${room.id}/notifications`)).body.mutedUntil).toBeNull();
      const live = next(bobS, fromRoom('mention'));
      await mention();
      await live;
      server.app.notifications.now = Date.now;
    }
  });

  it('mute until turned back on: still muted a year later; off brings notifications back', async () => {
    expect((await setLevel(bob, room.id, { mute: 'forever' })).body.mutedUntil).toBe(MUTED_FOREVER);
    timeTravel(Date.now() + 365 * 86_400_000);
    expect(await nothingArrives(bobS, fromRoom(), mention)).toBe(true);
    server.app.notifications.now = Date.now;
    expect((await setLevel(bob, room.id, { mute: 'off' })).body).toMatchObject({ level: 'mentions', mutedUntil: null });
    const live = next(bobS, fromRoom('mention'));
    await mention();
    await live;
  });

  it('settings are per user and per room: Bob muting does not touch Ann or the hall', async () => {
    await setLevel(bob, room.id, { mute: 'forever' });
    expect((await ann.get(`/api/rooms/${room.id}/notifications`)).body.mutedUntil).toBeNull();
    expect((await bob.get(`/api/rooms/${hall.id}/notifications`)).body.mutedUntil).toBeNull();
    const live = next(bobS, (n) => n.link.roomId === hall.id && n.kind === 'mention');
    await send(annS, hall.id, '@bob still reachable here');
    await live;
    await setLevel(bob, room.id, { mute: 'off' });
  });

  it('outsiders, garbage and foreign Origins are refused; nothing changes', async () => {
    const before = (await bob.get(`/api/rooms/${room.id}/notifications`)).body;
    expect((await dan.get(`/api/rooms/${room.id}/notifications`)).status).toBe(403);
    expect((await dan.patch(`/api/rooms/${room.id}/notifications`, { level: 'all' })).status).toBe(403);
    expect((await dan.patch(`/api/rooms/424242/notifications`, { level: 'all' })).status).toBe(404);
    for (const body of [{}, { level: 'loud' }, { mute: '2h' }, { mute: 3600 }, { level: 'all', userId: ann.userId }, [], 'all']) {
      expect((await bob.patch(`/api/rooms/${room.id}/notifications`, body)).status).toBe(400);
    }
    expect((await bob.req('PATCH', `/api/rooms/${room.id}/notifications`, { level: 'all' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await new (bob.constructor as typeof Client)(server.url).get(`/api/rooms/${room.id}/notifications`)).status).toBe(401);
    expect((await bob.get(`/api/rooms/${room.id}/notifications`)).body).toEqual(before);
  });

  it('a member who was kicked can no longer read or change the room settings', async () => {
    const [kim] = await newUsers(server, 'kim');
    await kim.post(`/api/rooms/${room.id}/join`, { code: room.code });
    expect((await setLevel(kim, room.id, { level: 'all' })).status).toBe(200);
    expect((await ann.post(`/api/rooms/${room.id}/members/${kim.userId}/kick`)).status).toBeLessThan(300);
    expect((await setLevel(kim, room.id, { level: 'nothing' })).status).toBe(403);
    // And, no longer a member, gets no "all messages" notifications from it.
    const kimS = await kim.socket();
    try {
      expect(await nothingArrives(kimS, (n) => n.link.roomId === room.id, plain)).toBe(true);
    } finally {
      kimS.close();
    }
  });
});

describe('reading and marking', () => {
  let pager: Client;
  let pagerS: ClientSocket;
  let room: { id: number; code: string };
  beforeAll(async () => {
    [pager] = await newUsers(server, 'pager');
    room = await roomWith(ann, [pager], { name: 'Pager room' });
    pagerS = await pager.socket();
    await command(annS, 'room:enter', { roomId: room.id });
    for (let i = 0; i < 25; i++) await server.app.notifications.notify(pager.userId, { kind: 'mention', actorId: ann.userId, roomId: room.id, messageId: i + 1, text: `note ${i}` });
  });
  afterAll(() => pagerS?.close());

  it('lists newest first in pages with a cursor, and counts unread', async () => {
    const p1 = await listOf(pager);
    expect(p1.notifications).toHaveLength(20);
    expect(p1.unread).toBe(25);
    expect(p1.notifications[0]!.text).toBe('note 24');
    const p2 = await listOf(pager, `?before=${p1.nextCursor}`);
    expect(p2.notifications.map((n) => n.text)).toEqual(['note 4', 'note 3', 'note 2', 'note 1', 'note 0']);
    expect(p2.nextCursor).toBeNull();
    expect((await listOf(pager, '?limit=5&unread=true')).notifications).toHaveLength(5);
  });

  it('mark read by id tells the user’s other tabs; mark all read empties the count', async () => {
    const ids = (await listOf(pager, '?limit=3')).notifications.map((n) => n.id);
    const told = nextEvent<{ ids: number[]; unread: number }>(pagerS, 'notify:read');
    const r = await pager.post('/api/notifications/read', { ids });
    expect(r.body).toEqual({ marked: 3, unread: 22 });
    expect(await told).toEqual({ ids: expect.arrayContaining(ids), unread: 22 });
    expect((await pager.post('/api/notifications/read', { ids })).body).toEqual({ marked: 0, unread: 22 });
    const all = nextEvent<{ ids: null; unread: number }>(pagerS, 'notify:read');
    expect((await pager.post('/api/notifications/read-all')).body).toEqual({ marked: 22, unread: 0 });
    expect(await all).toEqual({ ids: null, unread: 0 });
    expect((await listOf(pager)).notifications.every((n) => n.readAt !== null)).toBe(true);
  });

  it('mark read by room', async () => {
    await server.app.notifications.notify(pager.userId, { kind: 'mention', actorId: ann.userId, roomId: room.id, text: 'again' });
    await server.app.notifications.notify(pager.userId, { kind: 'alarm', text: 'not in the room' });
    expect((await pager.post('/api/notifications/read', { roomId: room.id })).body).toEqual({ marked: 1, unread: 1 });
    await pager.post('/api/notifications/read-all');
  });

  it('nobody can read or mark another user’s notifications, by guessing ids or otherwise', async () => {
    const mine = (await server.app.notifications.notify(pager.userId, { kind: 'mention', actorId: ann.userId, roomId: room.id, text: 'private' }))!;
    // Dan guesses every id around it.
    const guesses = Array.from({ length: 100 }, (_, i) => mine.id - 50 + i).filter((id) => id > 0);
    expect((await dan.post('/api/notifications/read', { ids: guesses })).body.marked).toBe(0);
    expect((await dan.post('/api/notifications/read', { roomId: room.id })).body.marked).toBe(0);
    await dan.post('/api/notifications/read-all');
    expect((await listOf(dan)).notifications.some((n) => n.id === mine.id || n.text === 'private')).toBe(false);
    const after = (await listOf(pager)).notifications.find((n) => n.id === mine.id)!;
    expect(after.readAt).toBeNull();
    expect((await listOf(pager)).unread).toBe(1);
  });

  it('garbage, anonymous callers and foreign Origins are refused; nothing changes', async () => {
    const unread = (await listOf(pager)).unread;
    for (const q of ['?limit=0', '?limit=500', '?limit=abc', '?before=-1', '?unread=maybe', '?evil=1']) {
      expect((await pager.get(`/api/notifications${q}`)).status).toBe(400);
    }
    for (const body of [{}, { ids: [] }, { ids: 'all' }, { ids: [-1] }, { ids: [1.5] }, { ids: Array.from({ length: 101 }, (_, i) => i + 1) }, { roomId: 'x' }, { ids: [1], roomId: 1 }, null]) {
      expect((await pager.post('/api/notifications/read', body)).status).toBe(400);
    }
    expect((await pager.post('/api/notifications/read-all', { all: true })).status).toBe(400);
    const anon = new (pager.constructor as typeof Client)(server.url);
    expect((await anon.get('/api/notifications')).status).toBe(401);
    expect((await anon.post('/api/notifications/read', { ids: [1] })).status).toBe(401);
    expect((await anon.post('/api/notifications/read-all')).status).toBe(401);
    expect((await pager.req('POST', '/api/notifications/read-all', {}, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await listOf(pager)).unread).toBe(unread);
  });

  it('the unread count stops at 100 (the badge says 99+)', async () => {
    const [heavy] = await newUsers(server, 'heavy');
    for (let i = 0; i < 105; i++) await server.app.notifications.notify(heavy.userId, { kind: 'alarm', text: `ring ${i}` });
    expect((await listOf(heavy)).unread).toBe(100);
    expect((await heavy.post('/api/notifications/read-all')).body).toEqual({ marked: 105, unread: 0 });
  });

  it('every route is in the OpenAPI document', async () => {
    const doc = (await pager.get('/docs/json')).body as { paths: Record<string, Record<string, { tags?: string[] }>> };
    for (const [path, method] of [
      ['/api/notifications', 'get'],
      ['/api/notifications/read', 'post'],
      ['/api/notifications/read-all', 'post'],
      ['/api/rooms/{id}/notifications', 'get'],
      ['/api/rooms/{id}/notifications', 'patch'],
      ['/api/rooms/{id}/invites', 'post'],
      ['/api/push/key', 'get'],
      ['/api/push/subscriptions', 'post'],
      ['/api/push/unsubscribe', 'post'],
    ] as const) {
      expect(doc.paths[path]?.[method]?.tags, `${method} ${path}`).toEqual(['notifications']);
    }
  });

  it('notifications folding at the same time make one row with every count (no duplicate, no lost count)', async () => {
    const [racer, author] = await newUsers(server, 'racer', 'author');
    const room = await roomWith(author, [racer], { name: 'Race' });
    await setLevel(racer, room.id, { level: 'all' });
    // 30 folds at once through the service (each its own statement on its own pooled connection on PostgreSQL)…
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) => server.app.notifications.notify(racer.userId, { kind: 'message', actorId: author.userId, roomId: room.id, text: `m${i}` })),
    );
    const ids = new Set(results.map((n) => n!.id));
    expect(ids.size).toBe(1);
    expect(Math.max(...results.map((n) => n!.count))).toBe(30);
    // …and 12 messages sent at once from three sockets of the author.
    const sockets = await Promise.all([author.socket(), author.socket(), author.socket()]);
    const acks = await Promise.all(Array.from({ length: 12 }, (_, i) => command(sockets[i % 3]!, 'chat:send', { roomId: room.id, text: `hi ${i}` })));
    expect(acks.every((a) => a.ok)).toBe(true);
    for (const s of sockets) s.close();
    // The chat hook notifies after the ack: wait for the count to reach every message (or stop rising).
    const inRace = async () => (await listOf(racer)).notifications.filter((n) => n.link.roomId === room.id);
    let mine = await inRace();
    for (let t = Date.now(); Date.now() - t < 10_000 && !(mine.length === 1 && mine[0]!.count === 42); mine = await inRace()) await new Promise((r) => setTimeout(r, 20));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ id: [...ids][0], kind: 'message', count: 42, readAt: null });
    // Reading it starts a new fold; two more at once fold into that new row.
    await racer.post('/api/notifications/read', { ids: [mine[0]!.id] });
    const again = await Promise.all([0, 1].map((i) => server.app.notifications.notify(racer.userId, { kind: 'message', roomId: room.id, text: `again ${i}` })));
    expect(again[0]!.id).toBe(again[1]!.id);
    expect(again[0]!.id).not.toBe(mine[0]!.id);
    const after = await inRace();
    expect(after.map((n) => [n.count, n.readAt === null])).toEqual([
      [2, true],
      [42, false],
    ]);
  });

  it('notifications survive a restart', async () => {
    const before = await listOf(pager);
    pagerS.close();
    for (const s of [annS, bobS, catS]) s.close();
    server = await server.restart();
    for (const c of [ann, bob, cat, dan, pager]) c.moveTo(server);
    [annS, bobS, catS] = await Promise.all([ann.socket(), bob.socket(), cat.socket()]);
    pagerS = await pager.socket();
    expect(await listOf(pager)).toEqual(before);
  });
});
