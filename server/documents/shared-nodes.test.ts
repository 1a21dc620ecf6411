/**
 * Several nodes writing the same document (scale-out, ADR 0037). Each node keeps its own copy in
 * memory; the other nodes' updates reach its sockets through the Socket.IO relay, not its copy. The
 * copy catches up from the update log before it is read (open, export, snapshots) and, while
 * someone here has the document open, every few seconds; a snapshot only claims the updates its
 * copy holds, and two nodes folding the same history do it once. The "nodes" are real
 * DocumentsServices in `shared` mode on the test server's database (what each process runs with
 * REDIS_URL set). Runs on SQLite and on PostgreSQL (npm run test:pg).
 */
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documents } from '../../db/schema/index.js';
import { DOC_TEXT } from '../../protocol/docs-constants.js';
import type { DocSummary } from '../../protocol/docs.js';
import { command, ok, rawDb, until } from '../test/harness.js';
import { DocumentsService, type DocumentsOptions } from './documents.service.js';
import { disposeDocRoom, docRoom, typist, type DocRoom } from './test-fixture.js';

let f: DocRoom | undefined;
const nodes: DocumentsService[] = [];
beforeAll(async () => {
  f = await docRoom();
}, 60_000); // four argon2 sign-ups: slow on a busy 2-core machine

afterAll(async () => {
  for (const n of nodes) {
    await n.flush();
    n.stop();
  }
  await disposeDocRoom(f);
});

const HOUR = 3_600_000;
/** A node's documents service: same database and room events, its own memory. */
function node(opts: Partial<DocumentsOptions> = {}): DocumentsService {
  const n = new DocumentsService(f!.server.app.db, f!.server.app.roomEvents, { compactEvery: Number.MAX_SAFE_INTEGER, evictAfterMs: HOUR, historyWindowMs: HOUR, shared: { catchUpEveryMs: HOUR }, ...opts });
  nodes.push(n);
  return n;
}

async function newDoc(title: string): Promise<DocSummary> {
  return ok(command(f!.os, 'doc:create', { roomId: f!.roomId, title, kind: 'note' }));
}

const textOf = (update: Uint8Array) => {
  const y = new Y.Doc();
  Y.applyUpdate(y, update);
  return y.getText(DOC_TEXT).toString();
};

/** Writes `update` as `userId` through `n`, resolving once its row is stored. */
const write = async (n: DocumentsService, docId: number, userId: number, update: Uint8Array) => (await n.accept(f!.roomId, docId, userId, update)).written;

describe('a document written by several nodes', () => {
  it('a node’s copy catches up with another node’s updates before it is read (open, export)', async () => {
    const doc = await newDoc('Two nodes');
    const [a, b] = [node(), node()];
    const caught: string[] = [];
    b.onCaughtUp = (_roomId, docId, update) => docId === doc.id && caught.push(textOf(update));
    expect(textOf((await b.open(f!.roomId, doc.id, 'on-b-1')).update)).toBe('');

    const ann = typist();
    await write(a, doc.id, f!.ann.userId, ann.type('Ann types on node A. '));
    await write(a, doc.id, f!.ann.userId, ann.type('Twice.'));

    // Someone opening it on node B gets node A's text, and B's export has it.
    expect(textOf((await b.open(f!.roomId, doc.id, 'on-b-2')).update)).toBe('Ann types on node A. Twice.');
    expect(await b.text(f!.roomId, doc.id)).toBe('Ann types on node A. Twice.');
    // What B's copy gained went to B's sockets (those that had it from the relay ignore it).
    expect(caught).toEqual(['Ann types on node A. Twice.']);
  });

  it('a snapshot claims only the updates its node holds: nothing another node wrote is lost on the next load', async () => {
    const doc = await newDoc('Snapshot race');
    const [a, b] = [node(), node()];
    await b.open(f!.roomId, doc.id, 'b-socket');
    const ann = typist();
    await write(a, doc.id, f!.ann.userId, ann.type('A1 '));
    await write(a, doc.id, f!.ann.userId, ann.type('A2 '));
    // Ben, on node B, has Ann's text through the relay and types after it.
    const ben = typist();
    Y.applyUpdate(ben.ydoc, Y.encodeStateAsUpdate(ann.ydoc));
    await write(b, doc.id, f!.ben.userId, ben.type('B1'));

    // Node B writes the snapshot: its newest row is Ben's, after Ann's two.
    await b.compact(doc.id);
    const row = (await f!.server.app.db.select({ upto: documents.snapshotUpto }).from(documents).where(eq(documents.id, doc.id)))[0]!;
    const newest = (await rawDb(f!.server.app.db).get('SELECT max(id) AS id FROM doc_updates WHERE doc_id = ?', doc.id)) as { id: number | string };
    expect(row.upto).toBe(Number(newest.id));
    // A node loading it afresh (snapshot + the rows after it) has every word.
    expect(await node().text(f!.roomId, doc.id)).toBe('A1 A2 B1');
  });

  it('while someone has it open on a node, that node catches up by itself and tells its sockets', async () => {
    const doc = await newDoc('Periodic');
    const a = node();
    const b = node({ shared: { catchUpEveryMs: 50 } });
    const caught: string[] = [];
    b.onCaughtUp = (_roomId, docId, update) => docId === doc.id && caught.push(textOf(update));
    await b.open(f!.roomId, doc.id, 'watcher');
    await write(a, doc.id, f!.ann.userId, typist().type('missed relay'));
    await until(() => caught.length > 0, 'node B caught up on its own');
    expect(caught).toEqual(['missed relay']);
  });

  it('two nodes folding the same old history do it once', async () => {
    const doc = await newDoc('Prune race');
    const a = node();
    const ann = typist();
    for (const w of ['one ', 'two ', 'three']) await write(a, doc.id, f!.ann.userId, ann.type(w));
    await a.compact(doc.id);
    const b = node();
    const cutoff = Date.now() + HOUR; // every update counts as old
    const folded = await Promise.all([a.history.prune(doc.id, cutoff), b.history.prune(doc.id, cutoff)]);
    expect(folded.sort()).toEqual([0, 3]);
    const twice = await rawDb(f!.server.app.db).all("SELECT upto FROM doc_versions WHERE doc_id = ? AND kind = 'session' GROUP BY upto HAVING count(*) > 1", doc.id);
    expect(twice).toEqual([]);
    expect(await node().text(f!.roomId, doc.id)).toBe('one two three');
  });

  it('one node (no REDIS_URL) reads nothing back: its copy is the whole document', async () => {
    const doc = await newDoc('Single');
    const single = node({ shared: undefined });
    let caught = 0;
    single.onCaughtUp = () => caught++;
    await write(single, doc.id, f!.ann.userId, typist().type('alone'));
    expect(await single.text(f!.roomId, doc.id)).toBe('alone');
    await single.compact(doc.id);
    expect(caught).toBe(0);
    expect(await node().text(f!.roomId, doc.id)).toBe('alone');
  });
});
