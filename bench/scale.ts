/**
 * Scale-out bench (issue 15, ADR 0020 / 0032): chat fan-out through nginx, rooms of `roomSize`,
 * every message persisted, on three topologies in one run:
 *   1. 1 node on SQLite (no Redis: the single-process default),
 *   2. 1 node on PostgreSQL (no Redis),
 *   3. 3 nodes + Redis (Socket.IO streams adapter) + PostgreSQL,
 * then, on the third topology, the failover time after kill -9 of the node owning a room.
 * Sockets are spread by nginx's session hash, so most rooms of the 3-node run span nodes.
 * Every server binds 127.0.0.1 on free ports in a temporary directory (deploy/topology.ts;
 * PostgreSQL runs as the `postgres` user when the bench runs as root, db/pg-server.ts).
 * CPU is read from /proc for the bench's descendant processes during each measured window
 * (% of one core), with the machine's load average: the bench machine is shared.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { Redis } from 'ioredis';
import { io } from 'socket.io-client';
import { havePostgres } from '../db/pg-server.js';
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

/** CPU ticks (utime + stime, 1/100 s) of one process, from /proc/<pid>/stat. */
interface ProcTicks {
  comm: string;
  ppid: number;
  ticks: number;
}
function procTable(): Map<number, ProcTicks> {
  const out = new Map<number, ProcTicks>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' '); // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15
      out.set(Number(name), { comm, ppid: Number(f[1]), ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}
type Role = 'nodes' | 'postgres' | 'redis' | 'nginx';
const TICKS_PER_SEC = 100;
/** CPU ticks of this bench's descendants, by role: the Commonroom nodes, PostgreSQL, Redis, nginx. */
function cpuByRole(nodePids: Set<number>): Record<Role, number> {
  const table = procTable();
  const children = new Map<number, number[]>();
  for (const [pid, p] of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), pid]);
  const sums: Record<Role, number> = { nodes: 0, postgres: 0, redis: 0, nginx: 0 };
  const walk = (pid: number, inNode: boolean) => {
    for (const c of children.get(pid) ?? []) {
      const p = table.get(c)!;
      const node = inNode || nodePids.has(c);
      if (node) sums.nodes += p.ticks;
      else if (p.comm.startsWith('postgres')) sums.postgres += p.ticks;
      else if (p.comm.startsWith('redis')) sums.redis += p.ticks;
      else if (p.comm.startsWith('nginx')) sums.nginx += p.ticks;
      walk(c, node);
    }
  };
  walk(process.pid, false);
  return sums;
}

interface Run {
  label: string;
  sockets: number;
  kbPerSocket: number;
  loads: { rate: number; load: LoadResult; cpuPct: Record<Role, number>; loadAvg: number }[];
}

interface Config {
  label: string;
  nodes: number;
  redis: boolean;
  postgres: boolean;
}
const CONFIGS: Config[] = [
  { label: '1 node, SQLite', nodes: 1, redis: false, postgres: false },
  { label: '1 node, PostgreSQL', nodes: 1, redis: false, postgres: true },
  { label: '3 nodes + Redis + PostgreSQL', nodes: 3, redis: true, postgres: true },
];

const NODE_ENV = { AUTH_ATTEMPTS_PER_15MIN: '1000000', LOG_LEVEL: 'silent', SOCKET_RATE_PER_SEC: '1000', SOCKET_RATE_BURST: '1000' };

/** The chat runs on one topology; `then` runs on it afterwards (the failover, on the 3-node one). */
async function chatRun<T>(c: Config, opts: ScaleOptions, then?: (t: Topology, cookie: string) => Promise<T>): Promise<{ run: Run; after: T | null }> {
  const { label } = c;
  log(`${label}: starting (load average ${loadavg()[0]!.toFixed(1)})`);
  const t = await startTopology({ nodes: c.nodes, redis: c.redis, postgres: c.postgres, built: true, env: NODE_ENV, logLevel: 'silent' });
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
    const nodePids = new Set(t.nodes.map((n) => n.proc?.pid ?? -1));
    for (const rate of opts.rates) {
      log(`${label}: ${rate} msg/s, ${opts.warmupSec}s warm-up + ${opts.durationSec}s`);
      let cpu0 = cpuByRole(nodePids);
      let t0 = performance.now();
      let cpuPct: Record<Role, number> = { nodes: NaN, postgres: NaN, redis: NaN, nginx: NaN };
      const load = await new ChatLoad(rooms, { rate, warmupSec: opts.warmupSec, durationSec: opts.durationSec }).run({
        start: () => {
          cpu0 = cpuByRole(nodePids);
          t0 = performance.now();
        },
        end: () => {
          const cpu1 = cpuByRole(nodePids);
          const sec = (performance.now() - t0) / 1000;
          cpuPct = Object.fromEntries((Object.keys(cpu1) as Role[]).map((k) => [k, ((cpu1[k] - cpu0[k]) / TICKS_PER_SEC / sec) * 100])) as Record<Role, number>;
        },
      });
      const la = loadavg()[0]!;
      log(
        `${label}: ${rate} msg/s -> ${load.msgsPerSec.toFixed(0)} msg/s, p50 ${load.delivery.p50.toFixed(1)} / p99 ${load.delivery.p99.toFixed(1)} ms, lost ${load.lost}, refused/unanswered acks ${JSON.stringify(load.ackErrors)}; ` +
          `CPU nodes ${cpuPct.nodes.toFixed(0)}%, PostgreSQL ${cpuPct.postgres.toFixed(0)}%, Redis ${cpuPct.redis.toFixed(0)}%, nginx ${cpuPct.nginx.toFixed(0)}%; load ${la.toFixed(1)}`,
      );
      loads.push({ rate, load, cpuPct, loadAvg: la });
    }
    const run: Run = { label, sockets: sockets.length, kbPerSocket: (after - before) / 1024 / sockets.length, loads };
    closeAll(sockets);
    sockets = [];
    return { run, after: then ? await then(t, cookies[0]!) : null };
  } finally {
    closeAll(sockets);
    await t.stop();
  }
}

