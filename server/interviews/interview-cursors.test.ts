/**
 * Replay of cursors and selections (ADR 0027): the host's and the candidate's cursor positions in
 * the pad, as their awareness carries them, are sampled into `interview_cursors` and come back in
 * the host's replay. Observers' cursors, outsiders, kicked people, garbage, other rooms' pads and
 * ended sessions record nothing; a fast burst is thinned to a few samples that end on the last
 * position.
 */
import * as Y from 'yjs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interviewCursors } from '../../db/schema/index.js';
import { DOC_TEXT } from '../../protocol/docs-constants.js';
import { CURSOR_SAMPLE_MS } from '../../protocol/interviews-constants.js';
import type { InterviewReplay, PadCursor, ProblemSummary } from '../../protocol/interviews.js';
import { encodeAwareness } from '../documents/yjs-guard.js';
import { command, newUsers, ok, roomWith, sleep, startServer, type Client, type ClientSocket, type TestServer } from '../test/harness.js';

let server: TestServer;
let host: Client;
let cand: Client;
let obs: Client;
let outsider: Client;
let hs: ClientSocket;
let cs: ClientSocket;
let os: ClientSocket;
let xs: ClientSocket;
let sessionId: string;
let roomId: number;
let docId: number;
let ydoc: Y.Doc;

/** Cursor (anchor..head) at text indexes of the pad as the server has it. */
function cursorAt(anchor: number, head = anchor): PadCursor {
  const t = ydoc.getText(DOC_TEXT);
  return {
    anchor: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(t, anchor)) as PadCursor['anchor'],
    head: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(t, head)) as PadCursor['head'],
  };
}
let clock = 0;
const awareness = (clientId: number, cursor: PadCursor | null, extra: Record<string, unknown> = {}) =>
  encodeAwareness([{ clientId, clock: ++clock, state: { user: { name: 'spoof', color: '#112233' }, cursor, ...extra } as never }]);
const stored = async () => server.app.db.select().from(interviewCursors).where(eq(interviewCursors.sessionId, sessionId));

beforeAll(async () => {
  server = await startServer();
  [host, cand, obs, outsider] = await newUsers(server, 'hugo', 'cleo', 'otto', 'xavi');
  [hs, cs, os, xs] = await Promise.all([host.socket(), cand.socket(), obs.socket(), outsider.socket()]);
  const problems = (await host.get('/api/interview-problems')).body.problems as ProblemSummary[];
  const r = await host.post('/api/interviews', { name: 'Cursor loop', problemId: problems.find((p) => p.title === 'Two Sum')!.id, language: 'javascript' });
  expect(r.status).toBe(201);
  sessionId = r.body.session.id;
  roomId = r.body.session.roomId;
  docId = r.body.session.docId;
  expect((await cand.post(`/api/interviews/${sessionId}/join`, { token: r.body.invites.candidate })).status).toBe(200);
  expect((await obs.post(`/api/interviews/${sessionId}/join`, { token: r.body.invites.observer })).status).toBe(200);
  for (const s of [hs, cs, os]) await ok(command(s, 'doc:open', { roomId, docId }));
  ydoc = new Y.Doc();
  Y.applyUpdate(ydoc, new Uint8Array((await ok(command(hs, 'doc:open', { roomId, docId }))).update));
}, 90_000);

afterAll(async () => {
  for (const s of [hs, cs, os, xs]) s?.disconnect();
  await server?.dispose();
});

