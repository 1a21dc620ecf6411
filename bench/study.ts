/**
 * Study-tools fan-out: `clients` members in rooms of `roomSize`, each room's members in the room
 * and its study panel. At a fixed total rate (open loop), a random member of a random room either
 * adds a to-do or drives the room pomodoro (start, pause, resume, ...; one timer command in flight
 * per room so none is refused as out of turn). Every member receives the fact; the latency from
 * the send to each receipt is recorded (senders and receivers share this process and its clock).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import type { ServerChild } from './lib/child.js';
import { closeAll, connectAll, enterAll, type BenchSocket } from './lib/clients.js';
import { measuredOurs } from './lib/ours-setup.js';
import { sleep, waitUntil } from './lib/pool.js';
import type { BenchReport } from './lib/report.js';
import { distribution, type Cell, type Table } from './lib/stats.js';
import { makeDataDir, removeDataDir } from './lib/tempdir.js';

export interface StudyOptions {
  clients: number;
  roomSize: number;
  /** Study commands per second across the instance. */
  rate: number;
  warmupSec: number;
  durationSec: number;
  /** Write a V8 CPU profile of our server here (`--profile DIR`). */
  profileDir?: string;
}

type Ack = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };
type Kind = 'todo' | 'timer';

interface Room {
  roomId: number;
  sockets: Socket[];
  /** Next pomodoro action for this room and whether one is in flight. */
  timerStep: number;
  timerBusy: boolean;
  /** Send instant of the timer command in flight (facts carry no client data to key on). */
  timerSentAt: number;
  timerMeasured: boolean;
}

const TIMER_CYCLE = ['start', 'pause', 'resume', 'pause', 'resume', 'reset'] as const;
const ACK_TIMEOUT_MS = 10_000;
const log = (msg: string) => process.stderr.write(`[study] ${msg}\n`);

function emit(socket: Socket, event: string, payload: unknown): Promise<Ack> {
  return new Promise((resolve) => {
    socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err: Error | null, ack: Ack) => {
      resolve(err ? { ok: false, error: { code: 'timeout', message: err.message } } : ack);
    });
  });
}

export async function studyBench(opts: StudyOptions): Promise<BenchReport> {
  const dataDir = makeDataDir('study');
  let server: ServerChild | undefined;
  let sockets: BenchSocket[] = [];
  try {
    const ours = await measuredOurs(dataDir, opts.clients, opts.roomSize, opts.profileDir);
    server = ours.server;
    const { cookies, roomIds } = ours;
    sockets = await connectAll(server.url, cookies);
    await enterAll(sockets, roomIds);
    const rooms = groupRooms(sockets as unknown as Socket[], roomIds);
    await Promise.all(rooms.flatMap((r) => r.sockets.map((s) => emit(s, 'study:enter', { roomId: r.roomId }))));
    log(`${sockets.length} clients in ${rooms.length} rooms; ${opts.warmupSec}s warm-up + ${opts.durationSec}s at ${opts.rate} cmd/s`);
    const result = await runLoad(server, rooms, opts);
    return report(opts, result);
  } finally {
    closeAll(sockets);
    await server?.stop();
    removeDataDir(dataDir);
  }
}

function groupRooms(sockets: Socket[], roomIds: number[]): Room[] {
  const byId = new Map<number, Socket[]>();
  sockets.forEach((s, i) => {
    const list = byId.get(roomIds[i]!) ?? [];
    list.push(s);
    byId.set(roomIds[i]!, list);
  });
  return [...byId].map(([roomId, members]) => ({ roomId, sockets: members, timerStep: 0, timerBusy: false, timerSentAt: 0, timerMeasured: false }));
}

interface LoadResult {
  delivery: Record<Kind, number[]>;
  ack: Record<Kind, number[]>;
  sent: Record<Kind, number>;
  refused: Record<string, number>;
  expected: number;
  delivered: number;
  windowMs: number;
  serverCpuPct: number;
  clientLoopP99: number;
}

