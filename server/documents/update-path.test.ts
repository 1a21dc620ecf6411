/**
 * The update path (ADR 0031): an update is relayed to the other editors once checked and applied,
 * while its sender's ack waits for its row; refused updates are neither relayed nor stored; an
 * acked update survives a restart. The write is held back with a real transaction that locks the
 * document's row (SQLite: transactions of the one connection queue; PostgreSQL: a row lock), so
 * "relayed before written" is seen without timing.
 */
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documents } from '../../db/schema/index.js';
import { transaction } from '../../db/tx.js';
import { DOC_TEXT } from '../../protocol/docs-constants.js';
import type { DocSummary } from '../../protocol/docs.js';
import { collect, command, nextEvent, ok, rawDb, until, type ClientSocket } from '../test/harness.js';
import { DocSync } from '../../client/src/features/documents/docSync.js';
import { disposeDocRoom, docRoom, restartDocRoom, typist, type DocRoom } from './test-fixture.js';
import { socketTransport } from './test-transport.js';

let f: DocRoom | undefined;
beforeAll(async () => {
  f = await docRoom();
}, 60_000); // four argon2 sign-ups: slow on a busy 2-core machine

afterAll(() => disposeDocRoom(f));

const rowsOf = async (docId: number) => ((await rawDb(f!.server.app.db).get('SELECT count(*) AS n FROM doc_updates WHERE doc_id = ?', docId)) as { n: number | string }).n;
const n = async (docId: number) => Number(await rowsOf(docId));

async function newDoc(title: string): Promise<DocSummary> {
  return ok(command(f!.os, 'doc:create', { roomId: f!.roomId, title, kind: 'note' }));
}

/** Sends a doc:update and records when (and whether) its ack came. */
function send(socket: ClientSocket, docId: number, update: Uint8Array) {
  const state: { ack: { ok: boolean; data?: unknown; error?: { code: string } } | null } = { ack: null };
  const done = command(socket, 'doc:update', { roomId: f!.roomId, docId, update }).then((a) => (state.ack = a as typeof state.ack));
  return { state, done };
}

/**
 * Holds every write to document `docId` until `release()`: a transaction that updated its row
 * (and, with `deleteIt`, then deleted it, so the held writes fail).
 */
async function holdWrites(docId: number, deleteIt = false): Promise<{ release(): Promise<void> }> {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  let locked!: () => void;
  const isLocked = new Promise<void>((r) => (locked = r));
  const held = transaction(f!.server.app.db, async (tx) => {
    await tx.update(documents).set({ title: 'Held' }).where(eq(documents.id, docId));
    if (deleteIt) await tx.delete(documents).where(eq(documents.id, docId));
    locked();
    await released;
  });
  await isLocked;
  return {
    async release() {
      release();
      await held;
    },
  };
}