describe('cursor samples for the replay', () => {
  it('keeps the candidate’s and the host’s cursor and selection, and the host’s replay returns them', async () => {
    expect(await command(cs, 'doc:awareness', { roomId, docId, update: awareness(1001, cursorAt(9, 13)) })).toEqual({ ok: true, data: null });
    expect(await command(hs, 'doc:awareness', { roomId, docId, update: awareness(2002, cursorAt(0)) })).toEqual({ ok: true, data: null });
    let rows = await stored();
    for (let i = 0; i < 50 && rows.length < 2; i++) {
      await sleep(40);
      rows = await stored();
    }
    expect(rows.map((r) => r.userId).sort()).toEqual([host.userId, cand.userId].sort());
    const replay = (await host.get<InterviewReplay>(`/api/interviews/${sessionId}/replay`)).body;
    const mine = replay.cursors.find((c) => c.by === cand.userId)!;
    expect(mine.cursor).toEqual(cursorAt(9, 13));
    // It resolves to the same text positions (what the replay draws).
    const text = ydoc.getText(DOC_TEXT);
    const abs = (p: unknown) => Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(p), ydoc)!.index;
    expect(text.toString().slice(abs(mine.cursor.anchor), abs(mine.cursor.head))).toBe(text.toString().slice(9, 13));
    expect(replay.people.map((p) => p.id)).toContain(cand.userId);
    // Only the host gets the replay.
    for (const c of [cand, obs, outsider]) expect((await c.get(`/api/interviews/${sessionId}/replay`)).status).toBeGreaterThanOrEqual(403);
  });

  it('thins a burst to a few samples per person that end on the last position', async () => {
    const before = (await stored()).filter((r) => r.userId === cand.userId).length;
    const started = Date.now();
    for (let i = 0; i < 30; i++) await ok(command(cs, 'doc:awareness', { roomId, docId, update: awareness(1001, cursorAt(i)) }));
    const elapsed = Date.now() - started;
    const last = JSON.stringify(cursorAt(29));
    let mine = (await stored()).filter((r) => r.userId === cand.userId);
    for (let i = 0; i < 100 && mine.at(-1)?.cursor !== last; i++) {
      await sleep(50);
      mine = (await stored()).filter((r) => r.userId === cand.userId);
    }
    expect(mine.at(-1)!.cursor).toBe(last);
    const added = mine.length - before;
    // At most one sample per period (plus the leading and the trailing one), far fewer than 30.
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThanOrEqual(Math.ceil(elapsed / CURSOR_SAMPLE_MS) + 2);
    expect(added).toBeLessThan(30);
  });

  it('keeps nothing from an observer, an outsider, garbage or another room’s pad', async () => {
    await sleep(CURSOR_SAMPLE_MS + 50);
    const count = (await stored()).length;
    // An observer's cursor is relayed (the others see it) but not kept.
    expect(await command(os, 'doc:awareness', { roomId, docId, update: awareness(3003, cursorAt(5)) })).toEqual({ ok: true, data: null });
    // An outsider is refused.
    expect(await command(xs, 'doc:awareness', { roomId, docId, update: awareness(4004, cursorAt(5)) })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    // Garbage: not a y-protocols message, an oversized one, wrong types, extra fields in the cursor.
    for (const update of [new Uint8Array([255, 255, 255]), new Uint8Array(5000), 'x', null]) {
      expect(await command(cs, 'doc:awareness', { roomId, docId, update })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    const evil = { anchor: { type: { client: 1, clock: 1 }, tname: null, item: null, assoc: 0, script: '<img>' }, head: cursorAt(1).head };
    expect(await command(cs, 'doc:awareness', { roomId, docId, update: awareness(1001, evil as never) })).toEqual({ ok: true, data: null });
    // Another room's document under this room's id, and this pad under another room's id.
    const other = await roomWith(cand, []);
    const d = await ok(command(cs, 'doc:create', { roomId: other.id, title: 'Elsewhere', kind: 'code' }));
    expect(await command(cs, 'doc:awareness', { roomId, docId: d.id, update: awareness(1001, cursorAt(2)) })).toMatchObject({ ok: false });
    expect(await command(cs, 'doc:awareness', { roomId: other.id, docId, update: awareness(1001, cursorAt(2)) })).toMatchObject({ ok: false });
    // A pad of an ordinary room: cursors relayed, never kept.
    await ok(command(cs, 'doc:open', { roomId: other.id, docId: d.id }));
    expect(await command(cs, 'doc:awareness', { roomId: other.id, docId: d.id, update: awareness(1001, cursorAt(0)) })).toEqual({ ok: true, data: null });
    await sleep(CURSOR_SAMPLE_MS * 2);
    const rows = await stored();
    expect(rows.length).toBe(count);
    expect(rows.some((r) => r.userId === obs.userId || r.userId === outsider.userId)).toBe(false);
    expect(rows.some((r) => r.cursor.includes('script'))).toBe(false);
    expect((await server.app.db.select().from(interviewCursors)).every((r) => r.sessionId === sessionId)).toBe(true);
  });

  it('keeps nothing once the candidate is removed, nor after the session ended', async () => {
    await sleep(CURSOR_SAMPLE_MS + 50);
    const count = (await stored()).length;
    // Removed from the session's room: the pad closes for them and their awareness is refused.
    expect((await host.post(`/api/rooms/${roomId}/members/${cand.userId}/kick`)).status).toBe(204);
    expect(await command(cs, 'doc:awareness', { roomId, docId, update: awareness(1001, cursorAt(3)) })).toMatchObject({ ok: false });
    expect((await host.post(`/api/interviews/${sessionId}/end`, {})).status).toBe(200);
    // The host may still have the pad open, read-only: nothing more is kept.
    await command(hs, 'doc:awareness', { roomId, docId, update: awareness(2002, cursorAt(6)) });
    await sleep(CURSOR_SAMPLE_MS * 2);
    expect((await stored()).length).toBe(count);
    // The replay still has every sample kept before.
    expect((await host.get<InterviewReplay>(`/api/interviews/${sessionId}/replay`)).body.cursors.length).toBe(count);
  });
});
