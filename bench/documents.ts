/**
 * Live documents (issue 12):
 * 1. N simultaneous typists (default 20) at K keystrokes/s each (default 5) on one document, on our
 *    server (auth, zod, membership, Yjs apply, relay, SQLite append before the ack: ADR 0031) and on a bare
 *    Socket.IO relay (docs-relay.ts) and a raw-WebSocket y-websocket-style relay (docs-ws-relay.ts)
 *    in the same run: relay latency (a keystroke leaving one typist until it reaches each other
 *    typist), ack latency (until stored and acknowledged), server CPU; ratios printed.
 * 2. Loading a document of 100,000 edits from its snapshot + tail vs from the full update log.
 * 3. Memory per open document (server heap per loaded Y.Doc of a few thousand characters).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { io, type Socket } from 'socket.io-client';
import * as Y from 'yjs';
import { spawnServer, REPO_ROOT, type ServerChild } from './lib/child.js';
import { postJson, expectStatus } from './lib/http.js';
import { registerUsers, createRooms, oursEnv } from './lib/ours-setup.js';
import type { BenchReport } from './lib/report.js';
import { distribution, type Table } from './lib/stats.js';
import { sleep } from './lib/pool.js';

export interface DocumentsOptions {
  typists: number;
  keysPerSec: number;
  warmupS: number;
  durationS: number;
  edits: number;
  /** Write a V8 CPU profile of our server here (`--profile DIR`). */
  profileDir?: string;
}

const TEXT = 'content';

interface Result {
  name: string;
  relay: number[];
  ack: number[];
  sent: number;
  errors: number;
  cpuPct: number;
}

function connect(url: string, cookie?: string): Promise<Socket> {
  return new Promise((res, rej) => {
    const s = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, ...(cookie ? { extraHeaders: { cookie } } : {}) });
    s.once('connect', () => res(s));
    s.once('connect_error', rej);
  });
}

const ack = <T = any>(s: Socket, ev: string, p: unknown): Promise<T> =>
  s.timeout(10_000).emitWithAck(ev, p).then((a: { ok: boolean; data?: T; error?: { code: string; message: string } }) => {
    if (!a.ok) throw new Error(`${ev}: ${a.error?.code} ${a.error?.message}`);
    return a.data as T;
  });

/** The first struct id of an update: identifies a keystroke across clients. */
const keyOf = (u: Uint8Array): string => {
  const s = Y.decodeUpdate(u).structs[0];
  return s ? `${s.id.client}:${s.id.clock}` : '';
};

/** What one typing run records; receivers call `received` for every relayed update. */
interface Tally {
  sentAt: Map<string, number>;
  relay: number[];
  measuring: boolean;
  sent: number;
  errors: number;
}
const newTally = (): Tally => ({ sentAt: new Map(), relay: [], measuring: false, sent: 0, errors: 0 });
function received(tally: Tally, u: Uint8Array): void {
  const t = tally.sentAt.get(keyOf(u));
  if (tally.measuring && t !== undefined) tally.relay.push(performance.now() - t);
}

/**
 * The typing both relays get: each doc types at its own cursor (which jumps elsewhere now and
 * then) at keysPerSec; `send` carries each local update. Warm-up, then the measured window; the
 * texts must converge. Returns the server's CPU % over the window.
 */
async function typeAndMeasure(
  docs: Y.Doc[],
  tally: Tally,
  server: ServerChild,
  opts: DocumentsOptions,
  send: (i: number, update: Uint8Array, t0: number, counted: boolean) => void,
): Promise<number> {
  for (const [i, d] of docs.entries()) {
    d.on('update', (u: Uint8Array, origin: unknown) => {
      if (origin === 'server') return;
      const t0 = performance.now();
      tally.sentAt.set(keyOf(u), t0);
      if (tally.measuring) tally.sent++;
      send(i, u, t0, tally.measuring);
    });
  }
  const period = 1000 / opts.keysPerSec;
  const cursors = docs.map(() => 0);
  const timers = docs.map((d, i) =>
    setTimeout(function tick() {
      const t = d.getText(TEXT);
      if (Math.random() < 0.03 || cursors[i]! > t.length) cursors[i] = Math.floor(Math.random() * (t.length + 1));
      t.insert(cursors[i]!++, String.fromCharCode(97 + (i % 26)));
      timers[i] = setTimeout(tick, period);
    }, Math.random() * period),
  );
  await sleep(opts.warmupS * 1000);
  const s0 = await server.stats();
  tally.measuring = true;
  await sleep(opts.durationS * 1000);
  tally.measuring = false;
  const s1 = await server.stats();
  timers.forEach((t) => clearTimeout(t));
  await sleep(500);
  if (new Set(docs.map((d) => d.getText(TEXT).toString())).size !== 1) tally.errors++;
  return ((s1.cpuUs - s0.cpuUs) / 1000 / (opts.durationS * 1000)) * 100;
}

