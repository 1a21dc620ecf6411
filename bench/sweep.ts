/**
 * Chat sweep (issue 18): 1,000 / 5,000 / 10,000 sockets in rooms of 10, each size against our
 * server and then bare Socket.IO in the same run, printing ours/bare ratios (delivery p50/p99/max,
 * server CPU, heap per idle socket). The clients live in worker threads of the bench process
 * (whole rooms per worker), so the load generator is not one saturated event loop; its own CPU and
 * event-loop delay are printed next to the server's so a saturated generator shows.
 * Users are seeded straight into the database (lib/seed.ts): argon2 per HTTP registration would
 * take longer than the run.
 */
import { Worker } from 'node:worker_threads';
import { spawnServer, type ServerChild } from './lib/child.js';
import type { StatsReply } from './lib/contract.js';
import type { WorkerInput, WorkerMessage } from './lib/load-worker.js';
import { sleep } from './lib/pool.js';
import type { BenchReport } from './lib/report.js';
import { seedOurs } from './lib/seed.js';
import { distribution, mb, type Cell, type Distribution, type Table } from './lib/stats.js';
import { makeDataDir, removeDataDir } from './lib/tempdir.js';
import { oursEnv } from './lib/ours-setup.js';

export interface SweepOptions {
  sizes: number[];
  /** msg/s for each size (same length as sizes). */
  rates: number[];
  roomSize: number;
  warmupSec: number;
  durationSec: number;
  workers: number;
}

interface Run {
  target: 'ours' | 'bare';
  clients: number;
  rate: number;
  msgsPerSec: number;
  delivery: Distribution;
  ack: Distribution;
  lost: number;
  acked: number;
  refused: Record<string, number>;
  serverCpuPct: number;
  serverLoopP99: number;
  heapKbPerSocket: number;
  rssKbPerSocket: number;
  clientCpuPct: number;
  clientLoopP99: number;
  persisted: number | null;
}

/** Workers do not inherit the tsx loader: register it, then load the TypeScript entry. */
const WORKER_BOOT = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(({ register }) => { register(); return import(${JSON.stringify(new URL('./lib/load-worker.ts', import.meta.url).href)}); })`;

const log = (msg: string) => process.stderr.write(`[sweep] ${msg}\n`);

export async function sweepBench(opts: SweepOptions): Promise<BenchReport> {
  const runs: Run[] = [];
  for (const [i, clients] of opts.sizes.entries()) {
    const rate = opts.rates[i] ?? opts.rates[opts.rates.length - 1]!;
    for (const target of ['ours', 'bare'] as const) runs.push(await runOne(target, clients, rate, opts));
  }
  return { name: 'sweep', tables: [table(runs, opts)], notes: notes(runs) };
}

async function runOne(target: 'ours' | 'bare', clients: number, rate: number, opts: SweepOptions): Promise<Run> {
  const dataDir = makeDataDir(`sweep-${target}`);
  let server: ServerChild | undefined;
  const workers: Worker[] = [];
  try {
    let cookies: (string | undefined)[];
    let roomIds: number[];
    if (target === 'ours') {
      const t0 = performance.now();
      ({ cookies, roomIds } = await seedOurs(dataDir, clients, opts.roomSize));
      log(`ours: seeded ${clients} users in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      server = await spawnServer('ours', 'bench/server-entry.ts', oursEnv(dataDir));
    } else {
      roomIds = Array.from({ length: clients }, (_, i) => Math.floor(i / opts.roomSize) + 1);
      cookies = roomIds.map(() => undefined);
      server = await spawnServer('bare', 'bench/bare-server.ts', {});
    }
    const before = await server.stats({ gc: true });
    // Whole rooms per worker.
    const rooms = Math.ceil(clients / opts.roomSize);
    const nWorkers = Math.max(1, Math.min(opts.workers, rooms));
    const inbox: WorkerMessage[][] = [];
    const waiters: (() => void)[] = [];
    for (let w = 0; w < nWorkers; w++) {
      const fromRoom = Math.floor((rooms * w) / nWorkers);
      const toRoom = Math.floor((rooms * (w + 1)) / nWorkers);
      const from = fromRoom * opts.roomSize;
      const to = Math.min(clients, toRoom * opts.roomSize);
      const input: WorkerInput = { url: server.url, cookies: cookies.slice(from, to), roomIds: roomIds.slice(from, to), rate: (rate * (to - from)) / clients, warmupSec: opts.warmupSec, durationSec: opts.durationSec };
      const worker = new Worker(WORKER_BOOT, { eval: true, workerData: input });
      inbox.push([]);
      worker.on('message', (m: WorkerMessage) => {
        inbox[w]!.push(m);
        for (const fn of waiters.splice(0)) fn();
      });
      worker.on('error', (err) => {
        inbox[w]!.push({ type: 'error', message: err.message });
        for (const fn of waiters.splice(0)) fn();
      });
      workers.push(worker);
    }
    const all = async (type: WorkerMessage['type']): Promise<WorkerMessage[]> => {
      for (;;) {
        const err = inbox.flat().find((m) => m.type === 'error');
        if (err && err.type === 'error') throw new Error(`load worker: ${err.message}`);
        const got = inbox.map((box) => box.find((m) => m.type === type));
        if (got.every(Boolean)) return got as WorkerMessage[];
        await new Promise<void>((r) => waiters.push(r));
      }
    };
    await all('connected');
    await sleep(1000);
    const after = await server.stats({ gc: true });
    log(`${target} ${clients}: connected through ${nWorkers} workers; heap ${mb(before.heapUsed).toFixed(1)} -> ${mb(after.heapUsed).toFixed(1)} MB`);
    for (const w of workers) w.postMessage({ type: 'enter' });
    await all('entered');
    const t0 = performance.now();
    for (const w of workers) w.postMessage({ type: 'go' });
    await sleep(opts.warmupSec * 1000 - (performance.now() - t0));
    const s0 = await server.stats();
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    await sleep(opts.durationSec * 1000 - (performance.now() - w0));
    const s1 = await server.stats();
    const cpu = process.cpuUsage(c0);
    const windowMs = performance.now() - w0;
    const done = (await all('done')) as Extract<WorkerMessage, { type: 'done' }>[];
    const persisted = (await server.stats()).persisted;
    const delivery: number[] = [];
    const ack: number[] = [];
    for (const d of done) {
      for (const x of d.delivery) delivery.push(x);
      for (const x of d.ack) ack.push(x);
    }
    const sum = (f: (r: (typeof done)[number]['result']) => number) => done.reduce((acc, d) => acc + f(d.result), 0);
    const refused: Record<string, number> = {};
    for (const d of done) for (const [k, v] of Object.entries(d.result.ackErrors)) refused[k] = (refused[k] ?? 0) + v;
    const run: Run = {
      target,
      clients,
      rate,
      msgsPerSec: sum((r) => r.msgsPerSec),
      delivery: distribution(delivery),
      ack: distribution(ack),
      lost: sum((r) => r.lost),
      acked: sum((r) => r.acked),
      refused,
      serverCpuPct: ((s1.cpuUs - s0.cpuUs) / 1000 / windowMs) * 100,
      serverLoopP99: s1.loopDelayP99Ms,
      heapKbPerSocket: (after.heapUsed - before.heapUsed) / 1024 / clients,
      rssKbPerSocket: (after.rss - before.rss) / 1024 / clients,
      clientCpuPct: ((cpu.user + cpu.system) / 1000 / windowMs) * 100,
      clientLoopP99: Math.max(...done.map((d) => d.result.clientLoopDelayP99Ms)),
      persisted,
    };
    log(`${target} ${clients}: p50 ${run.delivery.p50.toFixed(2)} p99 ${run.delivery.p99.toFixed(2)} max ${run.delivery.max.toFixed(1)} ms, lost ${run.lost}, srv CPU ${run.serverCpuPct.toFixed(1)}%`);
    return run;
  } finally {
    for (const w of workers) {
      w.postMessage({ type: 'close' });
      void w.terminate();
    }
    await server?.stop();
    removeDataDir(dataDir);
  }
}

