/**
 * Chat delivery benchmark: N clients in rooms of `roomSize`, sending at a fixed total rate through
 * the full path (validation, auth, SQLite write, broadcast), then the same load against a bare
 * Socket.IO broadcast server for comparison. Also measures memory per idle socket on both.
 */
import { makeDataDir, removeDataDir } from './lib/tempdir.js';
import { spawnServer, type ServerChild } from './lib/child.js';
import { closeAll, connectAll, enterAll, type BenchSocket } from './lib/clients.js';
import { ChatLoad, type LoadResult, type LoadRoom } from './lib/load.js';
import { seedOurs } from './lib/seed.js';
import { sleep } from './lib/pool.js';
import type { BenchReport } from './lib/report.js';
import { mb, type Cell, type Table } from './lib/stats.js';
import type { StatsReply } from './lib/contract.js';
import type { Message } from '../protocol/chat.js';

export interface ChatOptions {
  clients: number;
  roomSize: number;
  rate: number;
  warmupSec: number;
  durationSec: number;
  /** Write a V8 CPU profile of our server's measured run into this directory. */
  profileDir?: string;
}

type Target = 'ours' | 'bare' | 'bare-msgpack';

interface Memory {
  before: StatsReply;
  after: StatsReply;
  sockets: number;
}

interface TargetResult {
  target: Target;
  spawnToReadyMs: number;
  setupMs: number;
  memory: Memory;
  load: LoadResult;
  serverCpuPct: number;
  /** Server event-loop delay over the measured window, ms. */
  serverLoopDelay: { p99: number; max: number };
  persisted: number | null;
}

/** Server default (CHAT_RATE_PER_10S); the bench does not raise it, so real limits apply. */
const DEFAULT_CHAT_RATE_PER_10S = 15;

const log = (msg: string) => process.stderr.write(`[chat] ${msg}\n`);

export async function chatBench(opts: ChatOptions): Promise<BenchReport> {
  const ours = await runTarget('ours', opts);
  const bare = await runTarget('bare', opts);
  return {
    name: 'chat',
    tables: [latencyTable(opts, [ours, bare]), memoryTable([ours, bare])],
    notes: notes(opts, [ours, bare]),
  };
}

async function runTarget(target: Target, opts: ChatOptions): Promise<TargetResult> {
  const dataDir = makeDataDir(target);
  let server: ServerChild | undefined;
  let sockets: BenchSocket[] = [];
  try {
    const setupStart = performance.now();
    const { cookies, roomIds } = await prepare(target, dataDir, opts);
    const setupMs = performance.now() - setupStart;

    server = await startTarget(target, dataDir, opts);
    log(`${target}: pid ${server.pid} on ${server.url}, ready in ${server.spawnToReadyMs.toFixed(0)} ms`);

    const before = await server.stats({ gc: true });
    sockets = await connectAll(server.url, cookies, target === 'bare-msgpack' ? 'msgpack' : 'json');
    await sleep(1000); // let handshake buffers and timers settle before measuring
    const after = await server.stats({ gc: true });
    log(`${target}: ${sockets.length} idle sockets, RSS ${mb(before.rss).toFixed(1)} -> ${mb(after.rss).toFixed(1)} MB`);

    await enterAll(sockets, roomIds);
    const rooms = groupRooms(sockets, roomIds);
    log(`${target}: ${rooms.length} rooms entered; ${opts.warmupSec}s warm-up + ${opts.durationSec}s at ${opts.rate} msg/s`);

    const { load, serverCpuPct, serverLoop } = await runLoad(server, rooms, opts);
    const persisted = (await server.stats()).persisted;
    log(`${target}: p50 ${load.delivery.p50.toFixed(2)} ms, p99 ${load.delivery.p99.toFixed(2)} ms, lost ${load.lost}`);
    const serverLoopDelay = { p99: serverLoop?.loopDelayP99Ms ?? NaN, max: serverLoop?.loopDelayMaxMs ?? NaN };
    return { target, spawnToReadyMs: server.spawnToReadyMs, setupMs, memory: { before, after, sockets: sockets.length }, load, serverCpuPct, serverLoopDelay, persisted };
  } finally {
    closeAll(sockets);
    await server?.stop();
    removeDataDir(dataDir);
  }
}

/**
 * Ours: registers a user per client and creates the rooms on a setup server, then stops it. The
 * measured server starts afresh on the same data (sessions live in SQLite), so argon2's hashing
 * memory and the setup garbage do not blur the idle-socket memory or the latency run.
 * Bare: anonymous clients, room ids by index.
 */
