/**
 * Document history end to end: the timeline, named versions, past texts, diffs' source, restores
 * seen live by other editors, log pruning, and the refusals — real server, real socket.io-clients,
 * real Yjs documents synced by the client's own DocSync.
 */
import { and, asc, count, eq, gt, max } from 'drizzle-orm';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocSync } from '../../client/src/features/documents/docSync.js';
import { docUpdates, docVersions, documents } from '../../db/schema/index.js';
import { DOC_TEXT } from '../../protocol/docs-constants.js';
import type { DocHistory, DocSummary, DocVersion } from '../../protocol/docs.js';
import { command, newUsers, nextEvent, roomWith, type Client, type ClientSocket, type TestServer, ok, until } from '../test/harness.js';
import { groupSessions } from './doc-history.js';
import { socketTransport } from './test-transport.js';
import { disposeDocRoom, docRoom, restartDocRoom, type DocRoom } from './test-fixture.js';

let server: TestServer;
let owner: Client;
let ann: Client;
let ben: Client;
let outsider: Client;
let roomId: number;
let os: ClientSocket;
let as: ClientSocket;
let bs: ClientSocket;
let xs: ClientSocket;

const text = (s: DocSync) => s.ydoc.getText(DOC_TEXT).toString();
const db = () => server.app.db;
const lastUpdateId = async (docId: number) => (await db().select({ m: max(docUpdates.id) }).from(docUpdates).where(eq(docUpdates.docId, docId)))[0]?.m ?? 0;
const counts = async (docId: number) => {
  const [u] = await db().select({ n: count() }).from(docUpdates).where(eq(docUpdates.docId, docId));
  const [v] = await db().select({ n: count() }).from(docVersions).where(eq(docVersions.docId, docId));
  return { updates: u!.n, versions: v!.n };
};
async function opened(socket: ClientSocket, docId: number): Promise<DocSync> {
  const s = new DocSync(socketTransport(socket), roomId, docId);
  await until(() => s.status === 'synced', 'synced');
  return s;
}

let f: DocRoom | undefined;
beforeAll(async () => {
  f = await docRoom();
  ({ server, owner, ann, ben, outsider, roomId, os, as, bs, xs } = f);
}, 60_000); // four argon2 sign-ups: slow on a busy 2-core machine

afterAll(() => disposeDocRoom(f));

describe('edit sessions', () => {
  it('group one author’s updates a minute apart at most, across others typing in between; a restore stands alone', () => {
    const u = (id: number, userId: number, t: number, extra: Partial<{ added: number; restoredFrom: number }> = {}) => ({
      id,
      userId,
      createdAt: t * 1000,
      added: extra.added ?? 1,
      removed: 0,
      restoredFrom: extra.restoredFrom ?? null,
    });
    const s = groupSessions([u(1, 1, 0), u(2, 2, 5), u(3, 1, 50), u(4, 2, 10), u(5, 1, 200), u(6, 1, 201, { restoredFrom: 2 }), u(7, 1, 202)]);
    expect(s.map((x) => [x.upto, x.userId, x.updates, x.added, x.restoredFrom])).toEqual([
      [3, 1, 2, 2, null],
      [4, 2, 2, 2, null],
      [6, 1, 1, 1, 2],
      [7, 1, 2, 2, null],
    ]);
  });
});