/** kill -9 of the node owning a room with a running pomodoro: how long until another node runs it. */
async function failoverRuns(t: Topology, cookie: string, opts: ScaleOptions): Promise<{ commandMs: number[]; leaseMs: number[] }> {
  const redis = new Redis(t.redisUrl);
  const commandMs: number[] = [];
  const leaseMs: number[] = [];
  try {
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
      const ack = (await sock.timeout(30_000).emitWithAck('timer:act', { roomId, action: 'pause' })) as { ok: boolean; error?: { code: string } };
      const cmd = performance.now() - killedAt;
      const lease = await leaseWatch;
      if (ack.ok) commandMs.push(cmd);
      else log(`failover ${run}: the pause was refused (${ack.error?.code})`);
      leaseMs.push(lease);
      log(`failover ${run}: killed ${owner}; lease taken after ${lease.toFixed(0)} ms, a pause sent at the kill acknowledged after ${cmd.toFixed(0)} ms`);
      sock.close();
      await t.restart(owner);
    }
  } finally {
    redis.disconnect();
  }
  return { commandMs, leaseMs };
}

export async function scaleBench(opts: ScaleOptions): Promise<BenchReport> {
  const tools = haveTools();
  if (!tools.ok) return { name: 'scale', tables: [], notes: [`skipped: ${tools.missing.join(', ')} not installed`] };
  const notes: string[] = [];
  const configs = havePostgres() ? CONFIGS : CONFIGS.filter((c) => !c.postgres);
  if (configs.length < CONFIGS.length) notes.push('PostgreSQL is not installed: its topologies were skipped (apt-get install postgresql)');
  const loadAtStart = loadavg();
  const runs: Run[] = [];
  let failover: { commandMs: number[]; leaseMs: number[] } | null = null;
  for (const c of configs) {
    const cluster = c.nodes > 1 && opts.failoverRuns > 0;
    const r = await chatRun(c, opts, cluster ? (t, cookie) => failoverRuns(t, cookie, opts) : undefined);
    runs.push(r.run);
    if (r.after) failover = r.after;
  }
  const loadAtEnd = loadavg();

  const pct = (x: number) => (Number.isFinite(x) ? Math.round(x) : '-');
  const rows: Cell[][] = [];
  for (const r of runs)
    for (const { rate, load: l, cpuPct, loadAvg } of r.loads)
      rows.push([r.label, rate, l.msgsPerSec, l.deliveriesPerSec, l.delivery.p50, l.delivery.p99, l.ack.p99, l.lost, l.duplicates, pct(cpuPct.nodes), pct(cpuPct.postgres), pct(cpuPct.redis), pct(cpuPct.nginx), loadAvg]);
  const chat: Table = {
    title: `Chat fan-out through nginx: ${opts.clients} sockets, rooms of ${opts.roomSize}, every message persisted, ${opts.warmupSec} s warm-up + ${opts.durationSec} s measured; latencies in ms, CPU in % of one core over the measured window, load = 1-min load average after the window`,
    columns: ['topology', 'offered/s', 'msg/s', 'deliv/s', 'p50', 'p99', 'ack p99', 'lost', 'dup', 'CPU nodes', 'CPU pg', 'CPU redis', 'CPU nginx', 'load'],
    rows,
  };
  const ok = (r: Run) => r.loads.filter((x) => x.load.delivery.p99 < 50 && x.load.lost === 0);
  const top = (r: Run) => r.loads.reduce((a, b) => (b.load.msgsPerSec > a.load.msgsPerSec ? b : a));
  const summary: Table = {
    title: 'Per topology: throughput reached (highest measured msg/s with delivery p99 < 50 ms and no loss; and highest measured at any latency), memory per socket (sum of the nodes’ RSS before/after connecting, no forced GC: noisy)',
    columns: ['topology', 'sockets', 'msg/s @ p99<50', 'msg/s max', 'p99 at max', 'KB/socket'],
    rows: runs.map((r) => {
      const best = ok(r);
      return [r.label, r.sockets, best.length ? Math.max(...best.map((x) => x.load.msgsPerSec)) : 'none', top(r).load.msgsPerSec, top(r).load.delivery.p99, r.kbPerSocket];
    }),
  };
  const tables = [chat, summary];
  if (failover) {
    const stat = (xs: number[]) => (xs.length ? [Math.min(...xs), [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!, Math.max(...xs)] : [NaN, NaN, NaN]);
    tables.push({
      title: `Failover after kill -9 of a room's owner on the 3 nodes + Redis + PostgreSQL topology (lease TTL 3000 ms), ${failover.leaseMs.length} runs; ms`,
      columns: ['measure', 'min', 'median', 'max'],
      rows: [
        ['lease taken by a surviving node', ...stat(failover.leaseMs)],
        ['a pomodoro command sent at the kill, acknowledged', ...stat(failover.commandMs)],
      ],
    });
  }
  const la = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
  notes.push(`machine load average (1 / 5 / 15 min): ${la(loadAtStart)} at the start, ${la(loadAtEnd)} at the end (shared machine: the figures include its contention)`);
  return { name: 'scale', tables, notes };
}