describe('the document update path', () => {
  it('relays an update to the other editor before its row is written; the sender’s ack only once it is', async () => {
    const { as, bs, roomId } = f!;
    const doc = await newDoc('Relay first');
    await ok(command(as, 'doc:open', { roomId, docId: doc.id }));
    await ok(command(bs, 'doc:open', { roomId, docId: doc.id }));
    const ann = typist();
    const first = ann.type('hello');
    const second = ann.type(' world');

    const gate = await holdWrites(doc.id);
    const relayed = collect<{ docId: number; update: Uint8Array }>(bs, 'doc:updated');
    const a1 = send(as, doc.id, first);
    // The socket's next update is checked and relayed too while the first one's write waits.
    const a2 = send(as, doc.id, second);
    await until(() => relayed.length === 2, 'both updates relayed to ben');
    expect(relayed.map((r) => Buffer.from(r.update).equals(Buffer.from(first)) || Buffer.from(r.update).equals(Buffer.from(second)))).toEqual([true, true]);
    expect(a1.state.ack).toBeNull();
    expect(a2.state.ack).toBeNull();
    expect(await n(doc.id)).toBe(0);

    await gate.release();
    await Promise.all([a1.done, a2.done]);
    expect(a1.state.ack).toMatchObject({ ok: true, data: { stored: true } });
    expect(a2.state.ack).toMatchObject({ ok: true, data: { stored: true } });
    expect(await n(doc.id)).toBe(2);
    relayed.stop();
    const ben = new Y.Doc();
    for (const r of relayed) Y.applyUpdate(ben, new Uint8Array(r.update));
    expect(ben.getText(DOC_TEXT).toString()).toBe('hello world');
    expect(await f!.server.app.documents.text(roomId, doc.id)).toBe('hello world');
    await ok(command(as, 'doc:close', { roomId, docId: doc.id }));
    await ok(command(bs, 'doc:close', { roomId, docId: doc.id }));
  });

  it('does not acknowledge an update whose write failed', async () => {
    const { as, bs, roomId } = f!;
    const doc = await newDoc('Doomed');
    await ok(command(as, 'doc:open', { roomId, docId: doc.id }));
    await ok(command(bs, 'doc:open', { roomId, docId: doc.id }));
    const update = typist().type('lost');
    const gate = await holdWrites(doc.id, true); // the row goes away under the write
    const relayed = nextEvent(bs, 'doc:updated');
    const sent = send(as, doc.id, update);
    await relayed;
    expect(sent.state.ack).toBeNull();
    await gate.release();
    await sent.done;
    expect(sent.state.ack).toMatchObject({ ok: false });
    expect(await n(doc.id)).toBe(0);
    // The in-memory copy went with it: the document is gone for everyone.
    expect(await command(bs, 'doc:open', { roomId, docId: doc.id })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('an editor holding text the server lacks (relayed, never written) sends it back when it opens', async () => {
    const { bs, roomId } = f!;
    const doc = await newDoc('Sent back');
    // Ben's copy holds text the server never stored, from before this sync knew it.
    const ydoc = new Y.Doc();
    ydoc.getText(DOC_TEXT).insert(0, 'only ben has this');
    const b = new DocSync(socketTransport(bs), roomId, doc.id, ydoc);
    await until(() => b.status === 'synced' && b.ydoc.getText(DOC_TEXT).length > 0, 'synced');
    await b.whenSaved();
    expect(await f!.server.app.documents.text(roomId, doc.id)).toBe('only ben has this');
    expect(await n(doc.id)).toBe(1);
    b.destroy();
  });

  it('neither relays nor stores a refused update: garbage, an outsider’s, a muted member’s, a document not opened', async () => {
    const { as, bs, os, xs, roomId, ben, owner } = f!;
    const doc = await newDoc('Refusals');
    await ok(command(os, 'doc:open', { roomId, docId: doc.id }));
    await ok(command(as, 'doc:open', { roomId, docId: doc.id }));
    const relayed = collect<{ update: Uint8Array }>(os, 'doc:updated');
    const evil = new Y.Doc();
    evil.getMap('settings').set('admin', true);
    const valid = typist().type('x');
    const refusals: [ClientSocket, unknown, string][] = [
      [as, { roomId, docId: doc.id, update: new Uint8Array([1, 2, 3, 250, 255, 255, 255, 255, 15]) }, 'VALIDATION'],
      [as, { roomId, docId: doc.id, update: Y.encodeStateAsUpdate(evil) }, 'VALIDATION'],
      [as, { roomId, docId: doc.id, update: 'not bytes' }, 'VALIDATION'],
      [xs, { roomId, docId: doc.id, update: valid }, 'NOT_MEMBER'],
      [bs, { roomId, docId: doc.id, update: valid }, 'CONFLICT'], // ben has not opened it
    ];
    for (const [socket, payload, code] of refusals) expect(await command(socket, 'doc:update', payload)).toMatchObject({ ok: false, error: { code } });
    // A muted member reads but does not write.
    expect((await owner.post(`/api/rooms/${roomId}/members/${ben.userId}/mute`, { minutes: 5 })).status).toBe(200);
    await ok(command(bs, 'doc:open', { roomId, docId: doc.id }));
    expect(await command(bs, 'doc:update', { roomId, docId: doc.id, update: valid })).toMatchObject({ ok: false });
    expect((await owner.del(`/api/rooms/${roomId}/members/${ben.userId}/mute`)).status).toBe(200);
    expect(await n(doc.id)).toBe(0);
    // Then a valid one from ann: the first and only update dora receives.
    const marker = typist().type('ok');
    const got = nextEvent<{ update: Uint8Array }>(os, 'doc:updated');
    await ok(command(as, 'doc:update', { roomId, docId: doc.id, update: marker }));
    expect(Buffer.from((await got).update).equals(Buffer.from(marker))).toBe(true);
    relayed.stop();
    expect(relayed).toHaveLength(1);
    expect(await n(doc.id)).toBe(1);
    expect(await f!.server.app.documents.text(roomId, doc.id)).toBe('ok');
    for (const s of [os, as, bs]) await ok(command(s, 'doc:close', { roomId, docId: doc.id }));
  });

  it('keeps every acknowledged update across a restart, also updates sent without waiting for acks', async () => {
    const { as, bs, roomId } = f!;
    const doc = await newDoc('Pipelined');
    await ok(command(as, 'doc:open', { roomId, docId: doc.id }));
    await ok(command(bs, 'doc:open', { roomId, docId: doc.id }));
    const ann = typist();
    const ben = typist();
    const sends = [];
    for (let i = 0; i < 30; i++) {
      sends.push(send(as, doc.id, ann.type(`a${i} `)));
      sends.push(send(bs, doc.id, ben.type(`b${i} `)));
    }
    await Promise.all(sends.map((s) => s.done));
    for (const s of sends) expect(s.state.ack).toMatchObject({ ok: true, data: { stored: true } });
    expect(await n(doc.id)).toBe(60);
    const expected = await f!.server.app.documents.text(roomId, doc.id);
    for (let i = 0; i < 30; i++) expect(expected).toContain(`a${i} `);

    f = await restartDocRoom(f!);
    const reopened = await ok(command(f.as, 'doc:open', { roomId, docId: doc.id }));
    const y = new Y.Doc();
    Y.applyUpdate(y, new Uint8Array(reopened.update));
    expect(y.getText(DOC_TEXT).toString()).toBe(expected);
    await ok(command(f.as, 'doc:close', { roomId, docId: doc.id }));
  });
});