describe('history of a document', () => {
  it('shows who changed what, names versions, views and restores a past one live for everyone', async () => {
    const doc = await ok<DocSummary>(command(as, 'doc:create', { roomId, title: 'Essay' }));
    const a = await opened(as, doc.id);
    const b = await opened(bs, doc.id);
    const ta = a.ydoc.getText(DOC_TEXT);
    ta.insert(0, '# Essay\n\nFirst draft line.\n');
    await a.whenSaved();
    b.ydoc.getText(DOC_TEXT).insert(text(b).length, 'Ben adds a line.\n');
    await b.whenSaved();
    await until(() => text(a) === text(b), 'converged');
    const draft = text(a);

    const changed = nextEvent(bs, 'doc:history-changed');
    const version = await ok<DocVersion>(command(as, 'doc:version:name', { roomId, docId: doc.id, name: '  Draft 1 ' }));
    expect(version).toMatchObject({ name: 'Draft 1', upto: await lastUpdateId(doc.id), by: { id: ann.userId, displayName: 'ann' } });
    await changed;

    // More edits after the version: a line rewritten, one removed.
    ta.delete(0, ta.length);
    ta.insert(0, '# Essay\n\nSecond thoughts entirely.\n');
    await a.whenSaved();
    await until(() => text(b) === text(a), 'ben sees the rewrite');
    const rewritten = text(a);

    const h = await ok<DocHistory>(command(bs, 'doc:history', { roomId, docId: doc.id }));
    expect(h.versions.map((v) => v.name)).toEqual(['Draft 1']);
    expect(h.head).toBe(await lastUpdateId(doc.id));
    // Newest first: Ann's rewrite session (her first session continues: same minute), Ben's line.
    const byUser = (name: string) => h.sessions.filter((s) => s.user?.displayName === name);
    expect(byUser('ben')).toHaveLength(1);
    expect(byUser('ben')[0]).toMatchObject({ added: 'Ben adds a line.\n'.length, removed: 0, compacted: false, restoredFrom: null });
    expect(byUser('ann')[0]!.added).toBe('# Essay\n\nFirst draft line.\n'.length + '# Essay\n\nSecond thoughts entirely.\n'.length);
    expect(byUser('ann')[0]!.removed).toBe(draft.length);
    expect(h.sessions[0]!.upto).toBe(h.head);

    // Past texts: the named version, Ben's session end, the empty start; the current one.
    expect(await ok(command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: version.upto }))).toEqual({ upto: version.upto, text: draft });
    expect((await ok(command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: byUser('ben')[0]!.upto }))).text).toBe(draft);
    expect((await ok(command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: 0 }))).text).toBe('');
    expect((await ok(command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: h.head }))).text).toBe(rewritten);

    // Ben restores the draft: Ann's open editor gets it live, the server stores it, by Ben.
    const restored = await ok(command(bs, 'doc:version:restore', { roomId, docId: doc.id, upto: version.upto }));
    expect(restored).toEqual({ changed: true });
    await until(() => text(a) === draft && text(b) === draft, 'both editors show the restored text');
    expect(await server.app.documents.text(roomId, doc.id)).toBe(draft);
    // Restoring the same again changes nothing.
    expect(await ok(command(bs, 'doc:version:restore', { roomId, docId: doc.id, upto: version.upto }))).toEqual({ changed: false });

    // The history keeps both: the restore (by Ben, from the version) and the rewrite before it.
    const after = await ok<DocHistory>(command(as, 'doc:history', { roomId, docId: doc.id }));
    expect(after.sessions[0]).toMatchObject({ user: { id: ben.userId }, restoredFrom: version.upto, updates: 1 });
    expect((await ok(command(as, 'doc:version:view', { roomId, docId: doc.id, upto: after.sessions[1]!.upto }))).text).toBe(rewritten);
    // Ann keeps typing on top of the restore; it is an ordinary Yjs change.
    ta.insert(ta.length, 'Ann again.\n');
    await a.whenSaved();
    await until(() => text(b) === `${draft}Ann again.\n`, 'ben converges');
    a.destroy();
    b.destroy();
  });

  it('a restore leaves unchanged lines alone, so an edit made meanwhile on one of them survives', async () => {
    const doc = await ok<DocSummary>(command(as, 'doc:create', { roomId, title: 'Lines' }));
    const a = await opened(as, doc.id);
    const ta = a.ydoc.getText(DOC_TEXT);
    ta.insert(0, 'one\ntwo\nthree');
    await a.whenSaved();
    const v = await ok<DocVersion>(command(as, 'doc:version:name', { roomId, docId: doc.id, name: 'v1' }));
    ta.delete(4, 3);
    ta.insert(4, 'TWO');
    await a.whenSaved();
    // Ann, offline, edits inside "three" while Ben restores v1 (which changes line two only).
    as.disconnect();
    await until(() => a.status === 'offline', 'ann offline');
    ta.insert('one\nTWO\nth'.length, '-');
    expect(await ok(command(bs, 'doc:version:restore', { roomId, docId: doc.id, upto: v.upto }))).toEqual({ changed: true });
    as.connect();
    await until(() => a.status === 'synced', 'ann back');
    await a.whenSaved();
    expect(await server.app.documents.text(roomId, doc.id)).toBe('one\ntwo\nth-ree');
    await until(() => text(a) === 'one\ntwo\nth-ree', 'ann converges');
    a.destroy();
  });
});

