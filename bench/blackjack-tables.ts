/**
 * Blackjack over the socket path: `tables` tables (one room each) of `players` players, every
 * player a real socket.io-client of its own user against our server (bench/server-entry.ts). Each
 * table plays rounds without end: every player bets the table minimum, declines insurance, and
 * plays its hands by basic strategy (hit, stand, double, split, surrender), each command sent
 * `think` ms (± 50 %) after the fact that made it the player's move. Every command goes through
 * the whole path (validation, membership, the room's queue, the engine, the fenced transaction of
 * RoomEvents.persistMany, the facts to the room, the answer).
 *
 * Measures the sender's send->ack round trip per command, and the other players' send->receipt
 * of the command's own fact (`bj:table` 'bet', `bj:insured`, `bj:acted`). "Lost": numbered room
 * facts a player never received (gaps in the room's seq as seen by each socket), and commands
 * acknowledged whose fact did not reach every other player.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import { basicStrategy } from '../server/games/blackjack/basic-strategy.js';
import { parseCard } from '../server/games/blackjack/cards.js';
import type { BjMove, BjTableView } from '../protocol/blackjack.js';
import type { ServerChild } from './lib/child.js';
import { closeAll, connectAll, enterAll, type BenchSocket } from './lib/clients.js';
import type { StatsReply } from './lib/contract.js';
import { measuredOurs, serverLoopNote } from './lib/ours-setup.js';
import { mapLimit, sleep, waitUntil } from './lib/pool.js';
import type { BenchReport } from './lib/report.js';
import { distribution, type Cell, type Table } from './lib/stats.js';
import { makeDataDir, removeDataDir } from './lib/tempdir.js';

export interface BlackjackTablesOptions {
  tables: number;
  /** Players per table (1-7). */
  players: number;
  /** Mean think time per decision, ms. */
  thinkMs: number;
  warmupSec: number;
  durationSec: number;
  /** Write a V8 CPU profile of our server here (`--profile DIR`). */
  profileDir?: string;
}

type Ack = { ok: true; data: any } | { ok: false; error: { code: string; message: string } };
type Kind = 'bet' | 'insurance' | 'act';
const KINDS: Kind[] = ['bet', 'insurance', 'act'];

interface Fact {
  roomId: number;
  seq: number;
  table?: BjTableView;
}

interface Player {
  socket: Socket;
  userId: number;
  seat: number;
  table: TableLoad;
  /** The latest table this player saw (from its room's facts, in seq order). */
  view: BjTableView | null;
  /** A decision is scheduled (timer) or a command is in flight. */
  busy: boolean;
  timer: NodeJS.Timeout | undefined;
  inFlight: boolean;
  lastSeq: number;
}

interface TableLoad {
  roomId: number;
  players: Player[];
}

/** A command waiting for its fact at the other players of its table. */
interface Sent {
  at: number;
  measured: boolean;
  kind: Kind;
  /** Players (by user id) that still have to receive the command's fact. */
  waiting: Set<number>;
  acked: boolean;
}

const ACK_TIMEOUT_MS = 10_000;
const MAX_SAMPLES = 5_000_000;
const log = (msg: string) => process.stderr.write(`[blackjack-tables] ${msg}\n`);

function emit(socket: Socket, event: string, payload: unknown): Promise<Ack> {
  return new Promise((resolve) => {
    socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (err: Error | null, ack: Ack) => {
      resolve(err ? { ok: false, error: { code: 'timeout', message: err.message } } : ack);
    });
  });
}

async function must(socket: Socket, event: string, payload: unknown): Promise<any> {
  const a = await emit(socket, event, payload);
  if (!a.ok) throw new Error(`${event}: ${a.error.code} ${a.error.message}`);
  return a.data;
}