function table(runs: Run[], opts: SweepOptions): Table {
  const rows: Cell[][] = [];
  const r = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
  for (let i = 0; i + 1 < runs.length; i += 2) {
    const [o, b] = [runs[i]!, runs[i + 1]!];
    for (const x of [o, b]) {
      rows.push([String(x.clients), x.target, x.msgsPerSec, x.delivery.p50, x.delivery.p99, x.delivery.max, x.lost, x.serverCpuPct, x.serverLoopP99, x.heapKbPerSocket, x.rssKbPerSocket, x.clientCpuPct, x.clientLoopP99]);
    }
    rows.push([String(o.clients), 'ours/bare', '', r(o.delivery.p50, b.delivery.p50), r(o.delivery.p99, b.delivery.p99), r(o.delivery.max, b.delivery.max), '', r(o.serverCpuPct, b.serverCpuPct), '', r(o.heapKbPerSocket, b.heapKbPerSocket), '', '', '']);
  }
  return {
    title: `Chat sweep: rooms of ${opts.roomSize}, ${opts.warmupSec} s warm-up + ${opts.durationSec} s measured, ${opts.workers} load worker threads (latencies ms; CPU % of one core; heap/RSS per idle socket KB)`,
    columns: ['sockets', 'server', 'msg/s', 'p50', 'p99', 'max', 'lost', 'srv CPU%', 'srv loop p99', 'heap KB/sock', 'RSS KB/sock', 'gen CPU%', 'gen loop p99'],
    rows,
  };
}

function notes(runs: Run[]): string[] {
  return runs.map((x) => {
    const refused = Object.entries(x.refused).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
    const persisted = x.persisted === null ? '' : `, persisted ${x.persisted} for ${x.acked} acked${x.persisted === x.acked ? ' (match)' : ' (MISMATCH)'}`;
    return `${x.target} ${x.clients} at ${x.rate} msg/s: ack p50 ${x.ack.p50.toFixed(2)} p99 ${x.ack.p99.toFixed(2)} ms, refused ${refused}, lost ${x.lost}${persisted}`;
  });
}