describe('history refusals change nothing', () => {
  let doc: DocSummary;
  let upto: number;
  beforeAll(async () => {
    doc = await ok<DocSummary>(command(os, 'doc:create', { roomId, title: 'Guarded history' }));
    const o = await opened(os, doc.id);
    o.ydoc.getText(DOC_TEXT).insert(0, 'original');
    await o.whenSaved();
    upto = await lastUpdateId(doc.id);
    o.ydoc.getText(DOC_TEXT).insert(8, ' and more');
    await o.whenSaved();
    o.destroy();
  });

  it('refuses outsiders, strangers guessing ids, and garbage', async () => {
    const before = await counts(doc.id);
    for (const name of ['doc:history', 'doc:version:view', 'doc:version:name', 'doc:version:restore'] as const) {
      const payload = name === 'doc:history' ? { roomId, docId: doc.id } : name === 'doc:version:name' ? { roomId, docId: doc.id, name: 'x' } : { roomId, docId: doc.id, upto };
      expect(await command(xs, name, payload), name).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    }
    // The outsider's own room does not reach another room's document.
    const { id: other } = await roomWith(outsider, []);
    expect(await command(xs, 'doc:history', { roomId: other, docId: doc.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await command(xs, 'doc:version:view', { roomId: other, docId: doc.id, upto })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await command(xs, 'doc:version:restore', { roomId: other, docId: doc.id, upto })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // A point of another document is not a point of this one.
    const otherDoc = await ok<DocSummary>(command(os, 'doc:create', { roomId, title: 'Elsewhere' }));
    const o = await opened(os, otherDoc.id);
    o.ydoc.getText(DOC_TEXT).insert(0, 'secret elsewhere');
    await o.whenSaved();
    o.destroy();
    const foreign = await lastUpdateId(otherDoc.id);
    expect(await command(as, 'doc:version:view', { roomId, docId: doc.id, upto: foreign })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await command(as, 'doc:version:restore', { roomId, docId: doc.id, upto: foreign })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await command(as, 'doc:version:view', { roomId, docId: doc.id, upto: foreign + 1000 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // Garbage.
    const garbage: [string, unknown][] = [
      ['doc:version:view', { roomId, docId: doc.id, upto: -1 }],
      ['doc:version:view', { roomId, docId: doc.id, upto: '5' }],
      ['doc:version:view', { roomId, docId: doc.id, upto: 1.5 }],
      ['doc:version:restore', { roomId, docId: doc.id }],
      ['doc:version:restore', { roomId, docId: doc.id, upto, text: 'injected' }],
      ['doc:version:name', { roomId, docId: doc.id, name: '   ' }],
      ['doc:version:name', { roomId, docId: doc.id, name: 'x'.repeat(81) }],
      ['doc:version:name', { roomId, docId: doc.id, name: { $gt: '' } }],
      ['doc:history', { roomId: 'x', docId: doc.id }],
      ['doc:history', null],
    ];
    for (const [name, payload] of garbage) expect(await command(as, name as 'doc:history', payload), `${name} ${JSON.stringify(payload)}`).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await counts(doc.id)).toEqual(before);
    expect(await server.app.documents.text(roomId, doc.id)).toBe('original and more');
  });

  it('lets a muted member read the history but not name or restore', async () => {
    const before = await counts(doc.id);
    expect((await owner.post(`/api/rooms/${roomId}/members/${ben.userId}/mute`, { minutes: 5 })).status).toBe(200);
    expect((await ok<DocHistory>(command(bs, 'doc:history', { roomId, docId: doc.id }))).sessions.length).toBeGreaterThan(0);
    expect((await ok(command(bs, 'doc:version:view', { roomId, docId: doc.id, upto }))).text).toBe('original');
    expect(await command(bs, 'doc:version:name', { roomId, docId: doc.id, name: 'mine' })).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    expect(await command(bs, 'doc:version:restore', { roomId, docId: doc.id, upto })).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    expect((await owner.del(`/api/rooms/${roomId}/members/${ben.userId}/mute`)).status).toBe(200);
    expect(await counts(doc.id)).toEqual(before);
    expect(await server.app.documents.text(roomId, doc.id)).toBe('original and more');
  });

  it('refuses a kicked member', async () => {
    const [kay] = await newUsers(server, 'kay');
    const room = await roomWith(owner, [kay]);
    const d = await ok<DocSummary>(command(os, 'doc:create', { roomId: room.id, title: 'Kick me' }));
    const ks = await kay.socket();
    expect((await ok<DocHistory>(command(ks, 'doc:history', { roomId: room.id, docId: d.id }))).sessions).toEqual([]);
    expect((await owner.post(`/api/rooms/${room.id}/members/${kay.userId}/kick`)).status).toBe(204);
    for (const [name, payload] of [
      ['doc:history', { roomId: room.id, docId: d.id }],
      ['doc:version:view', { roomId: room.id, docId: d.id, upto: 0 }],
      ['doc:version:name', { roomId: room.id, docId: d.id, name: 'kept' }],
      ['doc:version:restore', { roomId: room.id, docId: d.id, upto: 0 }],
    ] as const) {
      expect(await command(ks, name, payload), name).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    }
    expect(await counts(d.id)).toEqual({ updates: 0, versions: 0 });
    ks.disconnect();
  });
});

describe('log growth', () => {
  it('folds updates older than the window into the base, keeping one summary per session and the named versions', async () => {
    const doc = await ok<DocSummary>(command(as, 'doc:create', { roomId, title: 'Long-lived' }));
    const a = await opened(as, doc.id);
    const b = await opened(bs, doc.id);
    const ta = a.ydoc.getText(DOC_TEXT);
    const tb = b.ydoc.getText(DOC_TEXT);
    const day = 86_400_000;
    const now = Date.now();
    // Four sessions, typed key by key, then dated 40, 38, 35 and 1 day(s) ago.
    const sessions: { upto: number; text: string; ageDays: number }[] = [];
    let from = 0;
    const session = async (t: typeof ta, s: DocSync, words: string, ageDays: number) => {
      for (const ch of words) {
        t.insert(t.length, ch);
        await s.whenSaved();
      }
      await until(() => text(a) === text(b), 'converged');
      const upto = await lastUpdateId(doc.id);
      // This session's rows get its age (a millisecond apart, in order).
      const rows = await db().select({ id: docUpdates.id }).from(docUpdates).where(eq(docUpdates.docId, doc.id));
      for (const r of rows) if (r.id > from && r.id <= upto) await db().update(docUpdates).set({ createdAt: now - ageDays * day + (r.id - from) }).where(eq(docUpdates.id, r.id));
      from = upto;
      sessions.push({ upto, text: text(a), ageDays });
    };
    await session(ta, a, 'Old notes. ', 40);
    const named = await ok<DocVersion>(command(as, 'doc:version:name', { roomId, docId: doc.id, name: 'Old' }));
    await session(tb, b, 'Ben was here. ', 38);
    ta.delete(0, 4); // "Old " goes
    await a.whenSaved();
    await session(ta, a, 'More. ', 35);
    await session(tb, b, 'Recent. ', 1);
    const current = text(a);
    const beforeRows = (await counts(doc.id)).updates;

    await server.app.documents.compact(doc.id); // snapshot first, then pruning (30-day window)
    const [row] = await db().select({ baseUpto: documents.baseUpto }).from(documents).where(eq(documents.id, doc.id));
    expect(row!.baseUpto).toBe(sessions[2]!.upto);
    const left = await db().select({ id: docUpdates.id }).from(docUpdates).where(eq(docUpdates.docId, doc.id));
    expect(left.every((r) => r.id > sessions[2]!.upto)).toBe(true);
    expect(left.length).toBeLessThan(beforeRows);

    // The timeline still shows every session (the old ones as checkpoints) and the named version.
    const h = await ok<DocHistory>(command(bs, 'doc:history', { roomId, docId: doc.id }));
    expect(h.versions.map((v) => v.name)).toEqual(['Old']);
    const compacted = h.sessions.filter((s) => s.compacted);
    expect(compacted.map((s) => s.upto).sort((x, y) => x - y)).toEqual(sessions.slice(0, 3).map((s) => s.upto));
    expect(compacted.find((s) => s.upto === sessions[1]!.upto)).toMatchObject({ user: { id: ben.userId }, added: 'Ben was here. '.length });
    expect(h.sessions.filter((s) => !s.compacted).map((s) => s.upto)).toEqual([sessions[3]!.upto]);
    // The named version (and the checkpoint at its point) and the session still in the log show
    // their text; the other checkpoints keep only their summary (ADR 0039).
    expect(compacted.map((s) => [s.upto, s.viewable])).toEqual(sessions.slice(0, 3).map((s) => [s.upto, s.upto === named.upto]).reverse());
    for (const s of [sessions[0]!, sessions[3]!]) expect((await ok(command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: s.upto }))).text, `day -${s.ageDays}`).toBe(s.text);
    for (const s of [sessions[1]!, sessions[2]!]) expect(await command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: s.upto }), `day -${s.ageDays}`).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await ok(command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: named.upto }))).text).toBe('Old notes. ');
    // A point inside a compacted session (not its end) is gone.
    expect(await command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: sessions[0]!.upto - 1 })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // Restoring from the compacted past works and is seen live.
    await ok(command(bs, 'doc:version:restore', { roomId, docId: doc.id, upto: named.upto }));
    await until(() => text(a) === 'Old notes. ', 'restored from the base');
    a.destroy();
    b.destroy();

    // A restart loads the same text, and pruning again finds nothing more to fold.
    f = await restartDocRoom(f!);
    ({ server, os, as, bs, xs } = f);
    expect(await server.app.documents.text(roomId, doc.id)).toBe('Old notes. ');
    expect(await server.app.documents.history.prune(doc.id, Date.now() - 30 * day)).toBe(0);
    expect((await ok(command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: sessions[3]!.upto }))).text).toBe(current);
  }, 60_000); // a restart and dozens of round trips: over the 5 s default on a loaded 2-core machine
});