export async function blackjackTablesBench(opts: BlackjackTablesOptions): Promise<BenchReport> {
  if (opts.players < 1 || opts.players > 7) throw new Error('--players must be 1 to 7 (seats at a table)');
  const dataDir = makeDataDir('blackjack-tables');
  const clients = opts.tables * opts.players;
  let server: ServerChild | undefined;
  let sockets: BenchSocket[] = [];
  try {
    const ours = await measuredOurs(dataDir, clients, opts.players, opts.profileDir);
    server = ours.server;
    const { cookies, roomIds } = ours;
    log(`pid ${server.pid} on ${server.url}; ${clients} clients at ${opts.tables} tables of ${opts.players}`);
    sockets = await connectAll(server.url, cookies);
    await enterAll(sockets, roomIds);
    const load = new BlackjackLoad(sockets as unknown as Socket[], roomIds, opts);
    await load.seatAll();
    log(`seated; ${opts.warmupSec}s warm-up + ${opts.durationSec}s measured, think ${opts.thinkMs} ms`);
    let atStart: Promise<StatsReply> | undefined;
    let atEnd: Promise<StatsReply> | undefined;
    const r = await load.run({ start: () => (atStart = server!.stats()), end: () => (atEnd = server!.stats()) });
    const [s, e] = await Promise.all([atStart, atEnd]);
    const serverCpuPct = s && e ? ((e.cpuUs - s.cpuUs) / 1000 / (opts.durationSec * 1000)) * 100 : NaN;
    const rows: Cell[][] = [];
    for (const kind of KINDS) {
      const a = distribution(r.ack[kind]);
      const d = distribution(r.receipt[kind]);
      rows.push([kind, r.sent[kind], a.p50, a.p95, a.p99, a.max, d.count, d.p50, d.p99, d.max]);
    }
    const all = distribution(KINDS.flatMap((k) => r.ack[k]));
    rows.push(['all commands', KINDS.reduce((n, k) => n + r.sent[k], 0), all.p50, all.p95, all.p99, all.max, '', '', '', '']);
    const table: Table = {
      title: `Blackjack tables: ${opts.tables} tables of ${opts.players} players (${clients} clients), minimum bets, basic strategy, think ${opts.thinkMs} ms ±50 %, ${opts.durationSec} s measured after ${opts.warmupSec} s warm-up (latencies in ms)`,
      columns: ['command', 'sent', 'ack p50', 'ack p95', 'ack p99', 'ack max', 'receipts', 'receipt p50', 'receipt p99', 'receipt max'],
      rows,
    };
    const refused = Object.entries(r.refused).map(([k, v]) => `${k}=${v}`).join(', ') || 'none';
    log(`ack p50 ${all.p50.toFixed(2)} p99 ${all.p99.toFixed(2)} ms; CPU ${serverCpuPct.toFixed(0)} %`);
    return {
      name: 'blackjack-tables',
      tables: [table],
      notes: [
        `commands/s in the window: ${(r.measured / opts.durationSec).toFixed(1)}; rounds settled in the window: ${r.rounds}; refused: ${refused}; automatic (timed-out) moves: ${r.auto}`,
        `lost: ${r.gaps} numbered room facts missing at a player (seq gaps); ${r.missing} acknowledged commands whose fact did not reach every other player`,
        serverLoopNote(serverCpuPct, e, r.clientLoopP99Ms),
      ],
    };
  } finally {
    closeAll(sockets);
    await server?.stop();
    removeDataDir(dataDir);
  }
}

class BlackjackLoad {
  private readonly tables: TableLoad[] = [];
  /** Commands waiting for their fact, by `${roomId}:${key}` (see keys below). */
  private readonly sent = new Map<string, Sent>();
  readonly ack: Record<Kind, number[]> = { bet: [], insurance: [], act: [] };
  readonly receipt: Record<Kind, number[]> = { bet: [], insurance: [], act: [] };
  readonly sentCount: Record<Kind, number> = { bet: 0, insurance: 0, act: 0 };
  readonly refused: Record<string, number> = {};
  private measuring = false;
  private started = false;
  private stopped = false;
  private measured = 0;
  private rounds = 0;
  private auto = 0;
  private gaps = 0;
  /** Acknowledged, measured commands whose fact some other player never got. */
  private missingAtEnd = 0;

