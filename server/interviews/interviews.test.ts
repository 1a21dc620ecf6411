/**
 * Interview sessions end to end on the server: the real app on port 0, real HTTP and real
 * socket.io-clients with real Yjs documents. Every route is tried by its rightful users, an
 * outsider, a wrong role, with garbage and with guessed ids; the host's notes are checked against
 * every socket event and HTTP body the candidate and an observer ever received.
 */
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOC_TEXT } from '../../protocol/docs-constants.js';
import type { InterviewView, ProblemSummary } from '../../protocol/interviews.js';
import { notificationTitle, notificationUrl } from '../../protocol/notifications-format.js';
import { Client, collect, command, newUsers, nextEvent, roomWith, startServer, type ClientSocket, type TestServer, ok } from '../test/harness.js';
import { PROBLEM_BANK } from './problem-bank.js';

let server: TestServer;
let host: Client;
let cand: Client;
let obs: Client;
let outsider: Client;
let thief: Client;
let hs: ClientSocket;
let cs: ClientSocket;
let os: ClientSocket;
let xs: ClientSocket;

const SECRET = 'NOTE-7f3a: weak on recursion, do not hire';
const SECRET2 = 'Candidate rambled';
/** Everything the candidate and the observer receive, as text (binary payloads decoded too). */
const seen: string[] = [];
const asText = (v: unknown) =>
  JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? Buffer.from(x).toString('latin1') : x && typeof x === 'object' && (x as { type?: string }).type === 'Buffer' ? Buffer.from((x as { data: number[] }).data).toString('latin1') : x));

function recordHttp(c: Client): void {
  const orig = c.req.bind(c);
  c.req = (async (method: string, path: string, body?: unknown, extra?: Record<string, string>) => {
    const r = await orig(method, path, body, extra);
    seen.push(asText(r.body));
    for (const [k, v] of r.headers) seen.push(`${k}: ${v}`);
    return r;
  }) as Client['req'];
}

/** A raw Yjs client of the session's pad. */
async function openPad(s: ClientSocket, roomId: number, docId: number) {
  const ydoc = new Y.Doc();
  const opened = await ok(command(s, 'doc:open', { roomId, docId }));
  Y.applyUpdate(ydoc, new Uint8Array(opened.update));
  s.on('doc:updated', (f) => {
    if (f.docId === docId) Y.applyUpdate(ydoc, new Uint8Array(f.update), 'remote');
  });
  const type = async (at: number, text: string) => {
    let update: Uint8Array | null = null;
    const h = (u: Uint8Array, origin: unknown) => {
      if (origin !== 'remote') update = u;
    };
    ydoc.on('update', h);
    ydoc.getText(DOC_TEXT).insert(at, text);
    ydoc.off('update', h);
    return command(s, 'doc:update', { roomId, docId, update: update! });
  };
  return { ydoc, canEdit: opened.canEdit as boolean, type, text: () => ydoc.getText(DOC_TEXT).toString() };
}

let problems: ProblemSummary[];
let sessionId: string;
let roomId: number;
let docId: number;
let invites: { candidate: string; observer: string };

beforeAll(async () => {
  server = await startServer();
  [host, cand, obs, outsider, thief] = await newUsers(server, 'hana', 'cody', 'olga', 'xeno', 'tess');
  recordHttp(cand);
  recordHttp(obs);
  [hs, cs, os, xs] = await Promise.all([host.socket(), cand.socket(), obs.socket(), outsider.socket()]);
  for (const s of [cs, os]) s.onAny((event: string, ...args: unknown[]) => seen.push(`${event} ${asText(args)}`));
}, 90_000);

afterAll(async () => {
  for (const s of [hs, cs, os, xs]) s?.disconnect();
  await server?.dispose();
});