async function typists(name: string, server: ServerChild, cookies: (string | undefined)[], roomId: number, docId: number, opts: DocumentsOptions): Promise<Result> {
  const sockets = await Promise.all(cookies.map((c) => connect(server.url, c)));
  const docs = sockets.map(() => new Y.Doc());
  const tally = newTally();
  const acks: number[] = [];
  await Promise.all(
    sockets.map(async (s, i) => {
      const r = await ack<{ update: Uint8Array }>(s, 'doc:open', { roomId, docId, stateVector: Y.encodeStateVector(docs[i]!) });
      if (r.update.byteLength) Y.applyUpdate(docs[i]!, new Uint8Array(r.update), 'server');
      s.on('doc:updated', (f: { update: Uint8Array }) => {
        const u = new Uint8Array(f.update);
        received(tally, u);
        Y.applyUpdate(docs[i]!, u, 'server');
      });
    }),
  );
  const cpuPct = await typeAndMeasure(docs, tally, server, opts, (i, u, t0, counted) => {
    ack(sockets[i]!, 'doc:update', { roomId, docId, update: u }).then(
      () => counted && acks.push(performance.now() - t0),
      () => tally.errors++,
    );
  });
  for (const s of sockets) s.close();
  return { name, relay: tally.relay, ack: acks, sent: tally.sent, errors: tally.errors, cpuPct };
}

/**
 * The same typing against the raw-WebSocket relay, framed as y-websocket does (messageSync = 0,
 * messageYjsUpdate = 2, then the update). No acks exist there: only relay latency is measured.
 */