  constructor(sockets: Socket[], roomIds: number[], private readonly opts: BlackjackTablesOptions) {
    const byRoom = new Map<number, TableLoad>();
    sockets.forEach((socket, i) => {
      const roomId = roomIds[i]!;
      let t = byRoom.get(roomId);
      if (!t) {
        t = { roomId, players: [] };
        byRoom.set(roomId, t);
        this.tables.push(t);
      }
      const p: Player = { socket, userId: 0, seat: t.players.length, table: t, view: null, busy: false, timer: undefined, inFlight: false, lastSeq: 0 };
      t.players.push(p);
      // Every numbered fact of the room, in order: gaps are lost facts.
      socket.onAny((event: string, fact: Fact) => {
        if (typeof fact !== 'object' || fact === null || fact.roomId !== roomId || typeof fact.seq !== 'number') return;
        this.onFact(p, event, fact as Fact & Record<string, any>, performance.now());
      });
    });
  }

  /** Each player takes its seat (seat = its index at the table) and reads the room's seq. */
  async seatAll(): Promise<void> {
    const players = this.tables.flatMap((t) => t.players);
    await mapLimit(players, 50, async (p) => {
      const snap = await must(p.socket, 'bj:watch', { roomId: p.table.roomId });
      p.lastSeq = Math.max(p.lastSeq, snap.seq);
      p.view ??= snap.table;
    });
    // One at a time per table: a sit is a numbered fact, so every player's seq stays known.
    await mapLimit(this.tables, 20, async (t) => {
      for (const p of t.players) {
        const r = await must(p.socket, 'bj:sit', { roomId: t.roomId, seat: p.seat });
        p.userId = (r.table as BjTableView).seats[p.seat]!.userId;
      }
    });
  }

  private onFact(p: Player, event: string, fact: Fact & Record<string, any>, now: number): void {
    if (p.lastSeq && fact.seq > p.lastSeq + 1) this.gaps += fact.seq - p.lastSeq - 1;
    if (fact.seq <= p.lastSeq) return; // older than what this player has: dropped, as the client does
    p.lastSeq = fact.seq;
    if (fact.table) p.view = fact.table;
    const roomId = p.table.roomId;
    // The fact of someone's command reaching this player.
    let key: string | null = null;
    if (event === 'bj:table' && fact.change === 'bet') key = `${roomId}:bet:${fact.userId}`;
    else if (event === 'bj:insured') key = fact.auto ? null : `${roomId}:ins:${fact.userId}`;
    else if (event === 'bj:acted') {
      if (fact.auto) {
        if (p.seat === 0) this.auto++;
      } else key = `${roomId}:act:${fact.seat}:${fact.hand}:${fact.table?.roundId}`;
    } else if (event === 'bj:settled' && this.measuring && p.seat === 0) this.rounds++;
    if (key) {
      const s = this.sent.get(key);
      if (s && s.waiting.delete(p.userId)) {
        if (s.measured && this.receipt[s.kind].length < MAX_SAMPLES) this.receipt[s.kind].push(now - s.at);
        if (s.waiting.size === 0 && s.acked) this.sent.delete(key);
      }
    }
    this.decide(p);
  }

  /** What this player does next on the table it sees, or null (nothing to do, or not its turn). */
  private next(p: Player): { kind: Kind; event: string; payload: Record<string, unknown>; key: string } | null {
    const t = p.view;
    if (!t) return null;
    const roomId = p.table.roomId;
    const st = t.seats[p.seat];
    if (!st || st.userId !== p.userId || st.leaving) return null;
    if ((t.phase === 'idle' || t.phase === 'betting') && st.bet === 0) {
      return { kind: 'bet', event: 'bj:bet', payload: { roomId, seat: p.seat, amount: t.rules.minBet }, key: `${roomId}:bet:${p.userId}` };
    }
    if (t.phase === 'insurance' && st.insurance === null && t.hands.some((h) => h.seat === p.seat)) {
      return { kind: 'insurance', event: 'bj:insurance', payload: { roomId, seat: p.seat, take: false }, key: `${roomId}:ins:${p.userId}` };
    }
    if (t.phase === 'playing' && t.turn !== null && t.hands[t.turn]?.seat === p.seat && t.dealer?.cards[0]) {
      const h = t.hands[t.turn]!;
      const moves = new Set<BjMove>(t.moves);
      const move = basicStrategy(h.cards.map((c) => parseCard(c!)), parseCard(t.dealer.cards[0]), {
        canDouble: moves.has('double'),
        canSplit: moves.has('split'),
        canSurrender: moves.has('surrender'),
      });
      const action: BjMove = moves.has(move) ? move : 'stand';
      return { kind: 'act', event: 'bj:act', payload: { roomId, seat: p.seat, hand: t.turn, action }, key: `${roomId}:act:${p.seat}:${t.turn}:${t.roundId}` };
    }
    return null;
  }