async function runLoad(server: ServerChild, rooms: Room[], opts: StudyOptions): Promise<LoadResult> {
  const delivery: Record<Kind, number[]> = { todo: [], timer: [] };
  const ack: Record<Kind, number[]> = { todo: [], timer: [] };
  const sent: Record<Kind, number> = { todo: 0, timer: 0 };
  const refused: Record<string, number> = {};
  const todoSent = new Map<string, { at: number; measured: boolean }>();
  let expected = 0;
  let delivered = 0;
  let measuring = false;

  for (const room of rooms) {
    for (const s of room.sockets) {
      s.on('todo:added', (f: { todo: { text: string } }) => {
        const sentInfo = todoSent.get(f.todo.text);
        if (!sentInfo) return;
        delivered++;
        if (sentInfo.measured) delivery.todo.push(performance.now() - sentInfo.at);
      });
      s.on('timer:changed', (f: { ended: string | null; timer: { changedBy: number | null } }) => {
        if (f.timer.changedBy === null) return; // a phase ran out by itself: not ours
        delivered++;
        if (room.timerMeasured) delivery.timer.push(performance.now() - room.timerSentAt);
      });
    }
  }

  const totalMs = (opts.warmupSec + opts.durationSec) * 1000;
  const intervalMs = 1000 / opts.rate;
  const started = performance.now();
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let statsAtStart: ReturnType<ServerChild['stats']> | undefined;
  let seq = 0;
  const inflight: Promise<void>[] = [];

  for (let i = 0; ; i++) {
    const due = started + i * intervalMs;
    if (due - started >= totalMs) break;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const inWindow = performance.now() - started >= opts.warmupSec * 1000;
    if (inWindow && !measuring) {
      measuring = true;
      statsAtStart = server.stats();
      loop.enable();
    }
    const room = rooms[Math.floor(Math.random() * rooms.length)]!;
    const sender = room.sockets[Math.floor(Math.random() * room.sockets.length)]!;
    const kind: Kind = i % 2 === 0 || room.timerBusy ? 'todo' : 'timer';
    sent[kind]++;
    if (kind === 'todo') {
      const text = `bench ${seq++}`;
      const at = performance.now();
      todoSent.set(text, { at, measured: measuring });
      inflight.push(
        emit(sender, 'todo:add', { roomId: room.roomId, text }).then((a) => {
          if (!a.ok) return void (refused[a.error.code] = (refused[a.error.code] ?? 0) + 1);
          expected += room.sockets.length;
          if (measuring) ack.todo.push(performance.now() - at);
        }),
      );
    } else {
      const action = TIMER_CYCLE[room.timerStep++ % TIMER_CYCLE.length]!;
      room.timerBusy = true;
      room.timerSentAt = performance.now();
      room.timerMeasured = measuring;
      const at = room.timerSentAt;
      inflight.push(
        emit(sender, 'timer:act', { roomId: room.roomId, action }).then((a) => {
          room.timerBusy = false;
          if (!a.ok) return void (refused[a.error.code] = (refused[a.error.code] ?? 0) + 1);
          expected += room.sockets.length;
          if (measuring) ack.timer.push(performance.now() - at);
        }),
      );
    }
  }
  const windowMs = performance.now() - started - opts.warmupSec * 1000;
  const statsAtEnd = server.stats();
  loop.disable();
  await Promise.all(inflight);
  await waitUntil(() => delivered >= expected, 5000);
  const [s, e] = await Promise.all([statsAtStart, statsAtEnd]);
  return {
    delivery,
    ack,
    sent,
    refused,
    expected,
    delivered,
    windowMs,
    serverCpuPct: s && e ? ((e.cpuUs - s.cpuUs) / 1000 / windowMs) * 100 : NaN,
    clientLoopP99: loop.percentile(99) / 1e6,
  };
}

function report(opts: StudyOptions, r: LoadResult): BenchReport {
  const rows: Cell[][] = (['todo', 'timer'] as const).map((kind) => {
    const d = distribution(r.delivery[kind]);
    const a = distribution(r.ack[kind]);
    return [kind, r.sent[kind], d.count, d.p50, d.p95, d.p99, d.max, a.p50, a.p99];
  });
  const table: Table = {
    title: `Study fan-out: ${opts.clients} clients in rooms of ${opts.roomSize}, ${opts.rate} commands/s (half to-dos, half pomodoro), ${opts.durationSec} s measured after ${opts.warmupSec} s warm-up (latencies in ms)`,
    columns: ['event', 'sent', 'deliveries', 'p50', 'p95', 'p99', 'max', 'ack p50', 'ack p99'],
    rows,
  };
  const refusedText = Object.entries(r.refused).map(([k, n]) => `${k}=${n}`).join(', ') || 'none';
  return {
    name: 'study',
    tables: [table],
    notes: [
      `deliveries ${r.delivered}/${r.expected} expected (lost ${Math.max(0, r.expected - r.delivered)}); refused: ${refusedText}`,
      `server CPU ${r.serverCpuPct.toFixed(0)} % of one core in the window; load generator event-loop p99 ${r.clientLoopP99.toFixed(1)} ms`,
    ],
  };
}