async function prepare(target: Target, dataDir: string, opts: ChatOptions): Promise<{ cookies: (string | undefined)[]; roomIds: number[] }> {
  if (target !== 'ours') {
    const roomIds = Array.from({ length: opts.clients }, (_, i) => Math.floor(i / opts.roomSize) + 1);
    return { cookies: roomIds.map(() => undefined), roomIds };
  }
  // Seeded through our services (lib/seed.ts): one argon2 hash for all, not one per HTTP sign-up.
  const t0 = performance.now();
  const seeded = await seedOurs(dataDir, opts.clients, opts.roomSize);
  log(`ours: seeded ${seeded.cookies.length} users and their rooms in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return seeded;
}

function startTarget(target: Target, dataDir: string, opts: Pick<ChatOptions, 'profileDir'>): Promise<ServerChild> {
  if (target === 'bare') return spawnServer('bare', 'bench/bare-server.ts', {});
  if (target === 'bare-msgpack') return spawnServer('bare-msgpack', 'bench/bare-server.ts', { BENCH_PARSER: 'msgpack' });
  const env = {
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    // One IP registers every bench user; the per-IP sign-up limit is for people, not this.
    AUTH_ATTEMPTS_PER_15MIN: '100000',
  };
  const nodeArgs = opts.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.profileDir}`] : [];
  return spawnServer('ours', 'bench/server-entry.ts', env, nodeArgs);
}

function groupRooms(sockets: readonly BenchSocket[], roomIds: readonly number[]): LoadRoom[] {
  const byId = new Map<number, BenchSocket[]>();
  sockets.forEach((socket, i) => {
    const id = roomIds[i]!;
    const members = byId.get(id);
    if (members) members.push(socket);
    else byId.set(id, [socket]);
  });
  return [...byId].map(([roomId, members]) => ({ roomId, sockets: members }));
}

/** Runs the load and samples the server's CPU over the measured window (no GC: it would add latency). */
async function runLoad(server: ServerChild, rooms: LoadRoom[], opts: ChatOptions): Promise<{ load: LoadResult; serverCpuPct: number; serverLoop: StatsReply | undefined }> {
  let atStart: Promise<StatsReply> | undefined;
  let atEnd: Promise<StatsReply> | undefined;
  const load = await new ChatLoad(rooms, opts).run({
    start: () => (atStart = server.stats()),
    end: () => (atEnd = server.stats()),
  });
  const [s, e] = await Promise.all([atStart, atEnd]);
  const serverCpuPct = s && e ? ((e.cpuUs - s.cpuUs) / 1000 / load.windowMs) * 100 : NaN;
  return { load, serverCpuPct, serverLoop: e };
}

function latencyTable(opts: ChatOptions, results: TargetResult[]): Table {
  const rows = results.map(({ target, load: l, serverCpuPct }): Cell[] => [
    target,
    l.msgsPerSec,
    l.deliveriesPerSec,
    l.delivery.p50,
    l.delivery.p95,
    l.delivery.p99,
    l.delivery.max,
    l.ack.p50,
    l.ack.p99,
    l.lost,
    serverCpuPct,
    l.clientCpuPct,
  ]);
  const [ours, bare] = results;
  if (ours && bare) {
    const r = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
    const [o, b] = [ours.load, bare.load];
    rows.push([`${ours.target}/${bare.target}`, '', '', r(o.delivery.p50, b.delivery.p50), r(o.delivery.p95, b.delivery.p95), r(o.delivery.p99, b.delivery.p99), r(o.delivery.max, b.delivery.max), r(o.ack.p50, b.ack.p50), r(o.ack.p99, b.ack.p99), '', '', '']);
  }
  return {
    title: `Chat delivery: ${opts.clients} clients, rooms of ${opts.roomSize}, target ${opts.rate} msg/s, ${opts.durationSec} s measured after ${opts.warmupSec} s warm-up (websocket transport; latencies in ms)`,
    columns: ['server', 'msg/s', 'deliv/s', 'p50', 'p95', 'p99', 'max', 'ack p50', 'ack p99', 'lost', 'srv CPU%', 'cli CPU%'],
    rows,
  };
}

function memoryTable(results: TargetResult[]): Table {
  return {
    title: 'Memory per idle socket (server RSS and heap after a full GC, before and after connecting the clients; ours restarted after setup)',
    columns: ['server', 'sockets', 'RSS before MB', 'RSS after MB', 'KB/socket RSS', 'KB/socket heap'],
    rows: results.map(({ target, memory: m }) => [
      target,
      m.sockets,
      mb(m.before.rss),
      mb(m.after.rss),
      (m.after.rss - m.before.rss) / 1024 / m.sockets,
      (m.after.heapUsed - m.before.heapUsed) / 1024 / m.sockets,
    ]),
  };
}

function notes(opts: ChatOptions, results: TargetResult[]): string[] {
  const out: string[] = [];
  const perUser10s = (opts.rate / opts.clients) * 10;
  if (perUser10s > DEFAULT_CHAT_RATE_PER_10S) {
    out.push(`warning: each user sends ${perUser10s.toFixed(1)} msgs/10 s, above the default per-user limit of ${DEFAULT_CHAT_RATE_PER_10S}: expect RATE_LIMITED refusals once the burst allowance is spent`);
  }
  for (const { target, load: l, persisted, setupMs, serverLoopDelay } of results) {
    const errors = Object.entries(l.ackErrors).map(([code, n]) => `${code}=${n}`).join(', ') || 'none';
    out.push(
      `${target}: sent ${l.sent} (${l.sentMeasured} measured), acked ${l.acked}, refused/timed out: ${errors}; ` +
        `deliveries ${l.delivered}/${l.expectedDeliveries} expected, lost ${l.lost}, duplicates ${l.duplicates}, unexpected ${l.unexpected}, foreign ${l.foreign}`,
    );
    if (persisted !== null) out.push(`${target}: ${persisted} messages persisted in SQLite for ${l.acked} acknowledged${persisted === l.acked ? ' (match)' : ' (MISMATCH)'}`);
    out.push(
      `${target}: event-loop delay in the window: server p99 ${serverLoopDelay.p99.toFixed(1)} ms, max ${serverLoopDelay.max.toFixed(1)} ms; ` +
        `client p99 ${l.clientLoopDelayP99Ms.toFixed(1)} ms; setup (users, rooms) ${(setupMs / 1000).toFixed(1)} s`,
    );
  }
  return out;
}

