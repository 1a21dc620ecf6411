/**
 * Chess move latency: `games` concurrent timed games (two clients each, one room per pair) playing
 * random legal moves through the full path (validation, membership, chess.js, clock arithmetic,
 * one SQLite write, broadcast to the game channel and the room). Each player "thinks" for
 * `thinkMs` (± 50 %) after the opponent's move arrives, then moves; a game that ends is replaced
 * by a new one in the same room. Measures the mover's send->ack round trip and the opponent's
 * send->receipt latency (senders and receivers share this process and its clock).
 */
import { Chess } from 'chess.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import type { ServerChild } from './lib/child.js';
import { closeAll, connectAll, enterAll, type BenchSocket } from './lib/clients.js';
import type { StatsReply } from './lib/contract.js';
import { measuredOurs, serverLoopNote } from './lib/ours-setup.js';
import { sleep, waitUntil } from './lib/pool.js';
import type { BenchReport } from './lib/report.js';
import { distribution, type Table } from './lib/stats.js';
import { makeDataDir, removeDataDir } from './lib/tempdir.js';

export interface ChessOptions {
  games: number;
  /** Mean think time per move, ms. */
  thinkMs: number;
  warmupSec: number;
  durationSec: number;
  /** Write a V8 CPU profile of our server here (`--profile DIR`). */
  profileDir?: string;
}

type Ack = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };
type AnySocket = Socket;

interface Moved {
  gameId: number;
  move: { ply: number; uci: string };
  fen: string;
}

interface Pair {
  roomId: number;
  white: AnySocket;
  black: AnySocket;
  gameId: number | null;
  fen: string;
  ply: number;
  timer: NodeJS.Timeout | undefined;
}

const ACK_TIMEOUT_MS = 10_000;
const TIME_CONTROL = { minutes: 5, increment: 3 };
/** Memory guard for samples (never reached at sane sizes). */
const MAX_SAMPLES = 5_000_000;

const log = (msg: string) => process.stderr.write(`[chess] ${msg}\n`);

function emit(socket: AnySocket, event: string, payload: unknown): Promise<Ack> {
  return new Promise((resolve) => {
    socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err: Error | null, ack: Ack) => {
      resolve(err ? { ok: false, error: { code: 'timeout', message: err.message } } : ack);
    });
  });
}

export async function chessBench(opts: ChessOptions): Promise<BenchReport> {
  const dataDir = makeDataDir('chess');
  const clients = opts.games * 2;
  let server: ServerChild | undefined;
  let sockets: BenchSocket[] = [];
  try {
    const ours = await measuredOurs(dataDir, clients, 2, opts.profileDir);
    server = ours.server;
    const { cookies, roomIds } = ours;
    log(`pid ${server.pid} on ${server.url}; ${clients} clients, ${opts.games} games`);
    sockets = await connectAll(server.url, cookies);
    await enterAll(sockets, roomIds);

    const run = new ChessLoad(sockets as unknown as AnySocket[], roomIds, opts);
    await run.startAll();
    log(`${opts.games} games started; ${opts.warmupSec}s warm-up + ${opts.durationSec}s measured, think ${opts.thinkMs} ms`);
    let atStart: Promise<StatsReply> | undefined;
    let atEnd: Promise<StatsReply> | undefined;
    const result = await run.run({ start: () => (atStart = server!.stats()), end: () => (atEnd = server!.stats()) });
    const [s, e] = await Promise.all([atStart, atEnd]);
    const serverCpuPct = s && e ? ((e.cpuUs - s.cpuUs) / 1000 / (opts.durationSec * 1000)) * 100 : NaN;
    const ack = distribution(result.ackMs);
    const recv = distribution(result.receiptMs);
    log(`ack p50 ${ack.p50.toFixed(2)} p99 ${ack.p99.toFixed(2)} ms; opponent p50 ${recv.p50.toFixed(2)} p99 ${recv.p99.toFixed(2)} ms`);
    const table: Table = {
      title: `Chess moves: ${opts.games} concurrent games (${clients} clients), random legal moves, think ${opts.thinkMs} ms ±50 %, ${TIME_CONTROL.minutes}+${TIME_CONTROL.increment} clocks, ${opts.durationSec} s measured after ${opts.warmupSec} s warm-up (latencies in ms)`,
      columns: ['measure', 'count', 'p50', 'p95', 'p99', 'max'],
      rows: [
        ['mover ack (send->ack)', ack.count, ack.p50, ack.p95, ack.p99, ack.max],
        ['opponent receipt (send->chess:moved)', recv.count, recv.p50, recv.p95, recv.p99, recv.max],
      ],
    };
    const errors = Object.entries(result.errors).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
    return {
      name: 'chess',
      tables: [table],
      notes: [
        `moves/s in the window: ${(result.movesMeasured / opts.durationSec).toFixed(1)}; games finished and replaced: ${result.gamesEnded}; refused moves: ${errors}; opponent receipts missing: ${result.missing}`,
        serverLoopNote(serverCpuPct, e, result.clientLoopP99Ms),
      ],
    };
  } finally {
    closeAll(sockets);
    await server?.stop();
    removeDataDir(dataDir);
  }
}

class ChessLoad {
  private readonly pairs: Pair[] = [];
  private readonly byGame = new Map<number, Pair>();
  /** send instant by `${gameId}:${ply}` for the opponent's receipt latency. */
  private readonly sentAt = new Map<string, { at: number; measured: boolean }>();
  readonly ackMs: number[] = [];
  readonly receiptMs: number[] = [];
  readonly errors: Record<string, number> = {};
  private measuring = false;
  private stopped = false;
  movesMeasured = 0;
  gamesEnded = 0;

