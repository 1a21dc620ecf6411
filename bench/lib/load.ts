/**
 * The chat load driver, shared by our server and the bare one. Open loop: messages go out on a
 * fixed schedule whether or not earlier ones were acknowledged, so a slow server shows up as
 * latency instead of silently lowering the offered load (no coordinated omission).
 *
 * Every message text carries its id and send time (performance.now() of this process; senders and
 * receivers share the process, so the clock is the same). Each receiving socket records the
 * delivery latency; the sender records the ack latency.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { BenchAck, ChatMessageFact } from './contract.js';
import type { BenchSocket } from './clients.js';
import { waitUntil } from './pool.js';
import { distribution, type Distribution } from './stats.js';

export interface LoadOptions {
  /** Messages per second across all rooms. */
  rate: number;
  warmupSec: number;
  durationSec: number;
}

export interface LoadRoom {
  roomId: number;
  sockets: BenchSocket[];
}

export interface LoadResult {
  /** All messages sent (warm-up included). */
  sent: number;
  /** Sent in the measured window. */
  sentMeasured: number;
  msgsPerSec: number;
  deliveriesPerSec: number;
  delivery: Distribution;
  ack: Distribution;
  acked: number;
  /** Refused acks by error code, plus 'timeout' for acks that never came. */
  ackErrors: Record<string, number>;
  /** Deliveries owed for acknowledged messages (one per room member, sender included). */
  expectedDeliveries: number;
  delivered: number;
  lost: number;
  /** Deliveries beyond one per member of an acknowledged message (should be 0). */
  duplicates: number;
  /** Deliveries of messages the server refused or never acknowledged (should be 0). */
  unexpected: number;
  /** chat:message texts the driver did not send (should be 0). */
  foreign: number;
  /** Load generator health: if it is saturated, the latency figures are its fault, not the server's. */
  clientCpuPct: number;
  clientLoopDelayP99Ms: number;
  /** Length of the measured window, for turning CPU time into a percentage. */
  windowMs: number;
}

interface Sent {
  sentAt: number;
  measured: boolean;
  /** Members who should receive it (sender included); 0 once the server refused it or the ack timed out. */
  expected: number;
  delivered: number;
  acked: boolean;
}

const TICK_MS = 5;
/** Upper bound per tick so a stalled timer cannot turn into an unbounded burst. */
const MAX_SENDS_PER_TICK = 1000;
const ACK_TIMEOUT_MS = 10_000;
const DRAIN_TIMEOUT_MS = 15_000;
/** Memory guard: stop recording samples past this (never reached at sane sizes). */
const MAX_SAMPLES = 20_000_000;

export class ChatLoad {
  private readonly sent = new Map<number, Sent>();
  private readonly deliveryMs: number[] = [];
  private readonly ackMs: number[] = [];
  private readonly ackErrors: Record<string, number> = {};
  private readonly roomSizes: Map<number, number>;
  private pendingAcks = 0;
  private acked = 0;
  private foreign = 0;
  private nextId = 1;

  constructor(
    private readonly rooms: readonly LoadRoom[],
    private readonly opts: LoadOptions,
  ) {
    this.roomSizes = new Map(rooms.map((r) => [r.roomId, r.sockets.length]));
    for (const room of rooms) {
      for (const socket of room.sockets) socket.on('chat:message', (fact) => this.onDelivery(fact, performance.now()));
    }
  }