/**
 * `--only wire` (issue 18, "consider the wire"): the bare Socket.IO server with its default JSON
 * parser and with `socket.io-msgpack-parser`, same load, alternated twice (json, msgpack, json,
 * msgpack) so drift on a shared machine shows; plus the size of one chat broadcast frame in each
 * encoding, for the bench's small message and for a message shaped like ours.
 */
export async function wireBench(opts: ChatOptions): Promise<BenchReport> {
  const results: TargetResult[] = [];
  for (let round = 0; round < 2; round++) for (const t of ['bare', 'bare-msgpack'] as const) results.push(await runTarget(t, opts));
  const [j1, m1, j2, m2] = results as [TargetResult, TargetResult, TargetResult, TargetResult];
  const r = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  const sizes = await frameSizes();
  return {
    name: 'wire',
    tables: [
      {
        title: `Wire format on bare Socket.IO: ${opts.clients} clients, rooms of ${opts.roomSize}, ${opts.rate} msg/s, ${opts.durationSec} s after ${opts.warmupSec} s warm-up (latencies in ms; rounds alternated)`,
        columns: ['parser', 'round', 'p50', 'p99', 'max', 'ack p99', 'lost', 'srv CPU%', 'cli CPU%', 'KB/socket heap'],
        rows: [
          ...results.map((x, i): Cell[] => [x.target === 'bare' ? 'json' : 'msgpack', Math.floor(i / 2) + 1, x.load.delivery.p50, x.load.delivery.p99, x.load.delivery.max, x.load.ack.p99, x.load.lost, x.serverCpuPct, x.load.clientCpuPct, (x.memory.after.heapUsed - x.memory.before.heapUsed) / 1024 / x.memory.sockets]),
          ['msgpack/json', 'mean', r(m1.load.delivery.p50 + m2.load.delivery.p50, j1.load.delivery.p50 + j2.load.delivery.p50), r(m1.load.delivery.p99 + m2.load.delivery.p99, j1.load.delivery.p99 + j2.load.delivery.p99), '', '', '', r(m1.serverCpuPct + m2.serverCpuPct, j1.serverCpuPct + j2.serverCpuPct), r(m1.load.clientCpuPct + m2.load.clientCpuPct, j1.load.clientCpuPct + j2.load.clientCpuPct), ''],
        ],
      },
      {
        title: 'One chat broadcast frame (bytes on the WebSocket, per recipient)',
        columns: ['payload', 'json', 'msgpack', 'msgpack/json'],
        rows: sizes.map(({ what, json, msgpack }): Cell[] => [what, json, msgpack, r(msgpack, json)]),
      },
    ],
    notes: notes(opts, results),
  };
}

/** Encoded size of one `chat:message` event packet with each parser. */
async function frameSizes(): Promise<{ what: string; json: number; msgpack: number }[]> {
  const [{ Encoder: JsonEncoder, PacketType }, msgpack] = await Promise.all([import('socket.io-parser'), import('socket.io-msgpack-parser')]);
  const bytes = (frames: (string | Uint8Array)[]) => frames.reduce((n, f) => n + (typeof f === 'string' ? Buffer.byteLength(f) : f.byteLength), 0);
  const size = (data: unknown[]) => {
    const packet = { type: PacketType.EVENT, nsp: '/', data };
    return { json: bytes(new JsonEncoder().encode(packet) as (string | Uint8Array)[]), msgpack: bytes(new msgpack.default.Encoder().encode(packet as never) as unknown as (string | Uint8Array)[]) };
  };
  const text = 'x'.repeat(40); // the bench's message length
  const ours: Message = {
    id: 123456,
    roomId: 42,
    author: { id: 1017, username: 'student_1017', displayName: 'Student 1017', avatarColor: '#6d5dfc', statusLine: '' },
    text,
    replyTo: null,
    reactions: [],
    mentions: [],
    createdAt: 1_765_000_000_000,
    editedAt: null,
    deleted: false,
  };
  return [
    { what: 'the bench message (bare server)', ...size(['chat:message', { roomId: 42, seq: 1234, message: { id: 123456, roomId: 42, text, createdAt: 1_765_000_000_000 } }]) },
    { what: "a message shaped like ours (protocol's Message, 40 characters)", ...size(['chat:message', { roomId: 42, seq: 1234, message: ours }]) },
  ];
}
