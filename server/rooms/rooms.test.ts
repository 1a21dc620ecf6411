import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb, Client, command, newUser, newUsers, nextEvent, roomWith, startServer, type TestServer } from '../test/harness.js';

let server: TestServer;
let owner: Client;
let bob: Client;
let carol: Client;
let outsider: Client;
beforeAll(async () => {
  server = await startServer();
  [owner, bob, carol, outsider] = await newUsers(server, 'owner', 'bob', 'carol', 'outsider');
});
afterAll(() => server.dispose());

const memberCount = async (roomId: number) =>
  ((await rawDb(server.app.db).get('SELECT count(*) AS n FROM room_members WHERE room_id = ?', roomId)) as { n: number }).n;

describe('creating and joining rooms', () => {
  it('creates a room with a 6-character join code and an argon2id-hashed passcode', async () => {
    const r = await owner.post('/api/rooms', { name: 'Algebra', description: 'Linear algebra study', passcode: 'eigen' });
    expect(r.status).toBe(201);
    expect(r.body.room).toMatchObject({ name: 'Algebra', hasPasscode: true, listed: true, memberCount: 1 });
    expect(r.body.room.code).toMatch(/^[A-Z2-9]{6}$/);
    const row = (await rawDb(server.app.db).get('SELECT passcode_hash FROM rooms WHERE id = ?', r.body.room.id)) as { passcode_hash: string };
    expect(row.passcode_hash).toMatch(/^\$argon2id\$/);
    expect(row.passcode_hash).not.toContain('eigen');
  });

  it('requires login and valid input to create', async () => {
    expect((await new Client(server.url).post('/api/rooms', { name: 'x' })).status).toBe(401);
    for (const bad of [{}, { name: '' }, { name: 'x', passcode: '1' }, { name: 'x', capacity: 1 }, { name: 'x', extra: 1 }]) {
      const r = await owner.post('/api/rooms', bad);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    }
  });

  it('previews by code, refuses a wrong passcode, admits the right one and remembers the member', async () => {
    const room = await roomWith(owner, [], { passcode: 'open sesame', name: 'Physics' });
    const preview = await bob.get(`/api/rooms/code/${room.code.toLowerCase()}`);
    expect(preview.body.room).toMatchObject({ id: room.id, name: 'Physics', hasPasscode: true, isMember: false });
    expect((await bob.get(`/api/rooms/${room.id}`)).body.error.code).toBe('NOT_MEMBER');

    const none = await bob.post(`/api/rooms/${room.id}/join`, {});
    expect(none.body.error.code).toBe('PASSCODE_REQUIRED');
    const wrong = await bob.post(`/api/rooms/${room.id}/join`, { passcode: 'open barley' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('WRONG_PASSCODE');
    expect(await memberCount(room.id)).toBe(1);

    const right = await bob.post(`/api/rooms/${room.id}/join`, { passcode: 'open sesame' });
    expect(right.status).toBe(200);
    expect(right.body.joined).toBe(true);
    expect((await bob.get(`/api/rooms/${room.id}`)).body.myRole).toBe('member');
    // Remembered: no passcode asked again.
    expect((await bob.post(`/api/rooms/${room.id}/join`, {})).body.joined).toBe(false);
  });

  it('rate-limits wrong passcodes per user and room with a retry-after', async () => {
    const room = await roomWith(owner, [], { passcode: 'right one' });
    const guesser = await newUser(server, 'guesser');
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push((await guesser.post(`/api/rooms/${room.id}/join`, { passcode: `guess ${i}` })).body.error.code);
    expect(codes.slice(0, 5)).toEqual(Array(5).fill('WRONG_PASSCODE'));
    const limited = await guesser.post(`/api/rooms/${room.id}/join`, { passcode: 'right one' });
    expect(limited.status).toBe(429);
    expect(limited.body.error.retryAfter).toBeGreaterThan(60);
    expect(limited.headers.get('retry-after')).toBe(String(limited.body.error.retryAfter));
    expect(await memberCount(room.id)).toBe(1);
  });

  it('refuses a full room', async () => {
    const r = await owner.post('/api/rooms', { name: 'Tiny', capacity: 2 });
    expect((await bob.post(`/api/rooms/${r.body.room.id}/join`, {})).status).toBe(200);
    const full = await carol.post(`/api/rooms/${r.body.room.id}/join`, {});
    expect(full.status).toBe(409);
    expect(full.body.error.code).toBe('ROOM_FULL');
  });

  it('gives 404 for unknown rooms and codes and 400 for malformed ids', async () => {
    expect((await bob.get('/api/rooms/999999')).body.error.code).toBe('NOT_FOUND');
    expect((await bob.get('/api/rooms/code/ZZZZZZ')).status).toBe(404);
    expect((await bob.get('/api/rooms/code/<script>')).status).toBe(404);
    expect((await bob.get('/api/rooms/abc')).status).toBe(400);
    expect((await bob.post('/api/rooms/-1/join', {})).status).toBe(400);
  });
});

describe('lobby', () => {
  it('lists listed rooms (not unlisted ones), searches by name, and shows my rooms by recent activity with unread counts', async () => {
    const u = await newUser(server, 'lobbyist');
    const a = (await u.post('/api/rooms', { name: 'Quiet Chemistry' })).body.room;
    const b = (await u.post('/api/rooms', { name: 'Hidden Lab', listed: false })).body.room;
    const pub = await outsider.get('/api/rooms?q=chemis');
    expect(pub.body.rooms.map((r: { id: number }) => r.id)).toContain(a.id);
    expect((await outsider.get('/api/rooms')).body.rooms.map((r: { id: number }) => r.id)).not.toContain(b.id);
    const pct = (await u.post('/api/rooms', { name: '100% focus' })).body.room;
    expect((await outsider.get('/api/rooms?q=%25')).body.rooms.map((r: { id: number }) => r.id)).toEqual([pct.id]);
    expect((await outsider.get('/api/rooms?q=_')).body.rooms).toEqual([]);

    await outsider.post(`/api/rooms/${a.id}/join`, {});
    await u.post(`/api/rooms/${a.id}/messages`, { text: 'one' });
    await u.post(`/api/rooms/${a.id}/messages`, { text: 'two' });
    const mine = await outsider.get('/api/rooms/mine');
    expect(mine.body.rooms[0]).toMatchObject({ id: a.id, unread: 2, myRole: 'member' });
    const ownerMine = await u.get('/api/rooms/mine');
    expect(ownerMine.body.rooms.map((r: { id: number }) => r.id)).toEqual([a.id, pct.id, b.id]);
    expect(ownerMine.body.rooms[0].unread).toBe(0);
  });

  it('shows live online counts', async () => {
    const u = await newUser(server, 'counter');
    const room = await roomWith(u, []);
    const s = await u.socket();
    await command(s, 'room:enter', { roomId: room.id });
    const listed = (await outsider.get('/api/rooms')).body.rooms.find((r: { id: number }) => r.id === room.id);
    expect(listed.onlineCount).toBe(1);
    s.close();
  });
});

describe('owner powers', () => {
  it('changes the passcode without removing members, rotates the code, transfers and deletes', async () => {
    const room = await roomWith(owner, [bob], { passcode: 'first pass' });
    expect((await bob.patch(`/api/rooms/${room.id}`, { passcode: 'hijack' })).body.error.code).toBe('FORBIDDEN');
    expect((await owner.patch(`/api/rooms/${room.id}`, { passcode: 'second pass', name: 'Renamed' })).body.room.name).toBe('Renamed');
    expect((await bob.get(`/api/rooms/${room.id}`)).status).toBe(200);
    expect((await carol.post(`/api/rooms/${room.id}/join`, { passcode: 'first pass' })).body.error.code).toBe('WRONG_PASSCODE');

    const rotated = await owner.post(`/api/rooms/${room.id}/rotate-code`);
    expect(rotated.body.room.code).not.toBe(room.code);
    expect((await carol.get(`/api/rooms/code/${room.code}`)).status).toBe(404);
    expect((await bob.post(`/api/rooms/${room.id}/rotate-code`)).status).toBe(403);

    expect((await owner.post(`/api/rooms/${room.id}/leave`)).body.error.code).toBe('CONFLICT');
    expect((await bob.post(`/api/rooms/${room.id}/transfer`, { userId: carol.userId })).status).toBe(403);
    expect((await owner.post(`/api/rooms/${room.id}/transfer`, { userId: carol.userId })).body.error.code).toBe('NOT_MEMBER');
    const t = await owner.post(`/api/rooms/${room.id}/transfer`, { userId: bob.userId });
    expect(t.body.room.ownerId).toBe(bob.userId);
    expect((await owner.get(`/api/rooms/${room.id}`)).body.myRole).toBe('moderator');

    expect((await owner.del(`/api/rooms/${room.id}`)).status).toBe(403);
    const bs = await bob.socket();
    const removed = nextEvent(bs, 'room:removed');
    expect((await bob.del(`/api/rooms/${room.id}`)).status).toBe(204);
    expect(await removed).toMatchObject({ roomId: room.id, reason: 'deleted' });
    expect((await bob.get(`/api/rooms/${room.id}`)).status).toBe(404);
    bs.close();
  });

  it('removing the passcode opens the room', async () => {
    const room = await roomWith(owner, [], { passcode: 'gone soon' });
    await owner.patch(`/api/rooms/${room.id}`, { passcode: null });
    expect((await carol.post(`/api/rooms/${room.id}/join`, {})).status).toBe(200);
  });
});

describe('moderation', () => {
  it('only moderators kick, mute and ban; members cannot; nobody moderates upwards', async () => {
    const room = await roomWith(owner, [bob, carol]);
    expect((await bob.post(`/api/rooms/${room.id}/members/${carol.userId}/kick`)).body.error.code).toBe('FORBIDDEN');
    expect((await outsider.post(`/api/rooms/${room.id}/members/${carol.userId}/kick`)).body.error.code).toBe('NOT_MEMBER');
    expect((await owner.put(`/api/rooms/${room.id}/members/${bob.userId}/role`, { role: 'moderator' })).body.member.role).toBe('moderator');
    expect((await bob.post(`/api/rooms/${room.id}/members/${owner.userId}/kick`)).body.error.code).toBe('FORBIDDEN');
    expect((await bob.put(`/api/rooms/${room.id}/members/${carol.userId}/role`, { role: 'moderator' })).status).toBe(403);

    const muted = await bob.post(`/api/rooms/${room.id}/members/${carol.userId}/mute`, { minutes: 5 });
    expect(muted.body.member.mutedUntil).toBeGreaterThan(Date.now());
    const send = await carol.post(`/api/rooms/${room.id}/messages`, { text: 'can I talk?' });
    expect(send.status).toBe(403);
    expect(send.body.error.code).toBe('MUTED');
    expect((await bob.del(`/api/rooms/${room.id}/members/${carol.userId}/mute`)).body.member.mutedUntil).toBeNull();
    expect((await carol.post(`/api/rooms/${room.id}/messages`, { text: 'thanks' })).status).toBe(201);

    const cs = await carol.socket();
    await command(cs, 'room:enter', { roomId: room.id });
    const removed = nextEvent(cs, 'room:removed');
    expect((await bob.post(`/api/rooms/${room.id}/members/${carol.userId}/kick`)).status).toBe(204);
    expect((await removed).reason).toBe('kicked');
    expect((await carol.get(`/api/rooms/${room.id}/messages`)).status).toBe(403);
    const ack = await command(cs, 'chat:send', { roomId: room.id, text: 'still here?' });
    expect(ack).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    // Kicked is not banned: they may come back.
    expect((await carol.post(`/api/rooms/${room.id}/join`, {})).status).toBe(200);
    cs.close();
  });

  it('a ban keeps the user out until it ends, and can remove their messages', async () => {
    const room = await roomWith(owner, [carol]);
    await carol.post(`/api/rooms/${room.id}/messages`, { text: 'spam spam' });
    await carol.post(`/api/rooms/${room.id}/messages`, { text: 'more spam' });
    const os = await owner.socket();
    await command(os, 'room:enter', { roomId: room.id });
    const purged = nextEvent(os, 'chat:purged');
    const left = nextEvent(os, 'member:left');
    expect((await owner.post(`/api/rooms/${room.id}/members/${carol.userId}/ban`, { minutes: 60, deleteMessages: true, reason: 'spam' })).status).toBe(204);
    expect(await left).toMatchObject({ userId: carol.userId, reason: 'banned' });
    expect(await purged).toMatchObject({ userId: carol.userId });
    const history = (await owner.get(`/api/rooms/${room.id}/messages`)).body.messages;
    expect(history.filter((m: { author: { id: number } }) => m.author.id === carol.userId).every((m: { deleted: boolean; text: string }) => m.deleted && m.text === '')).toBe(true);

    const again = await carol.post(`/api/rooms/${room.id}/join`, {});
    expect(again.body.error.code).toBe('BANNED');
    expect(again.body.error.retryAfter).toBeGreaterThan(3500);
    expect((await owner.get(`/api/rooms/${room.id}/bans`)).body.bans[0]).toMatchObject({ reason: 'spam', user: { id: carol.userId } });
    expect((await carol.get(`/api/rooms/${room.id}/bans`)).status).toBe(403);

    // Time passes: the ban lapses.
    (await rawDb(server.app.db).run('UPDATE room_bans SET until = ? WHERE room_id = ?', Date.now() - 1, room.id));
    expect((await carol.post(`/api/rooms/${room.id}/join`, {})).status).toBe(200);
    os.close();
  });

  it('validates moderation payloads', async () => {
    const room = await roomWith(owner, [bob]);
    expect((await owner.post(`/api/rooms/${room.id}/members/${bob.userId}/mute`, { minutes: 0 })).status).toBe(400);
    expect((await owner.post(`/api/rooms/${room.id}/members/${bob.userId}/ban`, { minutes: 'soon' })).status).toBe(400);
    expect((await owner.put(`/api/rooms/${room.id}/members/${bob.userId}/role`, { role: 'owner' })).status).toBe(400);
    expect((await owner.post(`/api/rooms/${room.id}/members/${owner.userId}/kick`)).body.error.code).toBe('CONFLICT');
    expect(await memberCount(room.id)).toBe(2);
  });
});

describe('unlisted rooms: the join code is the capability (issue 17 items 1 and 2)', () => {
  it('an outsider cannot join an unlisted room by its numeric id, nor read it; the current code lets them in', async () => {
    const room = await roomWith(owner, [], { name: 'Hidden by id', listed: false });
    const stranger = await newUser(server, 'counter-of-ids');
    const noCode = await stranger.post(`/api/rooms/${room.id}/join`, {});
    expect(noCode.status).toBe(404);
    expect(noCode.body.error.code).toBe('NOT_FOUND');
    expect((await stranger.post(`/api/rooms/${room.id}/join`, { code: room.code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA' })).body.error.code).toBe('NOT_FOUND');
    for (const garbage of [{ code: 'x' }, { code: 123456 }, { code: '<script>' }, { passcode: 5 }]) {
      expect((await stranger.post(`/api/rooms/${room.id}/join`, garbage)).status).toBe(400);
    }
    expect(await memberCount(room.id)).toBe(1);
    expect((await stranger.get(`/api/rooms/${room.id}/messages`)).status).toBe(403);
    expect((await stranger.get(`/api/rooms/${room.id}/members`)).status).toBe(403);
    const s = await stranger.socket();
    expect(await command(s, 'room:enter', { roomId: room.id })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });

    const ok = await stranger.post(`/api/rooms/${room.id}/join`, { code: room.code.toLowerCase() });
    expect(ok.status).toBe(200);
    expect(ok.body.joined).toBe(true);
    expect((await stranger.get(`/api/rooms/${room.id}/messages`)).status).toBe(200);
    expect(await command(s, 'room:enter', { roomId: room.id })).toMatchObject({ ok: true });
    s.close();
  });

  it('a room made unlisted later needs the code too; listed rooms stay joinable from the lobby', async () => {
    const room = await roomWith(owner, []);
    await owner.patch(`/api/rooms/${room.id}`, { listed: false });
    const late = await newUser(server, 'late-comer');
    expect((await late.post(`/api/rooms/${room.id}/join`, {})).status).toBe(404);
    await owner.patch(`/api/rooms/${room.id}`, { listed: true });
    expect((await late.post(`/api/rooms/${room.id}/join`, {})).status).toBe(200);
  });

  it('rotating the code locks out the old code and link; members stay', async () => {
    const room = await roomWith(owner, [bob], { name: 'Rotating', listed: false });
    const holder = await newUser(server, 'old-link-holder');
    expect((await holder.get(`/api/rooms/code/${room.code}`)).status).toBe(200);
    const rotated = (await owner.post(`/api/rooms/${room.id}/rotate-code`)).body.room;
    expect(rotated.code).not.toBe(room.code);

    expect((await holder.get(`/api/rooms/code/${room.code}`)).status).toBe(404);
    expect((await holder.post(`/api/rooms/${room.id}/join`, { code: room.code })).status).toBe(404);
    expect((await holder.post(`/api/rooms/${room.id}/join`, {})).status).toBe(404);
    expect(await memberCount(room.id)).toBe(2);
    expect((await bob.get(`/api/rooms/${room.id}`)).status).toBe(200);

    expect((await holder.get(`/api/rooms/code/${rotated.code}`)).body.room.id).toBe(room.id);
    expect((await holder.post(`/api/rooms/${room.id}/join`, { code: rotated.code })).status).toBe(200);
  });

  it('an unlisted room with a passcode needs both', async () => {
    const room = await roomWith(owner, [], { name: 'Both', listed: false, passcode: 'two keys' });
    const u = await newUser(server, 'two-keys');
    expect((await u.post(`/api/rooms/${room.id}/join`, { passcode: 'two keys' })).status).toBe(404);
    expect((await u.post(`/api/rooms/${room.id}/join`, { code: room.code })).body.error.code).toBe('PASSCODE_REQUIRED');
    expect((await u.post(`/api/rooms/${room.id}/join`, { code: room.code, passcode: 'two keys' })).status).toBe(200);
  });

  it('wrong codes are rate-limited per user, so codes cannot be counted through', async () => {
    const room = await roomWith(owner, [], { name: 'Guess me', listed: false });
    const guesser = await newUser(server, 'code-guesser');
    const wrong = room.code === 'ZZZZZZ' ? 'YYYYYY' : 'ZZZZZZ';
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await guesser.post(`/api/rooms/${room.id}/join`, { code: wrong })).status);
    expect(statuses).toEqual(Array(20).fill(404));
    const limited = await guesser.post(`/api/rooms/${room.id}/join`, { code: room.code });
    expect(limited.status).toBe(429);
    expect(limited.body.error.retryAfter).toBeGreaterThan(0);
    expect((await guesser.get(`/api/rooms/code/${room.code}`)).status).toBe(429);
    expect(await memberCount(room.id)).toBe(1);
  });
});