  async run(onWindow?: { start(): void; end(): void }): Promise<LoadResult> {
    const senders = interleavedSenders(this.rooms);
    if (senders.length === 0) throw new Error('no clients to send from');
    const { rate, warmupSec, durationSec } = this.opts;
    const start = performance.now();
    const measureFrom = start + warmupSec * 1000;
    const end = measureFrom + durationSec * 1000;
    const loop = monitorEventLoopDelay({ resolution: 10 });
    let cpuAtWindow: NodeJS.CpuUsage | null = null;
    let cpuUsed: NodeJS.CpuUsage | null = null;
    let sentMeasured = 0;
    let total = 0;

    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        const now = performance.now();
        const measured = now >= measureFrom;
        if (measured && cpuAtWindow === null) {
          cpuAtWindow = process.cpuUsage();
          loop.enable();
          onWindow?.start();
        }
        if (now >= end) {
          clearInterval(timer);
          cpuUsed = process.cpuUsage(cpuAtWindow ?? undefined);
          loop.disable();
          onWindow?.end();
          resolve();
          return;
        }
        // Catch up to the schedule: the count due by now, not one per tick, so timer jitter does not lower the rate.
        const due = Math.floor(((now - start) * rate) / 1000);
        for (let budget = Math.min(due - total, MAX_SENDS_PER_TICK); budget > 0; budget--) {
          const { socket, roomId } = senders[total % senders.length]!;
          this.send(socket, roomId, measured);
          total++;
          if (measured) sentMeasured++;
        }
      }, TICK_MS);
    });

    // Let in-flight acks and broadcasts arrive; bounded, so a lossy server still ends the run.
    await waitUntil(() => this.pendingAcks === 0 && this.outstandingDeliveries() === 0, DRAIN_TIMEOUT_MS);
    const cpu = cpuUsed as NodeJS.CpuUsage | null;
    return this.result(total, sentMeasured, durationSec, cpu, loop.percentile(99) / 1e6);
  }

  /** Raw samples (ms), for merging the runs of several load workers. */
  samples(): { delivery: number[]; ack: number[] } {
    return { delivery: this.deliveryMs, ack: this.ackMs };
  }

  private send(socket: BenchSocket, roomId: number, measured: boolean): void {
    const id = this.nextId++;
    const sentAt = performance.now();
    const record: Sent = { sentAt, measured, expected: this.roomSize(roomId), delivered: 0, acked: false };
    this.sent.set(id, record);
    this.pendingAcks++;
    socket.timeout(ACK_TIMEOUT_MS).emit('chat:send', { roomId, text: `bench ${id} ${sentAt.toFixed(3)}` }, (err: Error | null, ack: BenchAck) => {
      const now = performance.now();
      this.pendingAcks--;
      if (err) return this.refused(record, 'timeout');
      if (!ack.ok) return this.refused(record, ack.error.code);
      this.acked++;
      record.acked = true;
      if (measured && this.ackMs.length < MAX_SAMPLES) this.ackMs.push(now - sentAt);
    });
  }

  private onDelivery(fact: ChatMessageFact, now: number): void {
    // Text is "bench <id> <sentAt>"; anything else was not sent by this run.
    const [tag, idText, sentAtText] = fact.message.text.split(' ');
    const record = tag === 'bench' ? this.sent.get(Number(idText)) : undefined;
    if (!record) {
      this.foreign++;
      return;
    }
    record.delivered++;
    if (record.measured && this.deliveryMs.length < MAX_SAMPLES) this.deliveryMs.push(now - Number(sentAtText));
  }

  private roomSize(roomId: number): number {
    return this.roomSizes.get(roomId) ?? 0;
  }

  private outstandingDeliveries(): number {
    let owed = 0;
    for (const r of this.sent.values()) if (r.acked && r.expected > r.delivered) owed += r.expected - r.delivered;
    return owed;
  }

  private refused(record: Sent, code: string): void {
    record.expected = 0;
    this.ackErrors[code] = (this.ackErrors[code] ?? 0) + 1;
  }

  private result(total: number, sentMeasured: number, durationSec: number, cpu: NodeJS.CpuUsage | null, loopP99Ms: number): LoadResult {
    let expectedDeliveries = 0;
    let delivered = 0;
    let duplicates = 0;
    let unexpected = 0;
    let measuredDeliveries = 0;
    for (const r of this.sent.values()) {
      if (r.measured) measuredDeliveries += r.delivered;
      if (!r.acked) {
        unexpected += r.delivered;
        continue;
      }
      expectedDeliveries += r.expected;
      delivered += Math.min(r.delivered, r.expected);
      duplicates += Math.max(0, r.delivered - r.expected);
    }
    const windowMs = durationSec * 1000;
    return {
      sent: total,
      sentMeasured,
      msgsPerSec: sentMeasured / durationSec,
      deliveriesPerSec: measuredDeliveries / durationSec,
      delivery: distribution(this.deliveryMs),
      ack: distribution(this.ackMs),
      acked: this.acked,
      ackErrors: { ...this.ackErrors },
      expectedDeliveries,
      delivered,
      lost: Math.max(0, expectedDeliveries - delivered),
      duplicates,
      unexpected,
      foreign: this.foreign,
      clientCpuPct: cpu ? ((cpu.user + cpu.system) / 1000 / windowMs) * 100 : NaN,
      clientLoopDelayP99Ms: loopP99Ms,
      windowMs,
    };
  }
}

/** Senders in the order room0[0], room1[0], ..., room0[1], room1[1], ...: consecutive sends hit different rooms and users. */
function interleavedSenders(rooms: readonly LoadRoom[]): { socket: BenchSocket; roomId: number }[] {
  const out: { socket: BenchSocket; roomId: number }[] = [];
  const depth = Math.max(0, ...rooms.map((r) => r.sockets.length));
  for (let i = 0; i < depth; i++) {
    for (const room of rooms) {
      const socket = room.sockets[i];
      if (socket) out.push({ socket, roomId: room.roomId });
    }
  }
  return out;
}
