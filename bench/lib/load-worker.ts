/**
 * One load-generator worker thread: connects its share of the clients (whole rooms, so a room's
 * senders and receivers share this thread's clock), enters the rooms, then runs ChatLoad at its
 * share of the rate when the parent says go. Several workers keep the generator off one core.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { closeAll, connectAll, enterAll, type BenchSocket } from './clients.js';
import { ChatLoad, type LoadRoom } from './load.js';

export interface WorkerInput {
  url: string;
  cookies: (string | undefined)[];
  roomIds: number[];
  rate: number;
  warmupSec: number;
  durationSec: number;
}

export type WorkerMessage =
  | { type: 'connected'; sockets: number }
  | { type: 'entered' }
  | { type: 'done'; result: Omit<import('./load.js').LoadResult, 'delivery' | 'ack'>; delivery: Float64Array; ack: Float64Array }
  | { type: 'error'; message: string };

const input = workerData as WorkerInput;
const port = parentPort!;
let sockets: BenchSocket[] = [];

port.on('message', (msg: { type: string }) => {
  if (msg.type === 'enter') void enter();
  else if (msg.type === 'go') void go();
  else if (msg.type === 'close') {
    closeAll(sockets);
    port.close();
  }
});

function fail(err: unknown): void {
  port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies WorkerMessage);
}

try {
  sockets = await connectAll(input.url, input.cookies);
  port.postMessage({ type: 'connected', sockets: sockets.length } satisfies WorkerMessage);
} catch (err) {
  fail(err);
}

async function enter(): Promise<void> {
  try {
    await enterAll(sockets, input.roomIds);
    port.postMessage({ type: 'entered' } satisfies WorkerMessage);
  } catch (err) {
    fail(err);
  }
}

async function go(): Promise<void> {
  try {
    const byId = new Map<number, BenchSocket[]>();
    sockets.forEach((s, i) => {
      const id = input.roomIds[i]!;
      byId.set(id, [...(byId.get(id) ?? []), s]);
    });
    const rooms: LoadRoom[] = [...byId].map(([roomId, members]) => ({ roomId, sockets: members }));
    const load = new ChatLoad(rooms, input);
    const { delivery, ack, ...result } = await load.run();
    void delivery;
    void ack;
    const samples = load.samples();
    const d = Float64Array.from(samples.delivery);
    const a = Float64Array.from(samples.ack);
    port.postMessage({ type: 'done', result, delivery: d, ack: a } satisfies WorkerMessage, [d.buffer, a.buffer]);
  } catch (err) {
    fail(err);
  }
}
