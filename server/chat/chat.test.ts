import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message } from '../../protocol/chat.js';
import { DEFAULT_SOCKET_RATE } from '../config.js';
import { rawDb, Client, collect, command, newUser, newUsers, nextEvent, roomWith, sleep, startServer, type ClientSocket, type TestServer } from '../test/harness.js';

let server: TestServer;
let alice: Client;
let bob: Client;
let mallory: Client;
let roomId: number;
let as: ClientSocket;
let bs: ClientSocket;

beforeAll(async () => {
  // These tests send many messages quickly; the per-user chat rate has its own test below.
  server = await startServer({ config: { chatRatePer10s: 10_000 } });
  [alice, bob, mallory] = await newUsers(server, 'alice', 'bob', 'mallory');
  roomId = (await roomWith(alice, [bob], { passcode: 'room pass' })).id;
  as = await alice.socket();
  bs = await bob.socket();
  await command(as, 'room:enter', { roomId });
  await command(bs, 'room:enter', { roomId });
});
afterAll(async () => {
  as.close();
  bs.close();
  await server.dispose();
});

const messageCount = async () => ((await rawDb(server.app.db).get('SELECT count(*) AS n FROM messages')) as { n: number }).n;

describe('real-time chat', () => {
  it('delivers a sent message to everyone in the room with a rising sequence number', async () => {
    const got = nextEvent(bs, 'chat:message');
    const ack = await command(as, 'chat:send', { roomId, text: 'hello bob' });
    expect(ack.ok).toBe(true);
    const fact = await got;
    expect(fact.message).toMatchObject({ text: 'hello bob', author: { username: 'alice' } });
    const next = nextEvent(as, 'chat:message');
    await command(bs, 'chat:send', { roomId, text: 'hi alice' });
    expect((await next).seq).toBe(fact.seq + 1);
  });

  it('keeps one socket’s messages in the order they were sent, even when sent without waiting for acks', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => `burst ${i}`);
    const acks = await Promise.all(texts.map((text) => command(as, 'chat:send', { roomId, text })));
    const ids = acks.map((a) => (a.ok ? a.data.id : -1));
    expect(ids.every((id, i) => id > 0 && (i === 0 || id > ids[i - 1]!))).toBe(true);
    const r = await alice.get(`/api/rooms/${roomId}/messages?limit=40`);
    expect((r.body.messages as Message[]).map((m) => m.text)).toEqual(texts);
  });

  it('stores text verbatim (rendering is the client’s job) so markup survives as text', async () => {
    const xss = '<img src=x onerror=alert(1)>';
    const ack = await command(as, 'chat:send', { roomId, text: xss });
    expect(ack.ok && ack.data.text).toBe(xss);
  });

  it('HTTP posts reach sockets live', async () => {
    const got = nextEvent(bs, 'chat:message', (f) => f.message.text === 'from a bot');
    const r = await alice.post(`/api/rooms/${roomId}/messages`, { text: 'from a bot' });
    expect(r.status).toBe(201);
    expect((await got).message.id).toBe(r.body.message.id);
  });

  it('replies carry a quote of the original; mentions notify the mentioned user', async () => {
    const orig = await command(bs, 'chat:send', { roomId, text: 'what is an eigenvector?' });
    if (!orig.ok) throw new Error('send failed');
    const mention = nextEvent(bs, 'notify:mention');
    const reply = await command(as, 'chat:send', { roomId, text: '@bob a vector only scaled by the map', replyToId: orig.data.id });
    expect(reply.ok && reply.data.replyTo).toMatchObject({ id: orig.data.id, authorName: 'bob', excerpt: 'what is an eigenvector?' });
    expect(reply.ok && reply.data.mentions).toEqual([bob.userId]);
    expect((await mention).message.text).toContain('@bob');
  });

  it('edits own messages only, deletes own (moderators any), and toggles reactions', async () => {
    const a = await command(as, 'chat:send', { roomId, text: 'typo heer' });
    const b = await command(bs, 'chat:send', { roomId, text: 'bob says' });
    if (!a.ok || !b.ok) throw new Error('send failed');
    const edited = nextEvent(bs, 'chat:edited');
    const e = await command(as, 'chat:edit', { roomId, messageId: a.data.id, text: 'typo here' });
    expect(e.ok && e.data.editedAt).toBeGreaterThan(0);
    expect((await edited).message.text).toBe('typo here');
    expect(await command(bs, 'chat:edit', { roomId, messageId: a.data.id, text: 'hacked' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await command(bs, 'chat:delete', { roomId, messageId: a.data.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const reacted = nextEvent(as, 'chat:reacted');
    const r1 = await command(bs, 'chat:react', { roomId, messageId: a.data.id, emoji: '👍' });
    expect(r1.ok && r1.data).toEqual([{ emoji: '👍', count: 1, userIds: [bob.userId] }]);
    expect((await reacted).reactions[0].count).toBe(1);
    const r2 = await command(bs, 'chat:react', { roomId, messageId: a.data.id, emoji: '👍' });
    expect(r2.ok && r2.data).toEqual([]);
    expect(await command(bs, 'chat:react', { roomId, messageId: a.data.id, emoji: '<b>' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });

    const deleted = nextEvent(bs, 'chat:deleted');
    expect((await command(as, 'chat:delete', { roomId, messageId: b.data.id })).ok).toBe(true); // owner deletes bob's
    expect((await deleted).message).toMatchObject({ id: b.data.id, deleted: true, text: '' });
    expect(await command(as, 'chat:edit', { roomId, messageId: b.data.id, text: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('refuses edits after the edit window', async () => {
    const a = await command(as, 'chat:send', { roomId, text: 'old news' });
    if (!a.ok) throw new Error('send failed');
    (await rawDb(server.app.db).run('UPDATE messages SET created_at = created_at - 16 * 60000 WHERE id = ?', a.data.id));
    expect(await command(as, 'chat:edit', { roomId, messageId: a.data.id, text: 'new news' })).toMatchObject({ ok: false, error: { code: 'EDIT_WINDOW_PASSED' } });
  });

  it('shows typing to others only, volatile and without a sequence number', async () => {
    const typing = nextEvent(bs, 'chat:typing');
    const own = collect(as, 'chat:typing');
    expect((await command(as, 'chat:typing', { roomId })).ok).toBe(true);
    expect(await typing).toMatchObject({ roomId, user: { username: 'alice' } });
    expect((await typing).seq).toBeUndefined();
    await sleep(50);
    expect(own).toHaveLength(0);
    own.stop();
  });

  it('enforces slow mode for members but not moderators', async () => {
    expect((await bob.patch(`/api/rooms/${roomId}`, { slowModeSeconds: 30 })).status).toBe(403);
    expect((await alice.patch(`/api/rooms/${roomId}`, { slowModeSeconds: 30 })).body.room.slowModeSeconds).toBe(30);
    // Bob's earlier messages would count against him; start from a quiet member.
    (await rawDb(server.app.db).run('UPDATE room_members SET last_message_at = NULL WHERE user_id = ?', bob.userId));
    server.app.rooms.forgetMember(roomId, bob.userId); // a raw write: tell the membership cache (ADR 0022)
    expect((await command(bs, 'chat:send', { roomId, text: 'first' })).ok).toBe(true);
    const second = await command(bs, 'chat:send', { roomId, text: 'second' });
    expect(second).toMatchObject({ ok: false, error: { code: 'SLOW_MODE' } });
    expect(!second.ok && second.error.retryAfter).toBeGreaterThan(25);
    expect((await command(as, 'chat:send', { roomId, text: 'owner is exempt' })).ok).toBe(true);
    expect((await command(as, 'chat:send', { roomId, text: 'still exempt' })).ok).toBe(true);
    await alice.patch(`/api/rooms/${roomId}`, { slowModeSeconds: 0 });
  });
});

describe('refusals: outsiders and garbage change nothing', () => {
  it('refuses a socket without a session', async () => {
    await expect(new Client(server.url).socket()).rejects.toThrow(/UNAUTHENTICATED/);
  });

  it('refuses every room command from a non-member', async () => {
    const ms = await mallory.socket();
    const before = await messageCount();
    const msgs = collect(ms, 'chat:message');
    const anyMessage = (await command(as, 'chat:history', { roomId, limit: 1 })) as { ok: true; data: { messages: Message[] } };
    const messageId = anyMessage.data.messages[0]!.id;
    const attempts: [string, unknown][] = [
      ['room:enter', { roomId }],
      ['chat:send', { roomId, text: 'let me in' }],
      ['chat:edit', { roomId, messageId, text: 'x' }],
      ['chat:delete', { roomId, messageId }],
      ['chat:react', { roomId, messageId, emoji: '👍' }],
      ['chat:typing', { roomId }],
      ['chat:read', { roomId, messageId }],
      ['chat:history', { roomId }],
    ];
    for (const [event, payload] of attempts) {
      const ack = await command(ms, event as 'chat:send', payload);
      expect(ack, event).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    }
    await command(as, 'chat:send', { roomId, text: 'members only' });
    await sleep(50);
    expect(msgs).toHaveLength(0);
    expect(await messageCount()).toBe(before + 1);
    expect((await mallory.get(`/api/rooms/${roomId}/messages`)).status).toBe(403);
    expect((await mallory.post(`/api/rooms/${roomId}/messages`, { text: 'x' })).status).toBe(403);
    ms.close();
  });

  it('answers garbage payloads with VALIDATION acks and writes nothing', async () => {
    const before = await messageCount();
    const garbage: [string, unknown][] = [
      ['chat:send', null],
      ['chat:send', 'hello'],
      ['chat:send', { roomId }],
      ['chat:send', { roomId, text: '   ' }],
      ['chat:send', { roomId, text: 'x'.repeat(4001) }],
      ['chat:send', { roomId: 'one', text: 'x' }],
      ['chat:send', { roomId, text: 'x', extra: true }],
      ['chat:send', { roomId, text: 'x', replyToId: -4 }],
      ['chat:edit', { roomId, messageId: 'abc', text: 'x' }],
      ['chat:history', { roomId, limit: 10_000 }],
      ['presence:set', { status: 'invisible' }],
      ['room:enter', [roomId]],
    ];
    for (const [event, payload] of garbage) {
      const ack = await command(as, event as 'chat:send', payload);
      expect(ack, `${event} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(await messageCount()).toBe(before);
    // A reply to a message in another room is refused too.
    const other = await roomWith(mallory, []);
    const foreign = await mallory.post(`/api/rooms/${other.id}/messages`, { text: 'elsewhere' });
    expect(await command(as, 'chat:send', { roomId, text: 'x', replyToId: foreign.body.message.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('drops oversized socket frames (maxHttpBufferSize)', async () => {
    const s = await alice.socket();
    const gone = nextEvent(s, 'disconnect');
    (s.emit as (e: string, p: unknown) => void)('chat:send', { roomId, text: 'x'.repeat(100_000) });
    expect(await gone).toBe('transport close');
    s.close();
  });

  it('limits how fast one user may chat (default rate)', async () => {
    const own = await startServer();
    try {
      const u = await newUser(own, 'chatty');
      const room = await roomWith(u, []);
      // Sent together, so the bucket (15 per 10 s) cannot refill meanwhile on a slow machine.
      const results = await Promise.all(Array.from({ length: 25 }, (_, i) => u.post(`/api/rooms/${room.id}/messages`, { text: `msg ${i}` })));
      const codes = results.map((r) => (r.status === 201 ? 'ok' : r.body.error.code));
      const ok = codes.filter((c) => c === 'ok').length;
      expect(ok).toBeGreaterThanOrEqual(15);
      expect(ok).toBeLessThan(25);
      expect(codes.filter((c) => c !== 'ok').every((c) => c === 'RATE_LIMITED')).toBe(true);
      const stored = (await rawDb(own.app.db).get('SELECT count(*) n FROM messages WHERE room_id = ?', room.id)) as { n: number };
      expect(stored.n).toBe(ok);
    } finally {
      await own.dispose();
    }
  });

  it('rate-limits a flood of socket events per user (the limit as shipped)', async () => {
    const own = await startServer({ config: { ...DEFAULT_SOCKET_RATE } });
    try {
      const u = await newUser(own, 'flooder');
      const s = await u.socket();
      const acks = await Promise.all(Array.from({ length: 80 }, () => command(s, 'presence:set', { status: 'online' })));
      expect(acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED').length).toBeGreaterThan(0);
      s.close();
    } finally {
      await own.dispose();
    }
  });
});

describe('history and reliability', () => {
  it('pages back through thousands of messages with a cursor, oldest first, no gaps or repeats', async () => {
    const room = await roomWith(alice, [bob]);
    for (let from = 0; from < 2500; from += 500) {
      const rows = Array.from({ length: 500 }, (_, k) => from + k);
      await rawDb(server.app.db).run(
        `INSERT INTO messages (room_id, user_id, text, mentions, created_at) VALUES ${rows.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
        ...rows.flatMap((i) => [room.id, alice.userId, `m${i}`, '[]', Date.now()]),
      );
    }
    const seen: string[] = [];
    let cursor: number | null | undefined;
    let pages = 0;
    do {
      const r = await bob.get(`/api/rooms/${room.id}/messages?limit=100${cursor ? `&before=${cursor}` : ''}`);
      expect(r.status).toBe(200);
      seen.unshift(...r.body.messages.map((m: Message) => m.text));
      cursor = r.body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(25);
    expect(seen).toEqual(Array.from({ length: 2500 }, (_, i) => `m${i}`));
    expect((await bob.get(`/api/rooms/${room.id}/messages?limit=500`)).status).toBe(400);
  });

  it('a message sent while a client is briefly disconnected reaches it after reconnect', async () => {
    const s = await bob.socket();
    await command(s, 'room:enter', { roomId });
    const received = collect(s, 'chat:message');
    // Recovery resumes from the last broadcast the client saw, so let it see one first.
    const seen = nextEvent(s, 'chat:message');
    await command(as, 'chat:send', { roomId, text: 'before the drop' });
    await seen;
    // Drop the transport without a clean close: Socket.IO's connection-state recovery applies.
    const reconnected = new Promise<void>((r) => s.io.once('reconnect', () => r()));
    (s.io as unknown as { engine: { close(): void } }).engine.close();
    await sleep(10);
    const ack = await command(as, 'chat:send', { roomId, text: 'sent while you were away' });
    expect(ack.ok).toBe(true);
    await reconnected;
    await sleep(200);
    expect(s.recovered).toBe(true);
    expect(received.map((f) => f.message.text)).toContain('sent while you were away');
    s.close();
  });

  it('a client that cannot recover gets everything from the room snapshot', async () => {
    const ack = await command(as, 'chat:send', { roomId, text: 'for the snapshot' });
    const fresh = await bob.socket();
    const snap = await command(fresh, 'room:enter', { roomId });
    if (!snap.ok) throw new Error('enter failed');
    expect(snap.data.history.messages.at(-1)!.id).toBe(ack.ok && ack.data.id);
    expect(snap.data.members.map((m) => m.user.username).sort()).toEqual(['alice', 'bob']);
    expect(snap.data.seq).toBeGreaterThan(0);
    fresh.close();
  });

  it('recovery does not let a user back into a room they were kicked from meanwhile', async () => {
    const room = await roomWith(alice, [mallory]);
    const s = await mallory.socket();
    await command(s, 'room:enter', { roomId: room.id });
    const seen = nextEvent(s, 'chat:message');
    await alice.post(`/api/rooms/${room.id}/messages`, { text: 'before the kick' });
    await seen;
    const received = collect(s, 'chat:message');
    const removed = nextEvent(s, 'room:removed');
    const reconnected = new Promise<void>((r) => s.io.once('reconnect', () => r()));
    (s.io as unknown as { engine: { close(): void } }).engine.close();
    await sleep(10);
    await alice.post(`/api/rooms/${room.id}/members/${mallory.userId}/kick`);
    // Sent while Mallory is away and already kicked: recovery must not replay it.
    await alice.post(`/api/rooms/${room.id}/messages`, { text: 'while away after the kick' });
    await reconnected;
    await removed;
    expect(s.recovered).toBe(true);
    await alice.post(`/api/rooms/${room.id}/messages`, { text: 'after the kick' });
    await sleep(100);
    expect(received.map((f) => f.message.text)).toEqual([]);
    s.close();
  });

  it('recovery does not let a logged-out session back in, nor replay what it missed', async () => {
    const u = await newUser(server, 'recoverer');
    const room = await roomWith(u, []);
    const s = await u.socket();
    await command(s, 'room:enter', { roomId: room.id });
    const seen = nextEvent(s, 'chat:message');
    await u.post(`/api/rooms/${room.id}/messages`, { text: 'seen' });
    await seen;
    const received = collect(s, 'chat:message');
    const other = new Client(server.url);
    await other.post('/api/auth/login', { username: 'recoverer', password: 'correct horse battery' });
    // Drop the transport and reconnect by hand, so the logout surely happens in between.
    s.io.reconnection(false);
    const dropped = nextEvent(s, 'disconnect');
    (s.io as unknown as { engine: { close(): void } }).engine.close();
    await dropped;
    await other.post(`/api/rooms/${room.id}/messages`, { text: 'secret after logout' });
    server.app.auth.revokeSession(server.app.auth.sessionIdFor(decodeURIComponent(u.cookie.split('=')[1]!)));
    const refused = new Promise<Error>((r) => s.once('connect_error', r));
    s.connect();
    expect((await refused).message).toBe('UNAUTHENTICATED');
    await sleep(50);
    expect(received.map((f) => f.message.text)).toEqual([]);
    s.close();
  });

  it('history, sequence numbers and memberships survive a server restart', async () => {
    const before = await command(as, 'chat:send', { roomId, text: 'before restart' });
    if (!before.ok) throw new Error('send failed');
    const seqBefore = ((await rawDb(server.app.db).get('SELECT seq FROM rooms WHERE id = ?', roomId)) as { seq: number }).seq;
    as.close();
    bs.close();
    server = await server.restart();
    alice.moveTo(server);
    bob.moveTo(server);
    const hist = await bob.get(`/api/rooms/${roomId}/messages?limit=5`);
    expect(hist.status).toBe(200);
    expect(hist.body.messages.at(-1).text).toBe('before restart');
    as = await alice.socket();
    bs = await bob.socket();
    const snap = await command(bs, 'room:enter', { roomId });
    // Bob coming online is itself a broadcast, so the snapshot may be one ahead; never behind.
    expect(snap.ok && snap.data.seq).toBeGreaterThanOrEqual(seqBefore);
    await command(as, 'room:enter', { roomId });
    const next = nextEvent(bs, 'chat:message');
    await command(as, 'chat:send', { roomId, text: 'after restart' });
    expect((await next).seq).toBeGreaterThan(seqBefore);
  });
});

describe('presence', () => {
  it('shows members online and idle as they come and go', async () => {
    const room = await roomWith(alice, [bob]);
    const s1 = await alice.socket();
    await command(s1, 'room:enter', { roomId: room.id });
    const changes = collect(s1, 'presence:changed');
    const s2 = await bob.socket();
    const snap = await command(s2, 'room:enter', { roomId: room.id });
    expect(snap.ok && snap.data.members.find((m) => m.user.id === alice.userId)!.presence).toBe('online');
    await command(s2, 'presence:set', { status: 'idle' });
    await sleep(50);
    expect(changes.map((c) => c.status)).toEqual(['online', 'idle']);
    s1.close();
    s2.close();
  });
});