describe('problem bank', () => {
  it('ships at least 10 problems with starters in three languages and test cases', async () => {
    const r = await host.get('/api/interview-problems');
    expect(r.status).toBe(200);
    problems = r.body.problems;
    expect(problems.filter((p) => p.builtin).length).toBeGreaterThanOrEqual(10);
    expect(PROBLEM_BANK.length).toBeGreaterThanOrEqual(10);
    const twoSum = problems.find((p) => p.title === 'Two Sum')!;
    const one = await host.get(`/api/interview-problems/${twoSum.id}`);
    expect(one.body.problem.functionName).toBe('twoSum');
    expect(Object.keys(one.body.problem.starters).sort()).toEqual(['javascript', 'python', 'typescript']);
    expect(one.body.problem.starters.python).toContain('def twoSum(nums, target):');
    expect(one.body.problem.tests.length).toBeGreaterThan(2);
  });

  it('seeding again at boot changes nothing (idempotent)', async () => {
    const before = (await host.get('/api/interview-problems')).body.problems.length;
    await server.app.inject({ method: 'GET', url: '/api/health' });
    const { ProblemsService } = await import('./problems.service.js');
    await new ProblemsService(server.app.db).seed();
    expect((await host.get('/api/interview-problems')).body.problems.length).toBe(before);
  });

  it('an interviewer adds a problem of their own, seen by them only; garbage is refused', async () => {
    const input = {
      title: 'Sum of a list',
      difficulty: 'easy',
      statement: 'Return the sum of `nums`.',
      functionName: 'total',
      starters: { javascript: 'function total(nums) {}', typescript: 'function total(nums: number[]): number {}', python: 'def total(nums):\n    pass' },
      tests: [{ input: [[1, 2, 3]], expected: 6 }],
    };
    const r = await host.post('/api/interview-problems', input);
    expect(r.status).toBe(201);
    expect(r.body.problem).toMatchObject({ title: 'Sum of a list', builtin: false, createdBy: host.userId });
    expect((await outsider.get(`/api/interview-problems/${r.body.problem.id}`)).status).toBe(404);
    expect((await outsider.get('/api/interview-problems')).body.problems.some((p: ProblemSummary) => p.id === r.body.problem.id)).toBe(false);

    const count = (await host.get('/api/interview-problems')).body.problems.length;
    for (const bad of [
      { ...input, functionName: 'x; fetch()' },
      { ...input, statement: 'x'.repeat(9000) },
      { ...input, tests: [] },
      { ...input, tests: Array.from({ length: 21 }, () => ({ input: [1], expected: 1 })) },
      { ...input, tests: [{ input: ['x'.repeat(3000)], expected: 1 }] },
      { ...input, starters: { javascript: '' } },
      { ...input, extra: true },
      'garbage',
    ]) {
      const res = await host.post('/api/interview-problems', bad);
      expect(res.status, JSON.stringify(bad).slice(0, 80)).toBe(400);
    }
    expect((await host.get('/api/interview-problems')).body.problems.length).toBe(count);
    expect((await new Client(server.url).get('/api/interview-problems')).status).toBe(401);
    expect((await outsider.req('DELETE', `/api/interview-problems/${r.body.problem.id}`)).status).toBe(404);
  });
});

