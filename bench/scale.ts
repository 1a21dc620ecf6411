/**
 * Scale-out bench (issue 15 phase 1): chat fan-out through nginx to 1 node (no Redis, the
 * single-process default) and to 3 nodes + Redis (Socket.IO streams adapter) sharing one SQLite
 * file; then the failover time after kill -9 of the node owning a room. Rooms of `roomSize`, every
 * message persisted. Sockets are spread by nginx's session hash, so most rooms span nodes.
 */
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { io } from 'socket.io-client';
import { haveTools, startTopology, type Topology } from '../deploy/topology.js';
import { closeAll, connectAll, enterAll, type BenchSocket } from './lib/clients.js';
import { ChatLoad, type LoadResult, type LoadRoom } from './lib/load.js';
import { createRooms, registerUsers } from './lib/ours-setup.js';
import { sleep } from './lib/pool.js';
import type { BenchReport } from './lib/report.js';
import type { Cell, Table } from './lib/stats.js';
import { postJson } from './lib/http.js';

export interface ScaleOptions {
  clients: number;
  roomSize: number;
  /** Offered chat rates to try (msg/s across all rooms). */
  rates: number[];
  warmupSec: number;
  durationSec: number;
  failoverRuns: number;
}

const log = (msg: string) => process.stderr.write(`[scale] ${msg}\n`);

const rssOf = (pid: number | undefined): number => {
  if (!pid) return 0;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
};
const totalRss = (t: Topology) => t.nodes.reduce((sum, n) => sum + rssOf(n.proc?.pid), 0);

interface Run {
  label: string;
  sockets: number;
  kbPerSocket: number;
  loads: { rate: number; load: LoadResult }[];
}

const NODE_ENV = { AUTH_ATTEMPTS_PER_15MIN: '1000000', LOG_LEVEL: 'silent', SOCKET_RATE_PER_SEC: '1000', SOCKET_RATE_BURST: '1000' };

async function chatRun(label: string, nodes: number, redis: boolean, opts: ScaleOptions): Promise<Run> {
  const t = await startTopology({ nodes, redis, built: true, env: NODE_ENV, logLevel: 'silent' });
  let sockets: BenchSocket[] = [];
  try {
    // Users and rooms on the first node directly (the first account may only be made there).
    const cookies = await registerUsers(t.nodes[0]!.url, opts.clients);
    const roomIds = await createRooms(t.nodes[0]!.url, cookies, opts.roomSize);
    const before = totalRss(t);
    sockets = await connectAll(t.url, cookies);
    await sleep(1000);
    const after = totalRss(t);
    await enterAll(sockets, roomIds);
    const byId = new Map<number, BenchSocket[]>();
    sockets.forEach((s, i) => byId.set(roomIds[i]!, [...(byId.get(roomIds[i]!) ?? []), s]));
    const rooms: LoadRoom[] = [...byId].map(([roomId, members]) => ({ roomId, sockets: members }));
    const loads: Run['loads'] = [];
    for (const rate of opts.rates) {
      log(`${label}: ${rate} msg/s, ${opts.warmupSec}s warm-up + ${opts.durationSec}s`);
      const load = await new ChatLoad(rooms, { rate, warmupSec: opts.warmupSec, durationSec: opts.durationSec }).run({ start: () => {}, end: () => {} });
      log(`${label}: ${rate} msg/s -> p99 ${load.delivery.p99.toFixed(1)} ms, lost ${load.lost}`);
      loads.push({ rate, load });
    }
    return { label, sockets: sockets.length, kbPerSocket: (after - before) / 1024 / sockets.length, loads };
  } finally {
    closeAll(sockets);
    await t.stop();
  }
}