describe('the history base shrinks (ADR 0039)', () => {
  it('drops text deleted before the window from the base, keeps what a named version shows, and the live text, restarts and old clients are unaffected', async () => {
    const doc = await ok<DocSummary>(command(as, 'doc:create', { roomId, title: 'Churn kept short' }));
    const docs = () => server.app.documents;
    const baseBytes = async () => (await db().select({ base: documents.base }).from(documents).where(eq(documents.id, doc.id)))[0]!.base?.byteLength ?? 0;
    const day = 86_400_000;
    const age = async (fromId: number, days: number) =>
      db().update(docUpdates).set({ createdAt: Date.now() - days * day }).where(and(eq(docUpdates.docId, doc.id), gt(docUpdates.id, fromId)));
    const a = await opened(as, doc.id);
    const t = a.ydoc.getText(DOC_TEXT);
    const draft = 'Intro.\nA draft paragraph, named, then deleted.\n';
    t.insert(0, draft);
    await a.whenSaved();
    const named = await ok<DocVersion>(command(as, 'doc:version:name', { roomId, docId: doc.id, name: 'Draft' }));
    // 100 KB typed in 50 updates, 40 days ago, then folded into the base (still the live text there).
    for (let i = 0; i < 50; i++) {
      t.insert(t.length, `churn ${i} `.padEnd(1999, 'x') + '\n');
      await a.whenSaved();
    }
    const churn = 50 * 2000;
    await age(0, 40);
    await docs().compact(doc.id);
    const before = await baseBytes();
    expect(before).toBeGreaterThan(churn);
    const folded = (await db().select({ b: documents.baseUpto }).from(documents).where(eq(documents.id, doc.id)))[0]!.b;

    // An offline client copies the document now and edits inside the churn later.
    const offline = new Y.Doc();
    Y.applyUpdate(offline, Y.encodeStateAsUpdate(a.ydoc));
    // The churn and the named paragraph are deleted 35 days ago; a recent session stays in the window.
    t.delete('Intro.\n'.length, t.length - 'Intro.\n'.length);
    await a.whenSaved();
    await age(folded, 35);
    const deletedUpto = await lastUpdateId(doc.id);
    t.insert(t.length, 'Recent line.\n');
    await a.whenSaved();
    const recentUpto = await lastUpdateId(doc.id);
    await age(deletedUpto, 1);
    expect(text(a)).toBe('Intro.\nRecent line.\n');

    await docs().compact(doc.id);
    const after = await baseBytes();
    expect((await db().select({ b: documents.baseUpto }).from(documents).where(eq(documents.id, doc.id)))[0]!.b).toBe(deletedUpto);
    expect(after).toBeLessThan(before / 20); // the deleted 100 KB is gone; the named paragraph stays
    expect(after).toBeLessThan(churn);
    expect(await docs().usedBytes(roomId, doc.id)).toBe((await db().select({ s: documents.storedBytes }).from(documents).where(eq(documents.id, doc.id)))[0]!.s + after);
    expect(await docs().text(roomId, doc.id)).toBe('Intro.\nRecent line.\n');

    // The named version older than the window still shows, diffs from and restores its text; the
    // session in the window still shows; a compacted one keeps its summary only.
    const h = await ok<DocHistory>(command(bs, 'doc:history', { roomId, docId: doc.id }));
    expect(h.versions.map((v) => v.name)).toEqual(['Draft']);
    expect(h.sessions.find((s) => s.upto === recentUpto)).toMatchObject({ compacted: false, viewable: true });
    expect(h.sessions.find((s) => s.upto === deletedUpto)).toMatchObject({ compacted: true, viewable: false });
    expect((await ok(command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: named.upto }))).text).toBe(draft);
    expect((await ok(command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: recentUpto }))).text).toBe('Intro.\nRecent line.\n');
    expect(await command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: deletedUpto })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    // The offline client edits between two collected churn lines, reconnects with its state vector
    // (ben's socket), takes what it missed and sends its edit: it lands, in the log too.
    let offlineEdit: Uint8Array | null = null;
    offline.on('update', (u: Uint8Array, origin: unknown) => origin === null && (offlineEdit = u));
    offline.getText(DOC_TEXT).insert(draft.length + 4001, 'Offline edit.\n'); // inside the second churn line
    const missed = await ok<{ update: Uint8Array }>(command(bs, 'doc:open', { roomId, docId: doc.id, stateVector: Y.encodeStateVector(offline) }));
    Y.applyUpdate(offline, new Uint8Array(missed.update), 'server');
    await ok(command(bs, 'doc:update', { roomId, docId: doc.id, update: offlineEdit! }));
    await until(() => text(a).includes('Offline edit.'), 'offline edit relayed');
    const live = text(a);
    expect(live).toBe('Intro.\nOffline edit.\nRecent line.\n');
    expect(offline.getText(DOC_TEXT).toString()).toBe(live);
    expect(await docs().text(roomId, doc.id)).toBe(live);
    expect((await ok(command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: await lastUpdateId(doc.id) }))).text).toBe(live); // base + log replay

    // Restoring the named version brings its deleted paragraph back from the collected base.
    await ok(command(bs, 'doc:version:restore', { roomId, docId: doc.id, upto: named.upto }));
    await until(() => text(a) === draft, 'restored from the collected base');
    a.destroy();
    offline.destroy();

    // A restart loads the same text and counts the smaller base.
    f = await restartDocRoom(f!);
    ({ server, os, as, bs, xs } = f);
    expect(await docs().text(roomId, doc.id)).toBe(draft);
    expect(await baseBytes()).toBe(after);
    expect((await ok(command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: named.upto }))).text).toBe(draft);
  }, 90_000);
});