  /** Schedules the player's next command after a think time, if it has one. */
  private decide(p: Player): void {
    if (p.busy || !this.started || this.stopped || !this.next(p)) return;
    p.busy = true;
    p.timer = setTimeout(() => void this.send(p), this.opts.thinkMs * (0.5 + Math.random()));
  }

  private async send(p: Player): Promise<void> {
    p.timer = undefined;
    // The table may have moved on while the player thought.
    const cmd = this.stopped ? null : this.next(p);
    if (!cmd) {
      p.busy = false;
      return;
    }
    const measured = this.measuring;
    const others = p.table.players.filter((o) => o !== p).map((o) => o.userId);
    const at = performance.now();
    const s: Sent = { at, measured, kind: cmd.kind, waiting: new Set(others), acked: false };
    this.sent.set(cmd.key, s);
    this.sentCount[cmd.kind]++;
    p.inFlight = true;
    const a = await emit(p.socket, cmd.event, cmd.payload);
    const t1 = performance.now();
    p.inFlight = false;
    if (!a.ok) {
      this.refused[a.error.code] = (this.refused[a.error.code] ?? 0) + 1;
      if (this.sent.get(cmd.key) === s) this.sent.delete(cmd.key);
    } else {
      s.acked = true;
      if (s.waiting.size === 0 && this.sent.get(cmd.key) === s) this.sent.delete(cmd.key);
      if (measured) {
        this.measured++;
        if (this.ack[cmd.kind].length < MAX_SAMPLES) this.ack[cmd.kind].push(t1 - at);
      }
    }
    p.busy = false;
    // Its own fact arrived while busy (the server sends the facts before the answer): it may still
    // be this player's move (a hit that did not bust), with no further fact coming to say so.
    this.decide(p);
  }

  private missing(): number {
    let n = 0;
    for (const s of this.sent.values()) if (s.acked && s.measured && s.waiting.size > 0) n++;
    return n;
  }

  async run(window: { start(): void; end(): void }): Promise<{
    ack: Record<Kind, number[]>;
    receipt: Record<Kind, number[]>;
    sent: Record<Kind, number>;
    refused: Record<string, number>;
    measured: number;
    rounds: number;
    auto: number;
    gaps: number;
    missing: number;
    clientLoopP99Ms: number;
  }> {
    this.started = true;
    for (const t of this.tables) for (const p of t.players) this.decide(p);
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
    for (const t of this.tables) {
      for (const p of t.players) {
        if (p.timer === undefined) continue;
        clearTimeout(p.timer);
        p.timer = undefined;
        p.busy = false;
      }
    }
    // Let commands in flight be answered and their facts arrive (bounded).
    await waitUntil(() => this.tables.every((t) => t.players.every((p) => !p.inFlight)) && this.missing() === 0, 10_000);
    this.missingAtEnd = this.missing();
    return {
      ack: this.ack,
      receipt: this.receipt,
      sent: this.sentCount,
      refused: this.refused,
      measured: this.measured,
      rounds: this.rounds,
      auto: this.auto,
      gaps: this.gaps,
      missing: this.missingAtEnd,
      clientLoopP99Ms: loop.percentile(99) / 1e6,
    };
  }
}