  constructor(sockets: AnySocket[], roomIds: number[], private readonly opts: ChessOptions) {
    for (let i = 0; i + 1 < sockets.length; i += 2) {
      const pair: Pair = { roomId: roomIds[i]!, white: sockets[i]!, black: sockets[i + 1]!, gameId: null, fen: '', ply: 0, timer: undefined };
      this.pairs.push(pair);
      // Each player learns the opponent's move from the game channel (the room channel too: same socket gets it once).
      for (const [socket, color] of [[pair.white, 'w'], [pair.black, 'b']] as const) {
        socket.on('chess:moved', (fact: Moved) => this.onMoved(pair, color, fact, performance.now()));
        socket.on('chess:ended', (fact: { gameId: number }) => this.onEnded(pair, fact.gameId));
      }
    }
  }

  /** White opens a seat (as white) in its room, black takes it. */
  private async startGame(pair: Pair): Promise<void> {
    const seat = await emit(pair.white, 'chess:challenge', { roomId: pair.roomId, color: 'white', timeControl: TIME_CONTROL });
    if (!seat.ok) throw new Error(`chess:challenge: ${seat.error.code} ${seat.error.message}`);
    const game = await emit(pair.black, 'chess:accept', { gameId: seat.data.id });
    if (!game.ok) throw new Error(`chess:accept: ${game.error.code} ${game.error.message}`);
    pair.gameId = game.data.id;
    pair.fen = game.data.fen;
    pair.ply = 0;
    this.byGame.set(pair.gameId!, pair);
  }

  async startAll(): Promise<void> {
    for (let i = 0; i < this.pairs.length; i += 20) await Promise.all(this.pairs.slice(i, i + 20).map((p) => this.startGame(p)));
  }

  private think(): number {
    return this.opts.thinkMs * (0.5 + Math.random());
  }

  private schedule(pair: Pair): void {
    clearTimeout(pair.timer);
    if (this.stopped) return;
    pair.timer = setTimeout(() => void this.move(pair), this.think());
  }

  private async move(pair: Pair): Promise<void> {
    const gameId = pair.gameId;
    if (gameId === null || this.stopped) return;
    const chess = new Chess(pair.fen);
    const legal = chess.moves({ verbose: true });
    const pick = legal[Math.floor(Math.random() * legal.length)];
    if (!pick) return;
    const socket = chess.turn() === 'w' ? pair.white : pair.black;
    const ply = pair.ply;
    const measured = this.measuring;
    const t0 = performance.now();
    this.sentAt.set(`${gameId}:${ply + 1}`, { at: t0, measured });
    const ack = await emit(socket, 'chess:move', { gameId, uci: pick.lan, ply, lag: 5 });
    const t1 = performance.now();
    if (!ack.ok) {
      this.errors[ack.error.code] = (this.errors[ack.error.code] ?? 0) + 1;
      return;
    }
    if (measured) {
      this.movesMeasured++;
      if (this.ackMs.length < MAX_SAMPLES) this.ackMs.push(t1 - t0);
    }
  }

  private onMoved(pair: Pair, me: 'w' | 'b', fact: Moved, now: number): void {
    if (fact.gameId !== pair.gameId) return;
    const moverColor = fact.move.ply % 2 === 1 ? 'w' : 'b';
    if (me === moverColor) return; // the mover's own copy (it is in the game channel too)
    const key = `${fact.gameId}:${fact.move.ply}`;
    const sent = this.sentAt.get(key);
    if (sent) {
      this.sentAt.delete(key);
      if (sent.measured && this.receiptMs.length < MAX_SAMPLES) this.receiptMs.push(now - sent.at);
    }
    pair.fen = fact.fen;
    pair.ply = fact.move.ply;
    // The server ends games (chess:ended); a move scheduled past the end is refused and counted.
    this.schedule(pair);
  }

  private onEnded(pair: Pair, gameId: number): void {
    if (gameId !== pair.gameId || this.stopped) return;
    this.gamesEnded++;
    pair.gameId = null;
    clearTimeout(pair.timer);
    // One listener per player fires: only start one replacement (white's copy).
    void this.startGame(pair).then(
      () => this.schedule(pair),
      (err: Error) => log(`restart failed: ${err.message}`),
    );
  }

  get missing(): number {
    let n = 0;
    for (const s of this.sentAt.values()) if (s.measured) n++;
    return n;
  }

  async run(window: { start(): void; end(): void }): Promise<{ ackMs: number[]; receiptMs: number[]; errors: Record<string, number>; movesMeasured: number; gamesEnded: number; missing: number; clientLoopP99Ms: number }> {
    for (const pair of this.pairs) this.schedule(pair);
    await sleep(this.opts.warmupSec * 1000);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    this.measuring = true;
    window.start();
    await sleep(this.opts.durationSec * 1000);
    window.end();
    this.measuring = false;
    this.stopped = true;
    loop.disable();
    for (const p of this.pairs) clearTimeout(p.timer);
    // Let in-flight moves arrive (bounded).
    await waitUntil(() => this.missing === 0, 5_000);
    return { ackMs: this.ackMs, receiptMs: this.receiptMs, errors: this.errors, movesMeasured: this.movesMeasured, gamesEnded: this.gamesEnded, missing: this.missing, clientLoopP99Ms: loop.percentile(99) / 1e6 };
  }
}