describe('long timelines', () => {
  it('page instead of truncating: 205 sessions come as 200 + 5 with `before`; garbage and outsiders are refused', async () => {
    const doc = await ok<DocSummary>(command(as, 'doc:create', { roomId, title: 'Diary' }));
    const a = await opened(as, doc.id);
    const t = a.ydoc.getText(DOC_TEXT);
    for (let i = 0; i < 205; i++) {
      t.insert(t.length, 'x');
      await a.whenSaved();
    }
    a.destroy();
    // Each keystroke two minutes after the previous one: 205 sessions. (In id order: PostgreSQL
    // returns rows in heap order, which differs once earlier tests freed space by pruning.)
    const rows = await db().select({ id: docUpdates.id }).from(docUpdates).where(eq(docUpdates.docId, doc.id)).orderBy(asc(docUpdates.id));
    const start = Date.now() - 205 * 120_000;
    for (const [i, r] of rows.entries()) await db().update(docUpdates).set({ createdAt: start + i * 120_000 }).where(eq(docUpdates.id, r.id));

    const first = await ok<DocHistory>(command(bs, 'doc:history', { roomId, docId: doc.id }));
    expect(first.sessions).toHaveLength(200);
    expect(first.more).toBe(true);
    const second = await ok<DocHistory>(command(bs, 'doc:history', { roomId, docId: doc.id, before: first.sessions.at(-1)!.upto }));
    expect(second.sessions).toHaveLength(5);
    expect(second.more).toBe(false);
    const uptos = [...first.sessions, ...second.sessions].map((s) => s.upto);
    expect(uptos).toEqual(rows.map((r) => r.id).sort((x, y) => y - x));
    for (const bad of [-1, 0, 1.5, 'x', null]) {
      expect(await command(bs, 'doc:history', { roomId, docId: doc.id, before: bad } as never), String(bad)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    expect(await command(xs, 'doc:history', { roomId, docId: doc.id, before: first.sessions.at(-1)!.upto })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
  }, 120_000);
});

describe('a long history pages in SQL', () => {
  it('walks 12,000 updates by three authors (and a deleted one) page by page to the whole log’s sessions, reading a part of the log per page', async () => {
    const doc = await ok<DocSummary>(command(as, 'doc:create', { roomId, title: 'Long diary' }));
    // Real Yjs updates, one character each, stored as if typed over days: authors take turns in
    // bursts of ten (their sessions interleave), with pauses that end sessions and a few restores.
    const y = new Y.Doc();
    const t = y.getText(DOC_TEXT);
    const authors = [owner.userId, ann.userId, ben.userId, null];
    const N = 12_000;
    const rows: (typeof docUpdates.$inferInsert)[] = [];
    let at = Date.now() - 40 * 86_400_000;
    for (let i = 0; i < N; i++) {
      let update: Uint8Array | null = null;
      const h = (u: Uint8Array) => (update = u);
      y.on('update', h);
      t.insert(t.length, String.fromCharCode(97 + (i % 26)));
      y.off('update', h);
      at += i % 35 === 34 ? 120_000 : 1_500;
      const author = authors[Math.floor(i / 10) % (i % 1000 < 900 ? 3 : 4)]!;
      rows.push({ docId: doc.id, userId: author, data: Buffer.from(update!), createdAt: at, added: 1, removed: 0, restoredFrom: i % 1499 === 1498 ? 1 : null });
    }
    for (let i = 0; i < rows.length; i += 500) await db().insert(docUpdates).values(rows.slice(i, i + 500));
    const meta = await db()
      .select({ id: docUpdates.id, userId: docUpdates.userId, createdAt: docUpdates.createdAt, added: docUpdates.added, removed: docUpdates.removed, restoredFrom: docUpdates.restoredFrom })
      .from(docUpdates)
      .where(eq(docUpdates.docId, doc.id))
      .orderBy(docUpdates.id);
    const whole = groupSessions(meta).reverse();
    expect(whole.length).toBeGreaterThan(3 * 200);

    const got: DocHistory['sessions'] = [];
    let before: number | undefined;
    const scanned: number[] = [];
    for (let pages = 0; pages < 100; pages++) {
      const page = await ok<DocHistory>(command(bs, 'doc:history', { roomId, docId: doc.id, ...(before ? { before } : {}) }));
      scanned.push(server.app.documents.history.lastScanned);
      if (pages === 0) expect(page.head).toBe(meta.at(-1)!.id);
      got.push(...page.sessions);
      if (!page.more) break;
      expect(page.sessions).toHaveLength(200);
      before = page.sessions.at(-1)!.upto;
    }
    expect(got.map((s) => [s.upto, s.user?.id ?? null, s.updates, s.added, s.startedAt, s.endedAt, s.restoredFrom])).toEqual(
      whole.map((s) => [s.upto, s.userId, s.updates, s.added, s.startedAt, s.endedAt, s.restoredFrom]),
    );
    // Each page read its own stretch of the log (plus a batch), not the whole of it.
    for (const n of scanned) expect(n).toBeLessThan(N / 2);
    // A point from the middle of the walk is still viewable.
    const mid = got[Math.floor(got.length / 2)]!;
    const view = await ok<{ text: string }>(command(bs, 'doc:version:view', { roomId, docId: doc.id, upto: mid.upto }));
    expect(view.text.length).toBe(meta.findIndex((m) => m.id === mid.upto) + 1);
    // Paging with a foreign or made-up point changes nothing and leaks nothing.
    expect(await command(xs, 'doc:history', { roomId, docId: doc.id, before: mid.upto })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect((await ok<DocHistory>(command(bs, 'doc:history', { roomId, docId: doc.id, before: 1 }))).sessions).toEqual([]);
    y.destroy();
  }, 180_000);
});

describe('size cap', () => {
  it('counts the history base toward the 2 MB cap, which no longer fills with text deleted before the window', async () => {
    const docs = () => server.app.documents;
    const churned = async (title: string) => {
      const doc = await ok<DocSummary>(command(as, 'doc:create', { roomId, title }));
      // A client's own Y.Doc: 1.1 MB typed, then all deleted (two updates, stored as ann's), 40 days ago.
      const y = new Y.Doc();
      const sent: Uint8Array[] = [];
      y.on('update', (u: Uint8Array) => sent.push(u));
      y.getText(DOC_TEXT).insert(0, 'x'.repeat(1_100_000));
      y.getText(DOC_TEXT).delete(0, 1_100_000);
      for (const u of sent) await docs().applyUpdate(roomId, doc.id, ann.userId, u);
      await db().update(docUpdates).set({ createdAt: Date.now() - 40 * 86_400_000 }).where(eq(docUpdates.docId, doc.id));
      y.destroy();
      return { doc, sent };
    };
    const row = async (docId: number) => (await db().select({ stored: documents.storedBytes, base: documents.base }).from(documents).where(eq(documents.id, docId)))[0]!;
    const big = new Y.Doc();
    big.getText(DOC_TEXT).insert(0, 'y'.repeat(950_000));
    const bigUpdate = Y.encodeStateAsUpdate(big);
    big.destroy();

    // Compacted now: the snapshot is tiny and the base too (the deleted text is collected), so 950 KB fits.
    const { doc } = await churned('Churn');
    await docs().compact(doc.id);
    const r = await row(doc.id);
    expect(r.stored).toBeLessThan(10_000);
    expect(r.base!.byteLength).toBeLessThan(1_000);
    expect(await docs().usedBytes(roomId, doc.id)).toBe(r.stored + r.base!.byteLength);
    await docs().applyUpdate(roomId, doc.id, ann.userId, bigUpdate);

    // A document pruned before ADR 0039: its base kept the 1.1 MB, so 950 KB more was refused.
    const { doc: old, sent } = await churned('Churn from before');
    await docs().compact(old.id); // the snapshot, and the base as now…
    const legacy = new Y.Doc({ gc: false }); // …replaced by the base the old pruning wrote
    for (const u of sent) Y.applyUpdate(legacy, u);
    await db().update(documents).set({ base: Buffer.from(Y.encodeStateAsUpdate(legacy)) }).where(eq(documents.id, old.id));
    legacy.destroy();
    f = await restartDocRoom(f!);
    ({ server, os, as, bs, xs } = f);
    expect((await row(old.id)).base!.byteLength).toBeGreaterThan(1_100_000);
    const before = await counts(old.id);
    await expect(docs().applyUpdate(roomId, old.id, ann.userId, bigUpdate)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await counts(old.id)).toEqual(before);
    // The refusal has the base collected in the background: the same edit is then accepted.
    await until(async () => (await row(old.id)).base!.byteLength < 1_000, 'legacy base collected');
    await docs().applyUpdate(roomId, old.id, ann.userId, bigUpdate);
    expect(await docs().text(roomId, old.id)).toBe('y'.repeat(950_000));

    // After a restart the base is counted from the stored row.
    f = await restartDocRoom(f!);
    ({ server, os, as, bs, xs } = f);
    const now = await row(old.id);
    expect(await docs().usedBytes(roomId, old.id)).toBe(now.stored + now.base!.byteLength);
    expect(now.stored + now.base!.byteLength).toBeLessThan(1_000_000);
    expect(await docs().text(roomId, doc.id)).toBe('y'.repeat(950_000));
  }, 90_000);
});

describe('large pastes', () => {
  it('a paste far over one message’s cap is sent in parts and stored as one update that everyone gets', async () => {
    const doc = await ok<DocSummary>(command(as, 'doc:create', { roomId, title: 'Big paste' }));
    const a = await opened(as, doc.id);
    const b = await opened(bs, doc.id);
    const before = await counts(doc.id);
    const pasted = Array.from({ length: 6000 }, (_, i) => `line ${i}: the quick brown fox jumps over the lazy dog`).join('\n'); // ~330 KB
    expect(pasted.length).toBeGreaterThan(25 * 12_000);
    a.ydoc.getText(DOC_TEXT).insert(0, pasted);
    await a.whenSaved(60_000);
    await until(() => text(b) === pasted, 'ben has the paste', 30_000);
    expect(await server.app.documents.text(roomId, doc.id)).toBe(pasted);
    expect((await counts(doc.id)).updates).toBe(before.updates + 1);
    const [row] = await db().select({ added: docUpdates.added }).from(docUpdates).where(eq(docUpdates.docId, doc.id));
    expect(row!.added).toBe(pasted.length);
    a.destroy();
    b.destroy();
  }, 90_000);

  it('refuses parts out of order, oversize, garbage once reassembled, and from outsiders or muted members', async () => {
    const doc = await ok<DocSummary>(command(os, 'doc:create', { roomId, title: 'Parts' }));
    await ok(command(as, 'doc:open', { roomId, docId: doc.id }));
    const before = await counts(doc.id);
    const chunk = new Uint8Array(12_000).fill(7);
    const part = (upload: string, index: number, count: number, update = chunk) => ({ roomId, docId: doc.id, update, part: { upload, index, count } });
    // Out of order: a middle part with no start; another upload's part in the middle of one.
    expect(await command(as, 'doc:update', part('u1', 1, 3))).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await ok(command(as, 'doc:update', part('u2', 0, 3)))).toEqual({ stored: false });
    expect(await command(as, 'doc:update', part('u3', 1, 3))).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await command(as, 'doc:update', part('u2', 1, 3))).toMatchObject({ ok: false, error: { code: 'CONFLICT' } }); // u2 was dropped
    // Garbage once reassembled.
    expect(await ok(command(as, 'doc:update', part('u4', 0, 2)))).toEqual({ stored: false });
    expect(await command(as, 'doc:update', part('u4', 1, 2))).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    // Malformed part headers.
    for (const bad of [part('u5', 0, 10_000), part('u5', 3, 2), part('../x', 0, 2), { ...part('u5', 0, 2), extra: 1 }, part('u5', 0, 1)]) {
      expect(await command(as, 'doc:update', bad), JSON.stringify(bad.part)).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    }
    // Outsiders and muted members.
    expect(await command(xs, 'doc:update', part('u6', 0, 2))).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect((await owner.post(`/api/rooms/${roomId}/members/${ben.userId}/mute`, { minutes: 5 })).status).toBe(200);
    await ok(command(bs, 'doc:open', { roomId, docId: doc.id }));
    expect(await command(bs, 'doc:update', part('u7', 0, 2))).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    expect((await owner.del(`/api/rooms/${roomId}/members/${ben.userId}/mute`)).status).toBe(200);
    expect(await counts(doc.id)).toEqual(before);
    expect(await server.app.documents.text(roomId, doc.id)).toBe('');
    await ok(command(as, 'doc:close', { roomId, docId: doc.id }));
    await ok(command(bs, 'doc:close', { roomId, docId: doc.id }));
  });
});
