/**
 * Live documents end to end on the server: the real app on port 0, real socket.io-clients and real
 * Yjs documents synced by the client's own DocSync.
 */
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DocSync } from '../../client/src/features/documents/docSync.js';
import { DOC_TEXT, DOC_UPDATE_MAX_BYTES } from '../../protocol/docs-constants.js';
import type { DocSummary } from '../../protocol/docs.js';
import { rawDb, Client, collect, command, newUsers, nextEvent, roomWith, type ClientSocket, type TestServer, ok, until } from '../test/harness.js';
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
const storedText = (docId: number) => server.app.documents.text(roomId, docId);

async function newDoc(title = 'Notes', kind: 'note' | 'code' = 'note'): Promise<DocSummary> {
  return ok(command(os, 'doc:create', { roomId, title, kind }));
}

let f: DocRoom | undefined;
beforeAll(async () => {
  f = await docRoom();
  ({ server, owner, ann, ben, outsider, roomId, os, as, bs, xs } = f);
}, 60_000); // four argon2 sign-ups: slow on a busy 2-core machine

afterAll(() => disposeDocRoom(f));

describe('documents in a room', () => {
  it('creates, lists with last editor, renames and deletes by role', async () => {
    const created = nextEvent(as, 'doc:created');
    const doc = await ok<DocSummary>(command(os, 'doc:create', { roomId, title: '  Week 1 notes ', kind: 'note' }));
    expect(doc).toMatchObject({ title: 'Week 1 notes', kind: 'note', language: 'markdown', lastEditor: null });
    expect((await created).doc.id).toBe(doc.id);

    const list = await ok<DocSummary[]>(command(as, 'doc:list', { roomId }));
    expect(list.map((d) => d.id)).toContain(doc.id);
    const http = await ann.get(`/api/rooms/${roomId}/documents`);
    expect(http.status).toBe(200);
    expect(http.body.documents[0].id).toBe(doc.id);

    // Ann is neither the author nor a moderator.
    expect(await command(as, 'doc:rename', { roomId, docId: doc.id, title: 'Mine now' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await command(as, 'doc:delete', { roomId, docId: doc.id })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const renamed = await ok<DocSummary>(command(os, 'doc:rename', { roomId, docId: doc.id, title: 'Week one' }));
    expect(renamed.title).toBe('Week one');

    // A member's edit shows them as the last editor.
    const sync = new DocSync(socketTransport(as), roomId, doc.id);
    await until(() => sync.status === 'synced', 'ann synced');
    sync.ydoc.getText(DOC_TEXT).insert(0, 'hello');
    await sync.whenSaved();
    const after = await ok<DocSummary[]>(command(bs, 'doc:list', { roomId }));
    expect(after.find((d) => d.id === doc.id)!.lastEditor).toEqual({ id: ann.userId, displayName: 'ann' });

    // Deleting closes it for everyone who has it open.
    const closed = nextEvent(as, 'doc:closed');
    const deleted = nextEvent(bs, 'doc:deleted');
    await ok(command(os, 'doc:delete', { roomId, docId: doc.id }));
    expect((await closed).reason).toBe('deleted');
    expect((await deleted).docId).toBe(doc.id);
    await until(() => sync.status === 'closed', 'ann closed');
    sync.destroy();
    expect(await command(bs, 'doc:open', { roomId, docId: doc.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('exports a note as Markdown to members only', async () => {
    const doc = await newDoc('Exam: prep / plan');
    const sync = new DocSync(socketTransport(os), roomId, doc.id);
    await until(() => sync.status === 'synced', 'synced');
    sync.ydoc.getText(DOC_TEXT).insert(0, '# Plan\n\n- [ ] read');
    await sync.whenSaved();
    const r = await ann.get(`/api/rooms/${roomId}/documents/${doc.id}/export`);
    expect(r.status).toBe(200);
    expect(r.body).toBe('# Plan\n\n- [ ] read');
    expect(r.headers.get('content-type')).toMatch(/^text\/markdown/);
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="Exam-prep-plan.md"');
    expect((await outsider.get(`/api/rooms/${roomId}/documents/${doc.id}/export`)).status).toBe(403);
    expect((await outsider.get(`/api/rooms/${roomId}/documents`)).status).toBe(403);
    expect((await new Client(server.url).get(`/api/rooms/${roomId}/documents`)).status).toBe(401);
    sync.destroy();
  });

  it('two clients converge after concurrent edits, and a third loads the same text', async () => {
    const doc = await newDoc('Shared');
    const a = new DocSync(socketTransport(as), roomId, doc.id);
    const b = new DocSync(socketTransport(bs), roomId, doc.id);
    await until(() => a.status === 'synced' && b.status === 'synced', 'both synced');
    const ta = a.ydoc.getText(DOC_TEXT);
    const tb = b.ydoc.getText(DOC_TEXT);
    for (let i = 0; i < 30; i++) {
      ta.insert(ta.length, `a${i} `);
      tb.insert(0, `b${i} `);
    }
    await Promise.all([a.whenSaved(), b.whenSaved()]);
    await until(() => text(a) === text(b) && text(a).length === 2 * Array.from({ length: 30 }, (_, i) => `a${i} `).join('').length, 'converged');
    expect(await storedText(doc.id)).toBe(text(a));
    const c = new DocSync(socketTransport(os), roomId, doc.id);
    await until(() => c.status === 'synced', 'late joiner synced');
    expect(text(c)).toBe(text(a));
    for (const s of [a, b, c]) s.destroy();
  });

  it('shows others’ cursors with the server-known name, stripped of anything else', async () => {
    const doc = await newDoc('Cursors');
    const a = new DocSync(socketTransport(as), roomId, doc.id);
    const b = new DocSync(socketTransport(bs), roomId, doc.id);
    await until(() => a.status === 'synced' && b.status === 'synced', 'synced');
    a.ydoc.getText(DOC_TEXT).insert(0, 'abc');
    await a.whenSaved();
    const t = a.ydoc.getText(DOC_TEXT);
    a.awareness.setLocalState({
      user: { name: 'The Teacher', color: '#ff0000', avatar: 'javascript:alert(1)' },
      cursor: { anchor: Y.createRelativePositionFromTypeIndex(t, 1), head: Y.createRelativePositionFromTypeIndex(t, 2) },
      secret: 'x'.repeat(100),
    });
    await until(() => b.awareness.getStates().has(a.ydoc.clientID) && !!(b.awareness.getStates().get(a.ydoc.clientID) as any)?.cursor, 'b sees a');
    const seen = b.awareness.getStates().get(a.ydoc.clientID) as any;
    expect(seen.user).toEqual({ name: 'ann', color: '#ff0000' });
    expect(Object.keys(seen).sort()).toEqual(['cursor', 'user']);
    expect(Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(seen.cursor.head), b.ydoc)!.index).toBe(2);
    // Leaving removes the cursor for the others.
    a.destroy();
    await until(() => !b.awareness.getStates().has(a.ydoc.clientID), 'cursor removed');
    b.destroy();
  });

  it('merges a client that was offline for 200 edits while others kept typing', async () => {
    const doc = await newDoc('Train');
    const sock = await ben.socket();
    const a = new DocSync(socketTransport(as), roomId, doc.id);
    const b = new DocSync(socketTransport(sock), roomId, doc.id);
    await until(() => a.status === 'synced' && b.status === 'synced', 'synced');
    a.ydoc.getText(DOC_TEXT).insert(0, 'start\n');
    await a.whenSaved();
    await until(() => text(b) === 'start\n', 'b has start');

    sock.io.engine.close(); // the network drops; socket.io will reconnect by itself
    await until(() => b.status === 'offline', 'b offline');
    const tb = b.ydoc.getText(DOC_TEXT);
    for (let i = 0; i < 200; i++) tb.insert(tb.length, `${i % 10}`);
    const ta = a.ydoc.getText(DOC_TEXT);
    for (let i = 0; i < 20; i++) ta.insert(0, 'A');
    await a.whenSaved();
    await until(() => b.status === 'synced' && b.saved, 'b back and saved', 10_000);
    await until(() => text(a) === text(b), 'converged');
    expect(text(a)).toContain('A'.repeat(20));
    expect(text(a).replace(/A/g, '').replace('start\n', '')).toHaveLength(200);
    expect(await storedText(doc.id)).toBe(text(a));
    a.destroy();
    b.destroy();
    sock.disconnect();
  });
});

describe('refusals change nothing', () => {
  let doc: DocSummary;
  let valid: Uint8Array;
  beforeAll(async () => {
    doc = await newDoc('Guarded');
    const a = new DocSync(socketTransport(os), roomId, doc.id);
    await until(() => a.status === 'synced', 'synced');
    a.ydoc.getText(DOC_TEXT).insert(0, 'keep me');
    await a.whenSaved();
    a.destroy();
    const y = new Y.Doc();
    y.getText(DOC_TEXT).insert(0, 'intruder');
    valid = Y.encodeStateAsUpdate(y);
  });
  const rows = async () => (await rawDb(server.app.db).get('SELECT count(*) AS n FROM doc_updates WHERE doc_id = ?', doc.id)) as { n: number };

  it('refuses outsiders and strangers guessing ids', async () => {
    const before = (await rows()).n;
    expect(await command(xs, 'doc:open', { roomId, docId: doc.id })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(await command(xs, 'doc:update', { roomId, docId: doc.id, update: valid })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(await command(xs, 'doc:list', { roomId })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(await command(xs, 'doc:create', { roomId, title: 'x' })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    // The outsider's own room does not open someone else's document.
    const { id: other } = await roomWith(outsider, []);
    expect(await command(xs, 'doc:open', { roomId: other, docId: doc.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await command(xs, 'doc:delete', { roomId: other, docId: doc.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    // Updates to a document not opened first are refused too.
    expect(await command(as, 'doc:update', { roomId, docId: doc.id, update: valid })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect((await rows()).n).toBe(before);
    expect(await storedText(doc.id)).toBe('keep me');
  });

  it('refuses garbage, foreign shared types and oversized updates', async () => {
    await ok(command(as, 'doc:open', { roomId, docId: doc.id }));
    const before = (await rows()).n;
    const evil = new Y.Doc();
    evil.getMap('settings').set('admin', true);
    const otherText = new Y.Doc();
    otherText.getText('not-content').insert(0, 'hidden');
    const cases: unknown[] = [
      { roomId, docId: doc.id, update: new Uint8Array([1, 2, 3, 250, 255, 255, 255, 255, 15]) },
      { roomId, docId: doc.id, update: new Uint8Array(0) },
      { roomId, docId: doc.id, update: 'aGVsbG8=' },
      { roomId, docId: doc.id, update: Y.encodeStateAsUpdate(evil) },
      { roomId, docId: doc.id, update: Y.encodeStateAsUpdate(otherText) },
      { roomId, docId: doc.id, update: new Uint8Array(DOC_UPDATE_MAX_BYTES + 1) },
      { roomId, docId: doc.id, update: valid, extra: 1 },
      { roomId: -1, docId: doc.id, update: valid },
    ];
    for (const payload of cases) {
      const ack = await command(as, 'doc:update', payload);
      expect(ack.ok, JSON.stringify(payload).slice(0, 80)).toBe(false);
    }
    expect(await command(as, 'doc:awareness', { roomId, docId: doc.id, update: new Uint8Array([9, 9, 9]) })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect((await rows()).n).toBe(before);
    expect(await storedText(doc.id)).toBe('keep me');
    // A fresh load from the database shows the same.
    const fresh = await ok(command(bs, 'doc:open', { roomId, docId: doc.id }));
    const y = new Y.Doc();
    Y.applyUpdate(y, new Uint8Array(fresh.update));
    expect(y.getText(DOC_TEXT).toString()).toBe('keep me');
    expect([...y.share.keys()]).toEqual([DOC_TEXT]);
    await ok(command(as, 'doc:close', { roomId, docId: doc.id }));
    await ok(command(bs, 'doc:close', { roomId, docId: doc.id }));
  });

  it('lets a muted member read but not write; unmuted they write again', async () => {
    const before = (await rows()).n;
    expect((await owner.post(`/api/rooms/${roomId}/members/${ben.userId}/mute`, { minutes: 5 })).status).toBe(200);
    const opened = await ok(command(bs, 'doc:open', { roomId, docId: doc.id }));
    expect(opened.canEdit).toBe(false);
    expect(await command(bs, 'doc:update', { roomId, docId: doc.id, update: valid })).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    expect(await command(bs, 'doc:create', { roomId, title: 'x' })).toMatchObject({ ok: false, error: { code: 'MUTED' } });
    expect((await rows()).n).toBe(before);
    expect((await owner.del(`/api/rooms/${roomId}/members/${ben.userId}/mute`)).status).toBe(200);
    await ok(command(bs, 'doc:close', { roomId, docId: doc.id }));
  });

  it('a kicked member loses the open document at once and cannot write', async () => {
    const [kay] = await newUsers(server, 'kay');
    const room = await roomWith(owner, [kay]);
    const d = await ok<DocSummary>(command(os, 'doc:create', { roomId: room.id, title: 'Kick me' }));
    const ks = await kay.socket();
    const k = new DocSync(socketTransport(ks), room.id, d.id);
    const o = new DocSync(socketTransport(os), room.id, d.id);
    await until(() => k.status === 'synced' && o.status === 'synced', 'synced');
    const seen = collect(ks, 'doc:updated');
    const closed = nextEvent(ks, 'doc:closed');
    expect((await owner.post(`/api/rooms/${room.id}/members/${kay.userId}/kick`)).status).toBe(204);
    expect((await closed).reason).toBe('removed');
    o.ydoc.getText(DOC_TEXT).insert(0, 'after the kick');
    await o.whenSaved();
    expect(await command(ks, 'doc:update', { roomId: room.id, docId: d.id, update: valid })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(await command(ks, 'doc:open', { roomId: room.id, docId: d.id })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    // Nothing written after the kick reached Kay.
    await ok(command(os, 'clock:sync', {}));
    expect(seen).toHaveLength(0);
    expect(await server.app.documents.text(room.id, d.id)).toBe('after the kick');
    k.destroy();
    o.destroy();
    ks.disconnect();
  });

  it('refuses a socket from a foreign Origin', async () => {
    await expect(ann.socket({ origin: 'https://evil.example' })).rejects.toBeTruthy();
  });
});

describe('code pads', () => {
  it('share the language and each run’s console output with everyone; refuse outsiders, notes and garbage', async () => {
    const pad = await ok<DocSummary>(command(as, 'doc:create', { roomId, title: 'Two sum', kind: 'code', language: 'python' }));
    expect(pad).toMatchObject({ kind: 'code', language: 'python' });
    const changed = nextEvent(bs, 'doc:changed', (f) => f.doc.id === pad.id);
    await ok(command(as, 'doc:configure', { roomId, docId: pad.id, language: 'typescript' }));
    expect((await changed).doc.language).toBe('typescript');
    expect(await command(bs, 'doc:configure', { roomId, docId: pad.id, language: 'go' })).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    await ok(command(as, 'doc:open', { roomId, docId: pad.id }));
    await ok(command(bs, 'doc:open', { roomId, docId: pad.id }));
    const run = { language: 'typescript', status: 'ok', durationMs: 12, lines: [{ stream: 'out', text: '[0,1]' }] };
    const ran = nextEvent(bs, 'doc:ran');
    const shared = await ok(command(as, 'doc:run', { roomId, docId: pad.id, run }));
    expect(shared).toMatchObject({ ...run, by: { id: ann.userId, displayName: 'ann' } });
    expect((await ran).run.id).toBe(shared.id);
    // A late joiner sees the latest run.
    const opened = await ok(command(os, 'doc:open', { roomId, docId: pad.id }));
    expect(opened.runs.map((r: { id: string }) => r.id)).toEqual([shared.id]);

    expect(await command(xs, 'doc:run', { roomId, docId: pad.id, run })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    expect(await command(as, 'doc:run', { roomId, docId: pad.id, run: { ...run, language: 'javascript' } })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await command(as, 'doc:run', { roomId, docId: pad.id, run: { ...run, lines: [{ stream: 'out', text: 'x'.repeat(1001) }] } })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await command(as, 'doc:run', { roomId, docId: pad.id, run: { ...run, html: '<b>' } })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const note = await newDoc('Not code');
    await ok(command(os, 'doc:open', { roomId, docId: note.id }));
    expect(await command(os, 'doc:run', { roomId, docId: note.id, run })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    const after = await ok(command(bs, 'doc:open', { roomId, docId: pad.id }));
    expect(after.runs).toHaveLength(1);
    for (const s of [as, bs, os]) await ok(command(s, 'doc:close', { roomId, docId: pad.id }));
  });
});

describe('persistence', () => {
  it('keeps every acknowledged update across a restart, from snapshot + tail', async () => {
    const doc = await newDoc('Durable');
    const a = new DocSync(socketTransport(as), roomId, doc.id);
    await until(() => a.status === 'synced', 'synced');
    const t = a.ydoc.getText(DOC_TEXT);
    for (let i = 0; i < 40; i++) {
      t.insert(t.length, `${i},`);
      if (i === 20) {
        await a.whenSaved();
        await server.app.documents.compact(doc.id); // half in the snapshot, half in the tail
      }
    }
    await a.whenSaved();
    const expected = text(a);
    a.destroy();
    f = await restartDocRoom(f!);
    ({ server, os, as, bs, xs } = f);
    const b = new DocSync(socketTransport(bs), roomId, doc.id);
    await until(() => b.status === 'synced', 'synced after restart');
    expect(text(b)).toBe(expected);
    const row = (await rawDb(server.app.db).get('SELECT snapshot_upto FROM documents WHERE id = ?', doc.id)) as { snapshot_upto: number };
    expect(row.snapshot_upto).toBeGreaterThan(0);
    b.destroy();
  });
});