/** kill -9 of the node owning a room with a running pomodoro: how long until another node runs it. */
async function failoverRuns(opts: ScaleOptions): Promise<{ commandMs: number[]; leaseMs: number[] }> {
  const t = await startTopology({ nodes: 3, built: true, env: NODE_ENV, logLevel: 'silent' });
  const redis = new Redis(t.redisUrl);
  const commandMs: number[] = [];
  const leaseMs: number[] = [];
  try {
    const [cookie] = await registerUsers(t.nodes[0]!.url, 1);
    const connect = async (url: string) => {
      const sock = io(url, { transports: ['websocket'], extraHeaders: { cookie: cookie! }, reconnection: false });
      await new Promise<void>((r) => sock.once('connect', () => r()));
      return sock;
    };
    const ownerOf = async (roomId: number) => (await redis.get(`cr:lease:room:${roomId}`))?.split('|')[0] ?? '';
    for (let run = 0; run < opts.failoverRuns; run++) {
      const room = await postJson(t.nodes[0]!.url, '/api/rooms', { name: `Failover ${run}` }, cookie);
      const roomId = (room.body as { room: { id: number } }).room.id;
      // The pomodoro starts on the first node, which takes the room's lease.
      const first = await connect(t.nodes[0]!.url);
      await first.timeout(10_000).emitWithAck('timer:act', { roomId, action: 'start' });
      first.close();
      const owner = await ownerOf(roomId);
      const survivor = t.nodes.find((n) => n.id !== owner)!;
      const sock = await connect(survivor.url);
      const killedAt = performance.now();
      t.kill(owner);
      const leaseWatch = (async () => {
        for (;;) {
          const now = await ownerOf(roomId);
          if (now && now !== owner) return performance.now() - killedAt;
          await sleep(20);
        }
      })();
      const ack = (await sock.timeout(30_000).emitWithAck('timer:act', { roomId, action: 'pause' })) as { ok: boolean };
      const cmd = performance.now() - killedAt;
      const lease = await leaseWatch;
      if (ack.ok) commandMs.push(cmd);
      leaseMs.push(lease);
      log(`failover ${run}: killed ${owner}; lease taken after ${lease.toFixed(0)} ms, a pause sent at the kill acknowledged after ${cmd.toFixed(0)} ms`);
      sock.close();
      await t.restart(owner);
    }
  } finally {
    redis.disconnect();
    await t.stop();
  }
  return { commandMs, leaseMs };
}

export async function scaleBench(opts: ScaleOptions): Promise<BenchReport> {
  const tools = haveTools();
  if (!tools.ok) return { name: 'scale', tables: [], notes: [`skipped: ${tools.missing.join(', ')} not installed`] };
  const runs = [await chatRun('1 node (no Redis)', 1, false, opts), await chatRun('3 nodes + Redis', 3, true, opts)];
  const failover = await failoverRuns(opts);
  const rows: Cell[][] = [];
  for (const r of runs) for (const { rate, load: l } of r.loads) rows.push([r.label, rate, l.msgsPerSec, l.deliveriesPerSec, l.delivery.p50, l.delivery.p99, l.delivery.max, l.ack.p99, l.lost, l.duplicates]);
  const chat: Table = {
    title: `Chat fan-out through nginx: ${opts.clients} sockets, rooms of ${opts.roomSize}, every message persisted (SQLite shared by the nodes), ${opts.durationSec} s measured; ms`,
    columns: ['topology', 'offered/s', 'msg/s', 'deliv/s', 'p50', 'p99', 'max', 'ack p99', 'lost', 'dup'],
    rows,
  };
  const mem: Table = { title: 'Memory per socket: sum of the nodes’ RSS before/after connecting, without a forced GC (noisy across processes; the chat bench measures one process with GC)', columns: ['topology', 'sockets', 'KB/socket'], rows: runs.map((r) => [r.label, r.sockets, r.kbPerSocket]) };
  const stat = (xs: number[]) => (xs.length ? [Math.min(...xs), xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!, Math.max(...xs)] : [NaN, NaN, NaN]);
  const fo: Table = {
    title: `Failover after kill -9 of a room's owner (lease TTL 3000 ms), ${opts.failoverRuns} runs; ms`,
    columns: ['measure', 'min', 'median', 'max'],
    rows: [
      ['lease taken by a surviving node', ...stat(failover.leaseMs)],
      ['a command sent meanwhile acknowledged', ...stat(failover.commandMs)],
    ],
  };
  const best = (r: Run) => Math.max(0, ...r.loads.filter((x) => x.load.delivery.p99 < 50 && x.load.lost === 0).map((x) => x.load.msgsPerSec));
  return {
    name: 'scale',
    tables: [chat, mem, fo],
    notes: runs.map((r) => `${r.label}: highest measured rate with delivery p99 < 50 ms and no loss: ${best(r).toFixed(0)} msg/s`),
  };
}
