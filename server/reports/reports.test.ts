/**
 * Reports end to end over real HTTP and sockets: a member reports, the room's staff see it live in
 * their queue, act on it through the moderation services, and the action is recorded on the
 * report and in the audit log. Plus the authorisation matrix, visibility rules and garbage.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb, Client, collect, command, newUser, newUsers, nextEvent, roomWith, startServer, type ClientSocket, type TestServer } from '../test/harness.js';

let server: TestServer;
let admin: Client, owner: Client, mod: Client, mia: Client, max: Client, zoe: Client, stranger: Client, otherOwner: Client, anon: Client;
let roomId: number, otherRoomId: number;
let modSocket: ClientSocket, ownerSocket: ClientSocket, adminSocket: ClientSocket, miaSocket: ClientSocket, maxSocket: ClientSocket, strangerSocket: ClientSocket;
let memberEvents: ReturnType<typeof collect>[];
const ids: number[] = [];

const count = async (table: string) => ((await rawDb(server.app.db).get(`SELECT count(*) AS n FROM ${table}`)) as { n: number }).n;
const say = async (s: ClientSocket, text: string) => {
  const a = await command(s, 'chat:send', { roomId, text });
  if (!a.ok) throw new Error(JSON.stringify(a));
  return a.data.id;
};

beforeAll(async () => {
  server = await startServer();
  admin = await newUser(server, 'admin'); // first account: the instance admin
  [owner, mod, mia, max, zoe, stranger, otherOwner] = await newUsers(server, 'owner', 'mod', 'mia', 'max', 'zoe', 'stranger', 'other');
  anon = new Client(server.url);
  roomId = (await roomWith(owner, [mod, mia, max, zoe])).id;
  otherRoomId = (await roomWith(otherOwner, [mia])).id;
  expect((await owner.put(`/api/rooms/${roomId}/members/${mod.userId}/role`, { role: 'moderator' })).status).toBe(200);
  [modSocket, ownerSocket, adminSocket, miaSocket, maxSocket, strangerSocket] = (await Promise.all([mod, owner, admin, mia, max, stranger].map((c) => c.socket()))) as [ClientSocket, ClientSocket, ClientSocket, ClientSocket, ClientSocket, ClientSocket];
  for (const s of [modSocket, ownerSocket, miaSocket, maxSocket]) await command(s, 'room:enter', { roomId });
  memberEvents = [miaSocket, maxSocket, strangerSocket].map((s) => collect(s, 'report:changed'));
  for (let i = 0; i < 7; i++) ids.push(await say(i >= 3 ? maxSocket : miaSocket, `line ${i}`));
});

afterAll(async () => {
  for (const s of [modSocket, ownerSocket, adminSocket, miaSocket, maxSocket, strangerSocket]) s.disconnect();
  await server.dispose();
});

describe('report flow end to end', () => {
  let reportId: number;
  it('a member reports a message; staff are told live; the reporter gets a receipt only', async () => {
    const modSees = nextEvent(modSocket, 'report:changed');
    const ownerSees = nextEvent(ownerSocket, 'report:changed');
    const adminSees = nextEvent(adminSocket, 'report:changed');
    const r = await mia.post(`/api/rooms/${roomId}/reports`, { messageId: ids[3], reason: 'harassment', note: 'Not nice' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ report: { id: expect.any(Number), status: 'open', createdAt: expect.any(Number) } });
    reportId = r.body.report.id;
    for (const fact of await Promise.all([modSees, ownerSees, adminSees])) expect(fact).toEqual({ roomId, reportId, open: 1 });
  });

  it('the moderator sees it in the queue with the message in context', async () => {
    const list = await mod.get(`/api/rooms/${roomId}/reports`);
    expect(list.status).toBe(200);
    expect(list.body.openCount).toBe(1);
    expect(list.body.reports[0]).toMatchObject({ id: reportId, reason: 'harassment', note: 'Not nice', messageText: 'line 3', status: 'open', reporter: { username: 'mia' }, target: { username: 'max' }, targetRole: 'member' });
    const detail = await mod.get(`/api/reports/${reportId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.context.map((m: { text: string }) => m.text)).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4', 'line 5', 'line 6']);
    expect(detail.body.allowed).toEqual(['dismiss', 'delete_message', 'mute', 'kick', 'ban']);
  });

  it('a second report of the same message by the same member is refused; another member may add theirs', async () => {
    const again = await mia.post(`/api/rooms/${roomId}/reports`, { messageId: ids[3], reason: 'spam' });
    expect(again.status).toBe(409);
    expect((await zoe.post(`/api/rooms/${roomId}/reports`, { messageId: ids[3], reason: 'spam' })).status).toBe(201);
    expect((await mod.get(`/api/rooms/${roomId}/reports`)).body.openCount).toBe(2);
  });

  it('deleting the message from the report removes it for everyone, settles both reports and is recorded', async () => {
    const deleted = nextEvent(maxSocket, 'chat:deleted');
    const toMod = nextEvent(modSocket, 'report:changed', (f: { open: number }) => f.open === 0);
    const r = await mod.post(`/api/reports/${reportId}/actions`, { action: 'delete_message' });
    expect(r.status).toBe(200);
    expect((await deleted).messageId).toBe(ids[3]);
    await toMod;
    expect(r.body.report).toMatchObject({ status: 'resolved', messageText: 'line 3', actions: [{ actorName: 'mod', action: 'delete_message', at: expect.any(Number) }] });
    expect(r.body.allowed).not.toContain('delete_message');
    const closed = await mod.get(`/api/rooms/${roomId}/reports?status=closed`);
    expect(closed.body.reports.map((x: { status: string }) => x.status)).toEqual(['resolved', 'resolved']);
    const audit = (await rawDb(server.app.db).all("SELECT * FROM audit_log WHERE action = 'report.action'")) as { actor_name: string; target_name: string; room_id: number; detail: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_name: 'mod', target_name: 'max', room_id: roomId });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ reportId, action: 'delete_message', messageId: ids[3] });
  });

  it('a user report acted on with mute mutes them (the existing mute rule applies)', async () => {
    const r = await zoe.post(`/api/rooms/${roomId}/reports`, { userId: max.userId, reason: 'spam', note: '' });
    expect(r.status).toBe(201);
    const act = await mod.post(`/api/reports/${r.body.report.id}/actions`, { action: 'mute', minutes: 5 });
    expect(act.status).toBe(200);
    expect(act.body.report.actions[0]).toMatchObject({ action: 'mute', detail: { minutes: 5 } });
    expect(await command(maxSocket, 'chat:send', { roomId, text: 'hello?' })).toMatchObject({ ok: false, error: { code: 'MUTED' } });
  });

  it('dismissing closes a report without touching anyone', async () => {
    const id = (await mia.post(`/api/rooms/${roomId}/reports`, { messageId: ids[4], reason: 'other' })).body.report.id;
    const act = await owner.post(`/api/reports/${id}/actions`, { action: 'dismiss' });
    expect(act.body.report).toMatchObject({ status: 'dismissed', actions: [{ actorName: 'owner', action: 'dismiss' }] });
    expect((await mia.get(`/api/rooms/${roomId}/messages`)).body.messages.find((m: { id: number }) => m.id === ids[4]).deleted).toBe(false);
  });
});

describe('visibility: reports about staff go up', () => {
  let aboutMod: number, aboutOwner: number;
  it('a report about a moderator is seen by the owner and admins, not by the moderator', async () => {
    aboutMod = (await mia.post(`/api/rooms/${roomId}/reports`, { userId: mod.userId, reason: 'harassment' })).body.report.id;
    expect((await mod.get(`/api/reports/${aboutMod}`)).status).toBe(404);
    expect((await mod.get(`/api/rooms/${roomId}/reports`)).body.reports.map((r: { id: number }) => r.id)).not.toContain(aboutMod);
    expect((await owner.get(`/api/reports/${aboutMod}`)).body.allowed).toEqual(['dismiss', 'mute', 'kick', 'ban']);
    expect((await admin.get(`/api/reports/${aboutMod}`)).status).toBe(200);
  });

  it('a report about the owner is seen by admins only', async () => {
    aboutOwner = (await mia.post(`/api/rooms/${roomId}/reports`, { userId: owner.userId, reason: 'other' })).body.report.id;
    for (const c of [owner, mod]) {
      expect((await c.get(`/api/reports/${aboutOwner}`)).status).toBe(404);
      expect((await c.get(`/api/rooms/${roomId}/reports`)).body.reports.map((r: { id: number }) => r.id)).not.toContain(aboutOwner);
    }
    const asAdmin = await admin.get(`/api/reports/${aboutOwner}`);
    expect(asAdmin.body.allowed).toEqual(['dismiss']);
    expect((await admin.post(`/api/reports/${aboutOwner}/actions`, { action: 'kick' })).status).toBe(403);
    expect((await admin.get('/api/admin/reports')).body.reports.map((r: { id: number }) => r.id)).toEqual(expect.arrayContaining([aboutMod, aboutOwner]));
  });

  it('a moderator cannot act on a report they cannot see', async () => {
    const before = await count('report_actions');
    expect((await mod.post(`/api/reports/${aboutMod}/actions`, { action: 'dismiss' })).status).toBe(404);
    expect(await count('report_actions')).toBe(before);
  });

  it('an admin who is not in the room acts with the owner\'s authority: kicking the moderator', async () => {
    const removed = nextEvent(modSocket, 'room:removed');
    const r = await admin.post(`/api/reports/${aboutMod}/actions`, { action: 'kick' });
    expect(r.status).toBe(200);
    expect((await removed).reason).toBe('kicked');
    expect(r.body.report.actions[0]).toMatchObject({ actorName: 'admin', action: 'kick', detail: { asAdmin: true } });
    expect(r.body.allowed).toEqual(['dismiss']);
    // Back in for the rest of the file.
    await mod.post(`/api/rooms/${roomId}/join`, {});
    await owner.put(`/api/rooms/${roomId}/members/${mod.userId}/role`, { role: 'moderator' });
  });
});

describe('authorisation matrix', () => {
  let reportId: number;
  beforeAll(async () => {
    reportId = (await mia.post(`/api/rooms/${roomId}/reports`, { messageId: ids[5], reason: 'spam' })).body.report.id;
  });

  it('filing: anonymous 401, outsiders and members of other rooms 403, and nothing is stored', async () => {
    const before = await count('reports');
    expect((await anon.post(`/api/rooms/${roomId}/reports`, { messageId: ids[0], reason: 'spam' })).status).toBe(401);
    expect((await stranger.post(`/api/rooms/${roomId}/reports`, { messageId: ids[0], reason: 'spam' })).status).toBe(403);
    expect((await otherOwner.post(`/api/rooms/${roomId}/reports`, { messageId: ids[0], reason: 'spam' })).status).toBe(403);
    // A message of another room, reported from a room one belongs to, is not found.
    expect((await mia.post(`/api/rooms/${otherRoomId}/reports`, { messageId: ids[0], reason: 'spam' })).status).toBe(404);
    expect((await mia.post(`/api/rooms/${roomId}/reports`, { messageId: ids[0], reason: 'spam' })).status).toBe(409); // her own message
    expect((await mia.post(`/api/rooms/${roomId}/reports`, { userId: stranger.userId, reason: 'spam' })).status).toBe(403); // not a member
    expect((await mia.post(`/api/rooms/999999/reports`, { userId: max.userId, reason: 'spam' })).status).toBe(404);
    expect(await count('reports')).toBe(before);
  });

  it('the queue, a report, acting: only staff who may see it and admins', async () => {
    const cases: [Client, number, number, number, number][] = [
      // who, room list, detail, act, admin list
      [anon, 401, 401, 401, 401],
      [stranger, 403, 404, 404, 403],
      [otherOwner, 403, 404, 404, 403],
      [mia, 403, 404, 404, 403],
      [max, 403, 404, 404, 403],
      [mod, 200, 200, 200, 403],
      [owner, 200, 200, 200, 403],
      [admin, 200, 200, 200, 200],
    ];
    for (const [who, list, detail, act, adminList] of cases) {
      const name = who === anon ? 'anonymous' : who.userId;
      expect((await who.get(`/api/rooms/${roomId}/reports`)).status, `list ${name}`).toBe(list);
      expect((await who.get(`/api/reports/${reportId}`)).status, `detail ${name}`).toBe(detail);
      // Dismiss is idempotent enough to try with every allowed caller.
      expect((await who.post(`/api/reports/${reportId}/actions`, { action: 'dismiss' })).status, `act ${name}`).toBe(act);
      expect((await who.get('/api/admin/reports')).status, `admin list ${name}`).toBe(adminList);
    }
    expect((await otherOwner.get(`/api/rooms/${otherRoomId}/reports`)).body.reports).toEqual([]);
  });

  it('a stranger guessing report ids learns nothing', async () => {
    for (const id of [reportId, reportId + 1, 999999]) {
      const r = await stranger.get(`/api/reports/${id}`);
      expect(r.status).toBe(404);
      expect(r.body.error.message).toBe('No such report.');
    }
  });

  it('members and outsiders never received a report:changed event', () => {
    expect(memberEvents.map((e) => e.length)).toEqual([0, 0, 0]);
  });

  it('a foreign Origin may not file or act', async () => {
    const foreign = { origin: 'https://evil.example' };
    const before = await count('reports');
    expect((await mia.req('POST', `/api/rooms/${roomId}/reports`, { messageId: ids[6], reason: 'spam' }, foreign)).status).toBe(403);
    expect((await mod.req('POST', `/api/reports/${reportId}/actions`, { action: 'kick' }, foreign)).status).toBe(403);
    expect(await count('reports')).toBe(before);
  });
});

describe('garbage and limits', () => {
  it('refuses bad report payloads with 400 and stores nothing', async () => {
    const before = await count('reports');
    const bad = [
      {},
      { reason: 'spam' },
      { messageId: ids[6], userId: max.userId, reason: 'spam' },
      { messageId: ids[6], reason: 'boring' },
      { messageId: String(ids[6]), reason: 'spam' },
      { messageId: -1, reason: 'spam' },
      { messageId: ids[6], reason: 'spam', note: 'x'.repeat(501) },
      { messageId: ids[6], reason: 'spam', extra: true },
      [],
      'garbage',
    ];
    for (const body of bad) expect((await mia.post(`/api/rooms/${roomId}/reports`, body)).status, JSON.stringify(body)).toBe(400);
    expect((await mia.req('POST', `/api/rooms/${roomId}/reports`, '{not json')).status).toBe(400);
    expect((await mia.post(`/api/rooms/abc/reports`, { messageId: ids[6], reason: 'spam' })).status).toBe(400);
    expect(await count('reports')).toBe(before);
  });

  it('refuses bad actions with 400 and changes nothing', async () => {
    const id = (await mia.post(`/api/rooms/${roomId}/reports`, { messageId: ids[6], reason: 'spam' })).body.report.id;
    const before = await count('report_actions');
    for (const body of [{}, { action: 'explode' }, { action: 'mute', minutes: 0 }, { action: 'ban', minutes: 'ever' }, { action: 'kick', extra: 1 }]) {
      expect((await mod.post(`/api/reports/${id}/actions`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await mod.post('/api/reports/0/actions', { action: 'dismiss' })).status).toBe(400);
    expect((await mod.get('/api/reports/nope')).status).toBe(400);
    expect((await admin.get('/api/admin/reports?status=weird')).status).toBe(400);
    expect(await count('report_actions')).toBe(before);
    expect((await mod.get(`/api/reports/${id}`)).body.report.status).toBe('open');
  });

  it('a muted member may still report; a kicked one may not, and sees no queue', async () => {
    // Max was muted from a report above: reporting is not speaking to the room.
    expect((await max.post(`/api/rooms/${roomId}/reports`, { userId: zoe.userId, reason: 'other' })).status).toBe(201);
    const kicked = await newUser(server, 'kicked');
    await kicked.post(`/api/rooms/${roomId}/join`, {});
    expect((await owner.post(`/api/rooms/${roomId}/members/${kicked.userId}/kick`)).status).toBe(204);
    const before = await count('reports');
    expect((await kicked.post(`/api/rooms/${roomId}/reports`, { userId: zoe.userId, reason: 'spam' })).status).toBe(403);
    expect((await kicked.get(`/api/rooms/${roomId}/reports`)).status).toBe(403);
    expect(await count('reports')).toBe(before);
  });

  it('rate-limits a member who files many reports', async () => {
    const spammer = await newUser(server, 'spammer');
    await spammer.post(`/api/rooms/${roomId}/join`, {});
    const s = await spammer.socket();
    const targets: number[] = [];
    for (let i = 0; i < 11; i++) targets.push((await command(s, 'chat:send', { roomId, text: `bait ${i}` }).then((a) => (a.ok ? a.data.id : 0))));
    s.disconnect();
    const statuses: number[] = [];
    for (const t of targets) statuses.push((await zoe.post(`/api/rooms/${roomId}/reports`, { messageId: t, reason: 'spam' })).status);
    expect(statuses.filter((x) => x === 201).length).toBeLessThanOrEqual(10);
    expect(statuses).toContain(429);
  });
});