describe('a session', () => {
  it('is created by any signed-in user with a problem; garbage and strangers are refused', async () => {
    const twoSum = problems.find((p) => p.title === 'Two Sum')!;
    expect((await new Client(server.url).post('/api/interviews', { name: 'x', problemId: twoSum.id })).status).toBe(401);
    for (const bad of [{ name: '', problemId: twoSum.id }, { name: 'x', problemId: -1 }, { name: 'x', problemId: twoSum.id, language: 'cobol' }, { name: 'x' }, { name: 'x', problemId: twoSum.id, roomId: 1 }]) {
      expect((await host.post('/api/interviews', bad)).status).toBe(400);
    }
    expect((await host.post('/api/interviews', { name: 'x', problemId: 999_999 })).status).toBe(404);
    // A room the host is not a member of.
    const foreign = await roomWith(outsider, []);
    expect((await host.post('/api/interviews', { name: 'x', problemId: twoSum.id, fromRoomId: foreign.id })).status).toBe(403);
    // A foreign Origin is refused before anything happens.
    expect((await host.req('POST', '/api/interviews', { name: 'x', problemId: twoSum.id }, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await host.get("/api/interviews")).body).toEqual({ sessions: [], nextCursor: null });

    const r = await host.post('/api/interviews', { name: 'Frontend loop — Cody', problemId: twoSum.id, language: 'javascript' });
    expect(r.status).toBe(201);
    ({ id: sessionId, invites } = { id: r.body.session.id, invites: r.body.invites });
    expect(sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(r.body.role).toBe('host');
    roomId = r.body.session.roomId;
    docId = r.body.session.docId;
    // Its hidden room is in nobody's lobby and cannot be joined by code.
    const mine = await host.get('/api/rooms/mine');
    expect(JSON.stringify(mine.body)).not.toContain('Frontend loop');
    expect(await server.app.documents.text(roomId, docId)).toContain('function twoSum(nums, target)');
  });

  it('refuses outsiders, guessed ids and garbage ids', async () => {
    expect((await outsider.get(`/api/interviews/${sessionId}`)).status).toBe(404);
    expect((await outsider.get(`/api/interviews/${'A'.repeat(22)}`)).status).toBe(404);
    expect((await outsider.get('/api/interviews/../../etc')).status).toBe(404);
    expect((await outsider.get('/api/interviews/short')).status).toBe(400);
    expect((await new Client(server.url).get(`/api/interviews/${sessionId}`)).status).toBe(401);
    for (const path of ['runs', 'private', 'replay']) expect((await outsider.get(`/api/interviews/${sessionId}/${path}`)).status).toBe(404);
    for (const [path, body] of [['timer', { action: 'start' }], ['end', {}], ['invites', {}], ['runs', { language: 'javascript', status: 'ok', durationMs: 1, cases: [] }]] as const) {
      expect((await outsider.post(`/api/interviews/${sessionId}/${path}`, body)).status).toBe(404);
    }
    // The hidden room: no doc, no chat for an outsider.
    expect(await command(xs, 'doc:open', { roomId, docId })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(await command(xs, 'chat:send', { roomId, text: 'hi' })).toMatchObject({ ok: false });
    expect((await outsider.post(`/api/rooms/${roomId}/join`, { code: 'ABCDEF' })).status).toBeGreaterThanOrEqual(400);
  });

  it('admits the candidate with the one-time invite; a reused invite is refused to anyone else', async () => {
    expect((await cand.post(`/api/interviews/${sessionId}/join`, { token: 'x'.repeat(32) })).status).toBe(404);
    expect((await cand.post(`/api/interviews/${sessionId}/join`, { token: '../../' })).status).toBe(400);
    expect((await cand.post(`/api/interviews/${'B'.repeat(22)}/join`, { token: invites.candidate })).status).toBe(404);
    const joined = await cand.post<InterviewView>(`/api/interviews/${sessionId}/join`, { token: invites.candidate });
    expect(joined.status).toBe(200);
    expect(joined.body.role).toBe('candidate');
    expect(joined.body.session.candidate?.id).toBe(cand.userId);
    // The same person may open it again; nobody else may use it.
    expect((await cand.post(`/api/interviews/${sessionId}/join`, { token: invites.candidate })).status).toBe(200);
    const stolen = await thief.post(`/api/interviews/${sessionId}/join`, { token: invites.candidate });
    expect(stolen.status).toBe(403);
    expect(stolen.body.error.code).toBe('INVALID_INVITE');
    expect((await thief.get(`/api/interviews/${sessionId}`)).status).toBe(404);
  });

  it('admits observers with the observer link; they read the pad but cannot edit or run tests', async () => {
    const joined = await obs.post<InterviewView>(`/api/interviews/${sessionId}/join`, { token: invites.observer });
    expect(joined.status).toBe(200);
    expect(joined.body.role).toBe('observer');
    // The candidate cannot also become an observer.
    expect((await cand.post(`/api/interviews/${sessionId}/join`, { token: invites.observer })).status).toBe(409);

    await Promise.all([hs, cs, os].map((s) => ok(command(s, 'room:enter', { roomId }))));
    const hp = await openPad(hs, roomId, docId);
    const cp = await openPad(cs, roomId, docId);
    const op = await openPad(os, roomId, docId);
    expect(hp.canEdit).toBe(true);
    expect(cp.canEdit).toBe(true);
    expect(op.canEdit).toBe(false);

    const got = nextEvent(os, 'doc:updated');
    expect(await cp.type(0, '// candidate was here\n')).toMatchObject({ ok: true });
    await got;
    expect(op.text()).toContain('candidate was here');
    const before = await server.app.documents.text(roomId, docId);
    expect(await op.type(0, 'observer edit')).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await server.app.documents.text(roomId, docId)).toBe(before);
    expect(await command(os, 'doc:run', { roomId, docId, run: { language: 'javascript', status: 'ok', durationMs: 1, lines: [] } })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect((await obs.post(`/api/interviews/${sessionId}/runs`, { language: 'javascript', status: 'ok', durationMs: 1, cases: [] })).status).toBe(403);
    // Chat works for everyone in the session.
    expect(await command(os, 'chat:send', { roomId, text: 'observing quietly' })).toMatchObject({ ok: true });
  });

  it('the host runs the timer for everyone; others cannot', async () => {
    const fact = nextEvent(cs, 'interview:changed', (f: any) => f.session.timer.startedAt !== null);
    const r = await host.post(`/api/interviews/${sessionId}/timer`, { action: 'start' });
    expect(r.status).toBe(200);
    expect((await fact).session.timer.startedAt).toBe(r.body.session.timer.startedAt);
    expect((await cand.post(`/api/interviews/${sessionId}/timer`, { action: 'stop' })).status).toBe(403);
    expect((await obs.post(`/api/interviews/${sessionId}/timer`, { action: 'stop' })).status).toBe(403);
    expect((await host.post(`/api/interviews/${sessionId}/timer`, { action: 'explode' })).status).toBe(400);
  });

  it('shares test runs with everyone in the session', async () => {
    const fact = nextEvent(os, 'interview:tested');
    const r = await cand.post(`/api/interviews/${sessionId}/runs`, {
      language: 'javascript',
      status: 'ok',
      durationMs: 12,
      cases: [
        { index: 0, pass: true, got: '[0,1]', ms: 1 },
        { index: 1, pass: false, got: '[0,2]', ms: 1 },
      ],
    });
    expect(r.status).toBe(201);
    expect(r.body.run).toMatchObject({ passed: 1, total: 5, by: { id: cand.userId } });
    expect((await fact).run.id).toBe(r.body.run.id);
    for (const bad of [{ language: 'javascript', status: 'ok', durationMs: 1, cases: [{ index: 99, pass: true, ms: 1 }] }, { language: 'javascript', status: 'great', durationMs: 1, cases: [] }, { cases: 'x' }]) {
      expect((await cand.post(`/api/interviews/${sessionId}/runs`, bad)).status).toBe(400);
    }
    expect((await obs.get(`/api/interviews/${sessionId}/runs`)).body.runs).toHaveLength(1);
  });

  it('session chat notifies as the session’s chat (never a DM), announces no DM or lobby activity, and links to the session for participants only', async () => {
    // A second socket of the host that is not in the session: it would hear dm:activity / lobby:activity.
    const away = await host.socket();
    const heard = collect<any>(away, 'dm:activity');
    const lobby = collect<any>(away, 'lobby:activity');
    const note = nextEvent<any>(away, 'notify:new', (f: any) => f.notification.link.roomId === roomId);
    expect(await command(cs, 'chat:send', { roomId, text: 'Can I use a hash map?' })).toMatchObject({ ok: true });
    const n = (await note).notification;
    expect(n).toMatchObject({ kind: 'session', actor: { id: cand.userId }, roomName: 'Frontend loop — Cody', text: 'Can I use a hash map?' });
    // The observer's earlier message folded into the same unread row.
    expect(n.count).toBe(2);
    expect(notificationTitle({ kind: n.kind, actorName: n.actor.displayName, roomName: n.roomName, count: n.count })).toBe('2 new messages in the interview “Frontend loop — Cody”');
    expect(notificationTitle({ kind: n.kind, actorName: 'Cody', roomName: n.roomName, count: 1 })).toBe('Cody wrote in the interview “Frontend loop — Cody”');
    expect((await host.get('/api/notifications')).body.notifications.filter((x: any) => x.kind === 'dm')).toEqual([]);
    expect(notificationUrl(n.kind, n.link)).toBe(`/session/room/${roomId}`);
    await command(away, 'clock:sync', {});
    heard.stop();
    lobby.stop();
    expect(heard.filter((f) => f.roomId === roomId)).toEqual([]);
    expect(lobby.filter((f) => f.roomId === roomId)).toEqual([]);
    away.disconnect();

    // The notification's link: the session's id, for its participants only.
    for (const c of [host, cand, obs]) expect((await c.get(`/api/interviews/by-room/${roomId}`)).body).toEqual({ id: sessionId });
    for (const c of [outsider, thief]) expect((await c.get(`/api/interviews/by-room/${roomId}`)).status).toBe(404);
    const plainRoom = await roomWith(outsider, []);
    expect((await outsider.get(`/api/interviews/by-room/${plainRoom.id}`)).status).toBe(404); // a room that is no session
    expect((await outsider.get('/api/interviews/by-room/999999')).status).toBe(404);
    for (const bad of ['abc', '-1', '0', '1.5']) expect((await host.get(`/api/interviews/by-room/${bad}`)).status).toBe(400);
    expect((await new Client(server.url).get(`/api/interviews/by-room/${roomId}`)).status).toBe(401);
    // A foreign page may send the GET (CSRF guards writes) but never reads the answer: no CORS grant.
    const foreign = await host.req('GET', `/api/interviews/by-room/${roomId}`, undefined, { origin: 'https://evil.example' });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keeps notes and scorecard for the host only', async () => {
    const put = await host.put(`/api/interviews/${sessionId}/private`, { notes: SECRET, scorecard: { ratings: { coding: 3, communication: 2 }, recommendation: 'no' } });
    expect(put.status).toBe(200);
    expect((await host.get(`/api/interviews/${sessionId}/private`)).body.notes).toBe(SECRET);
    for (const c of [cand, obs]) {
      expect((await c.get(`/api/interviews/${sessionId}/private`)).status).toBe(403);
      expect((await c.put(`/api/interviews/${sessionId}/private`, { notes: 'mine', scorecard: { ratings: {}, recommendation: null } })).status).toBe(403);
      expect((await c.get(`/api/interviews/${sessionId}/replay`)).status).toBe(403);
      expect((await c.post(`/api/interviews/${sessionId}/invites`)).status).toBe(403);
      expect((await c.post(`/api/interviews/${sessionId}/end`)).status).toBe(403);
    }
    expect((await host.put(`/api/interviews/${sessionId}/private`, { notes: 'x'.repeat(20_001), scorecard: { ratings: {}, recommendation: null } })).status).toBe(400);
    expect((await host.put(`/api/interviews/${sessionId}/private`, { notes: 'x', scorecard: { ratings: { coding: 9 }, recommendation: null } })).status).toBe(400);
    expect((await host.get(`/api/interviews/${sessionId}/private`)).body.notes).toBe(SECRET);
    // Things that happen after the notes exist reach the others without them.
    await host.post(`/api/interviews/${sessionId}/timer`, { action: 'stop' });
    await host.put(`/api/interviews/${sessionId}/private`, { notes: `${SECRET}\n${SECRET2}`, scorecard: { ratings: { coding: 3 }, recommendation: 'strong-no' } });
    await cand.get(`/api/interviews/${sessionId}`);
    await obs.get(`/api/interviews/${sessionId}`);
    await cand.get(`/api/interviews/${sessionId}/runs`);
  });

  it('ends: the candidate and observers lose the room; history and replay stay with the host', async () => {
    const ended = nextEvent(cs, 'interview:changed', (f: any) => f.session.status === 'ended');
    const r = await host.post(`/api/interviews/${sessionId}/end`);
    expect(r.status).toBe(200);
    expect(r.body.session.status).toBe('ended');
    await ended;
    expect((await host.post(`/api/interviews/${sessionId}/end`)).status).toBe(409);
    // Removed from the hidden room: no session, no pad, no chat.
    expect((await cand.get(`/api/interviews/${sessionId}`)).status).toBe(404);
    expect((await obs.get(`/api/interviews/${sessionId}`)).status).toBe(404);
    expect(await command(cs, 'chat:send', { roomId, text: 'still here?' })).toMatchObject({ ok: false });
    expect(await command(cs, 'doc:open', { roomId, docId })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    // The used invite does not bring them back.
    expect((await cand.post(`/api/interviews/${sessionId}/join`, { token: invites.candidate })).status).toBeGreaterThanOrEqual(403);
    expect((await cand.get(`/api/interviews/${sessionId}`)).status).toBe(404);
    expect((await cand.get(`/api/interviews/by-room/${roomId}`)).status).toBe(404);
    // The host's pad is read-only now.
    const hp = await openPad(hs, roomId, docId);
    expect(hp.canEdit).toBe(false);

    const hist = await host.get('/api/interviews');
    expect(hist.body.sessions[0]).toMatchObject({ id: sessionId, problemTitle: 'Two Sum', status: 'ended', candidate: { id: cand.userId }, lastRun: { passed: 1, total: 5 }, runs: 1, scorecard: { recommendation: 'strong-no' } });
    expect(hist.body.sessions[0].durationMs).toBeGreaterThanOrEqual(0);
    expect((await cand.get('/api/interviews')).body.sessions).toEqual([]);

    const replay = await host.get(`/api/interviews/${sessionId}/replay`);
    expect(replay.status).toBe(200);
    expect(replay.body.updates.length).toBeGreaterThanOrEqual(2);
    const ydoc = new Y.Doc();
    for (const u of replay.body.updates) Y.applyUpdate(ydoc, Buffer.from(u.data, 'base64'));
    expect(ydoc.getText(DOC_TEXT).toString()).toContain('candidate was here');
    // Step by step: the first state is the starter alone.
    const first = new Y.Doc();
    Y.applyUpdate(first, Buffer.from(replay.body.updates[0].data, 'base64'));
    expect(first.getText(DOC_TEXT).toString()).not.toContain('candidate was here');
    expect(replay.body.runs).toHaveLength(1);
  });

  it('no payload the candidate or an observer ever received holds the notes or the scorecard', () => {
    const all = seen.join('\n');
    expect(seen.length).toBeGreaterThan(20);
    expect(all).toContain('interview:changed');
    expect(all).toContain('interview:tested');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain(SECRET2);
    expect(all).not.toContain('NOTE-7f3a');
    expect(all).not.toContain('strong-no');
    expect(all).not.toMatch(/recommendation|scorecard/i);
  });
});

describe('session lists', () => {
  it('a room lists its sessions: all for its owner and moderators, only their own for other members, nothing for outsiders or kicked members; never a scorecard', async () => {
    const twoSum = problems.find((p) => p.title === 'Two Sum')!;
    const study = await roomWith(host, [cand, obs, thief]);
    expect((await host.put(`/api/rooms/${study.id}/members/${thief.userId}/role`, { role: 'moderator' })).status).toBe(200);
    const make = async (c: Client, name: string) => {
      const r = await c.post('/api/interviews', { name, problemId: twoSum.id, fromRoomId: study.id });
      expect(r.status).toBe(201);
      return r.body as { session: { id: string }; invites: { candidate: string; observer: string } };
    };
    const a = await make(host, 'Room session A');
    const b = await make(host, 'Room session B');
    await make(host, 'Room session C');
    expect((await cand.post(`/api/interviews/${a.session.id}/join`, { token: a.invites.candidate })).status).toBe(200);
    await host.put(`/api/interviews/${a.session.id}/private`, { notes: 'room-list-secret', scorecard: { ratings: { coding: 2 }, recommendation: 'no' } });

    const list = async (c: Client, before?: string) => c.get(`/api/rooms/${study.id}/interviews${before ? `?before=${before}` : ''}`);
    const mine = await list(host);
    expect(mine.status).toBe(200);
    expect(mine.body.sessions.map((s: any) => s.name).slice(0, 3)).toEqual(['Room session C', 'Room session B', 'Room session A']);
    expect(mine.body.sessions.every((s: any) => s.myRole === 'host')).toBe(true);
    // A moderator sees the room's sessions (not theirs), the candidate only theirs, another member none.
    const mod = await list(thief);
    expect(mod.body.sessions.map((s: any) => [s.name, s.myRole, s.host.id])).toContainEqual(['Room session A', null, host.userId]);
    const asCand = await list(cand);
    expect(asCand.body.sessions.map((s: any) => [s.id, s.myRole])).toEqual([[a.session.id, 'candidate']]);
    expect((await list(obs)).body).toEqual({ sessions: [], nextCursor: null });
    for (const r of [mine, mod, asCand]) expect(JSON.stringify(r.body)).not.toMatch(/scorecard|recommendation|room-list-secret/);
    expect(b.session.id).toBeTruthy();

    // Outsiders, kicked members, garbage, no sign-in, a foreign page.
    expect((await list(outsider)).status).toBe(403);
    expect((await outsider.post(`/api/rooms/${study.id}/join`, { code: study.code })).status).toBe(200);
    expect((await list(outsider)).status).toBe(200);
    expect((await host.post(`/api/rooms/${study.id}/members/${outsider.userId}/kick`)).status).toBe(204);
    expect((await list(outsider)).status).toBe(403);
    expect((await host.get('/api/rooms/999999/interviews')).status).toBe(404);
    for (const bad of ['abc', '0', '-3']) expect((await host.get(`/api/rooms/${bad}/interviews`)).status).toBe(400);
    for (const bad of ['x', '1.short', `${'9'.repeat(16)}.${'A'.repeat(22)}`, '1.AAAAAAAAAAAAAAAAAAAAAA&x=1']) expect((await host.get(`/api/rooms/${study.id}/interviews?before=${encodeURIComponent(bad)}`)).status, bad).toBe(400);
    expect((await new Client(server.url).get(`/api/rooms/${study.id}/interviews`)).status).toBe(401);
    const foreign = await host.req('GET', `/api/rooms/${study.id}/interviews`, undefined, { origin: 'https://evil.example' });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('long lists page instead of truncating: the room list and the host’s history', async () => {
    const twoSum = problems.find((p) => p.title === 'Two Sum')!;
    const hall = await roomWith(thief, []);
    const made: string[] = [];
    for (let i = 0; i < 27; i++) {
      const r = await thief.post('/api/interviews', { name: `Loop ${i}`, problemId: twoSum.id, fromRoomId: hall.id });
      expect(r.status).toBe(201);
      made.push(r.body.session.id);
    }
    for (const path of [`/api/rooms/${hall.id}/interviews`, '/api/interviews']) {
      const first = await thief.get(path);
      expect(first.body.sessions).toHaveLength(25);
      expect(first.body.nextCursor).toMatch(/^\d+\.[A-Za-z0-9_-]{22}$/);
      const second = await thief.get(`${path}?before=${first.body.nextCursor}`);
      expect(second.body.nextCursor).toBeNull();
      const ids = [...first.body.sessions, ...second.body.sessions].map((s: any) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...made].sort());
      // Newest first across the page break: (createdAt, id) strictly descending.
      const keys = [...first.body.sessions, ...second.body.sessions].map((s: any) => [s.createdAt, s.id] as const);
      for (let i = 1; i < keys.length; i++) expect(keys[i - 1]![0] > keys[i]![0] || (keys[i - 1]![0] === keys[i]![0] && keys[i - 1]![1] > keys[i]![1])).toBe(true);
    }
  }, 120_000);
});