async function wsTypists(server: ServerChild, opts: DocumentsOptions): Promise<Result> {
  const { WebSocket } = await import('ws');
  const encoding = await import('lib0/encoding');
  const decoding = await import('lib0/decoding');
  const frame = (u: Uint8Array) => {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, 2);
    encoding.writeVarUint8Array(e, u);
    return encoding.toUint8Array(e);
  };
  const unframe = (b: Uint8Array) => {
    const d = decoding.createDecoder(b);
    decoding.readVarUint(d);
    decoding.readVarUint(d);
    return decoding.readVarUint8Array(d);
  };
  const sockets = await Promise.all(
    Array.from({ length: opts.typists }, () => new Promise<import('ws').WebSocket>((res, rej) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bench-doc`);
      ws.binaryType = 'nodebuffer';
      ws.once('open', () => res(ws));
      ws.once('error', rej);
    })),
  );
  const docs = sockets.map(() => new Y.Doc());
  const tally = newTally();
  sockets.forEach((ws, i) =>
    ws.on('message', (data: Buffer) => {
      const u = unframe(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      received(tally, u);
      Y.applyUpdate(docs[i]!, u, 'server');
    }),
  );
  const cpuPct = await typeAndMeasure(docs, tally, server, opts, (i, u) => sockets[i]!.send(frame(u), (err) => err && tally.errors++));
  for (const ws of sockets) ws.close();
  return { name: 'bare ws relay (y-websocket style)', relay: tally.relay, ack: [], sent: tally.sent, errors: tally.errors, cpuPct };
}

function gcFn(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

async function loadAndMemory(opts: DocumentsOptions): Promise<{ load: Table; memory: Table; notes: string[] }> {
  const [{ openDb }, { applyMigrations }, schema, { DocumentsService }] = await Promise.all([
    import('../db/client.js'),
    import('../db/migrate.js'),
    import('../db/schema/index.js'),
    import('../server/documents/documents.service.js'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'commonroom-bench-docs-'));
  try {
    const db = openDb(join(dir, 'bench.db'));
    applyMigrations(db);
    const now = Date.now();
    const [user] = await db.insert(schema.users).values({ username: 'bench', usernameKey: 'bench', displayName: 'bench', passwordHash: 'x', avatarColor: '#123456', createdAt: now }).returning();
    const [room] = await db.insert(schema.rooms).values({ name: 'bench', code: 'BENCH1', ownerId: user!.id, createdAt: now, lastActivityAt: now }).returning();
    const mk = async (title: string) => (await db.insert(schema.documents).values({ roomId: room!.id, title, kind: 'note', language: 'markdown', createdBy: user!.id, createdAt: now, updatedAt: now }).returning())[0]!.id;
    // No room facts are sent by load/compact: the bench needs no Socket.IO.
    const events = { broadcast: () => 0 } as never;

    // 100,000 single-keystroke updates, as typists make them.
    const docId = await mk('100k edits');
    const y = new Y.Doc();
    const rows: { docId: number; userId: number; data: Buffer; createdAt: number }[] = [];
    y.on('update', (u: Uint8Array) => rows.push({ docId, userId: user!.id, data: Buffer.from(u), createdAt: now }));
    const t = y.getText(TEXT);
    // Typing as people type: at a cursor that jumps somewhere else every 40 keystrokes, one
    // backspace in ten. (Random positions for every keystroke would be a worst case no one types.)
    let cursor = 0;
    for (let i = 0; i < opts.edits; i++) {
      if (i % 40 === 0) cursor = Math.floor(Math.random() * (t.length + 1));
      if (i % 10 === 9 && cursor > 0) t.delete(--cursor, 1);
      else t.insert(cursor++, 'abcdefghij'[i % 10]!);
    }
    db.$client.transaction(() => {
      for (let i = 0; i < rows.length; i += 500) db.insert(schema.docUpdates).values(rows.slice(i, i + 500)).run();
    })();
    const expected = t.toString();
    const logBytes = rows.reduce((n, r) => n + r.data.byteLength, 0);

    const time = async (fn: () => Promise<unknown>, runs = 3) => {
      const out: number[] = [];
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        await fn();
        out.push(performance.now() - t0);
      }
      return Math.min(...out);
    };
    const fresh = () => new DocumentsService(db, events, { compactEvery: Number.MAX_SAFE_INTEGER, evictAfterMs: 60_000, historyWindowMs: Number.MAX_SAFE_INTEGER });
    const notes: string[] = [];
    const fromLog = await time(async () => {
      const svc = fresh();
      const live = await svc.load(room!.id, docId);
      if (live.ydoc.getText(TEXT).toString() !== expected) notes.push('MISMATCH loading from the full log');
      svc.stop();
    });
    const compactor = fresh();
    await compactor.load(room!.id, docId);
    const tc = performance.now();
    await compactor.compact(docId);
    const compactMs = performance.now() - tc;
    compactor.stop();
    const snapBytes = (db.$client.prepare('SELECT length(snapshot) AS n FROM documents WHERE id = ?').get(docId) as { n: number }).n;
    const fromSnapshot = await time(async () => {
      const svc = fresh();
      const live = await svc.load(room!.id, docId);
      if (live.ydoc.getText(TEXT).toString() !== expected) notes.push('MISMATCH loading from the snapshot');
      svc.stop();
    });
    const load: Table = {
      title: `Load a document of ${opts.edits.toLocaleString('en')} edits (${expected.length.toLocaleString('en')} characters), best of 3`,
      columns: ['from', 'ms', 'bytes read'],
      rows: [
        ['full update log', fromLog, logBytes],
        ['snapshot + empty tail', fromSnapshot, snapBytes],
      ],
    };
    notes.push(`compaction of ${opts.edits.toLocaleString('en')} edits into one snapshot: ${compactMs.toFixed(0)} ms (runs in the background; edits keep flowing)`);

    // Memory: 200 open documents of ~3,000 characters typed as keystrokes.
    const gc = gcFn();
    const N = 200;
    const ids: number[] = [];
    for (let d = 0; d < N; d++) {
      const id = await mk(`m${d}`);
      const yd = new Y.Doc();
      const ups: Buffer[] = [];
      yd.on('update', (u: Uint8Array) => ups.push(Buffer.from(u)));
      const tt = yd.getText(TEXT);
      let c = 0;
      for (let i = 0; i < 3000; i++) {
        if (i % 40 === 0) c = Math.floor(Math.random() * (tt.length + 1));
        tt.insert(c++, 'x');
      }
      db.$client.prepare('UPDATE documents SET snapshot = ? WHERE id = ?').run(Buffer.from(Y.encodeStateAsUpdate(yd)), id);
      ids.push(id);
    }
    const svc = fresh();
    gc();
    const h0 = process.memoryUsage().heapUsed;
    for (const id of ids) await svc.load(room!.id, id);
    gc();
    const h1 = process.memoryUsage().heapUsed;
    svc.stop();
    const memory: Table = {
      title: `Memory per open document (${N} documents of 3,000 characters typed one keystroke at a time)`,
      columns: ['measure', 'value'],
      rows: [['heap per open document (KB)', (h1 - h0) / N / 1024]],
    };
    db.$client.close();
    return { load, memory, notes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function documentsBench(opts: DocumentsOptions): Promise<BenchReport> {
  const results: Result[] = [];
  const notes: string[] = [];

  // Ours: real users in one room, one document.
  const dataDir = mkdtempSync(join(tmpdir(), 'commonroom-bench-docs-srv-'));
  try {
    // A loaded machine can take over 20 s to compile and boot the server: wait up to 2 minutes.
    const ours = await spawnServer('ours', resolve(REPO_ROOT, 'bench/server-entry.ts'), { ...oursEnv(dataDir), SOCKET_RATE_PER_SEC: '50' }, opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : [], 120_000);
    try {
      const cookies = await registerUsers(ours.url, opts.typists);
      const [roomId] = await createRooms(ours.url, cookies, opts.typists);
      const owner = await connect(ours.url, cookies[0]);
      const doc = await ack<{ id: number }>(owner, 'doc:create', { roomId: roomId!, title: 'Bench', kind: 'note' });
      owner.close();
      process.stderr.write(`documents: ${opts.typists} typists on our server…\n`);
      results.push(await typists('ours', ours, cookies, roomId!, doc.id, opts));
    } finally {
      await ours.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const bare = await spawnServer('bare relay', resolve(REPO_ROOT, 'bench/docs-relay.ts'), {}, [], 120_000);
  try {
    process.stderr.write(`documents: ${opts.typists} typists on the bare relay…\n`);
    results.push(await typists('bare relay', bare, Array.from({ length: opts.typists }, () => undefined), 1, 1, opts));
  } finally {
    await bare.stop();
  }
  const wsBare = await spawnServer('bare ws relay', resolve(REPO_ROOT, 'bench/docs-ws-relay.ts'), {}, [], 120_000);
  try {
    process.stderr.write(`documents: ${opts.typists} typists on the bare ws relay…\n`);
    results.push(await wsTypists(wsBare, opts));
  } finally {
    await wsBare.stop();
  }

  const rows = results.map((r) => {
    const rl = distribution(r.relay);
    const ak = distribution(r.ack);
    return [r.name, r.sent, rl.count, rl.p50, rl.p99, rl.max, ak.p50, ak.p99, r.cpuPct, r.errors];
  });
  const [o, b, w] = results.map((r) => distribution(r.relay));
  if (o && b) notes.push(`relay p99 ratio ours / bare Socket.IO relay: ${(o.p99 / b.p99).toFixed(2)}x; p50 ratio ${(o.p50 / b.p50).toFixed(2)}x`);
  if (o && w) notes.push(`relay p99 ratio ours / bare ws relay (y-websocket style): ${(o.p99 / w.p99).toFixed(2)}x; p50 ratio ${(o.p50 / w.p50).toFixed(2)}x (no acks there: its ack columns are empty)`);
  notes.push('relay = a keystroke leaving one typist until it is applied at each other typist (19 samples per keystroke with 20 typists); ack = until the server stored it and acknowledged');
  const latency: Table = {
    title: `${opts.typists} typists x ${opts.keysPerSec} keystrokes/s on one document, ${opts.durationS} s measured after ${opts.warmupS} s warm-up`,
    columns: ['server', 'keystrokes', 'deliveries', 'relay p50 ms', 'relay p99 ms', 'relay max', 'ack p50 ms', 'ack p99 ms', 'server CPU %', 'errors'],
    rows,
  };
  process.stderr.write('documents: load time and memory…\n');
  const lm = await loadAndMemory(opts);
  return { name: 'documents', tables: [latency, lm.load, lm.memory], notes: [...notes, ...lm.notes] };
}
