/**
 * Socket.IO clients for the load. Node clients, WebSocket transport only: the load measures the
 * steady-state message path, not the HTTP long-polling upgrade dance browsers start with.
 */
import { io, type Socket } from 'socket.io-client';
import msgpackParser from 'socket.io-msgpack-parser';
import type { BenchClientEvents, BenchServerEvents } from './contract.js';
import { mapLimit } from './pool.js';

export type BenchSocket = Socket<BenchServerEvents, BenchClientEvents>;

const CONNECT_TIMEOUT_MS = 10_000;
const ACK_TIMEOUT_MS = 10_000;
/** Connections and room entries in flight at once: keeps the handshake burst from being the thing measured. */
const CONNECT_CONCURRENCY = 50;

/** The wire format: Socket.IO's default (JSON text frames) or MessagePack (`socket.io-msgpack-parser`; only the bare server speaks it, `bench --only wire`). */
export type WireParser = 'json' | 'msgpack';

export function connectClient(url: string, cookie?: string, parser: WireParser = 'json'): Promise<BenchSocket> {
  return new Promise((resolve, reject) => {
    const socket: BenchSocket = io(url, {
      transports: ['websocket'],
      ...(parser === 'msgpack' ? { parser: msgpackParser } : {}),
      forceNew: true, // one engine connection per client, not one shared Manager
      reconnection: false, // a drop must show up as loss, not be papered over
      timeout: CONNECT_TIMEOUT_MS,
      ...(cookie ? { extraHeaders: { cookie } } : {}),
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => {
      socket.close();
      reject(err);
    });
  });
}

/** Connects one client per cookie (or `count` anonymous clients for the bare server). */
export function connectAll(url: string, cookies: readonly (string | undefined)[], parser: WireParser = 'json'): Promise<BenchSocket[]> {
  return mapLimit(cookies, CONNECT_CONCURRENCY, (cookie) => connectClient(url, cookie, parser));
}

export async function enterRoom(socket: BenchSocket, roomId: number): Promise<void> {
  const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('room:enter', { roomId });
  if (!ack.ok) throw new Error(`room:enter ${roomId}: ${ack.error.code} ${ack.error.message}`);
}

export function enterAll(sockets: readonly BenchSocket[], roomIds: readonly number[]): Promise<void[]> {
  return mapLimit(sockets, CONNECT_CONCURRENCY, (socket, i) => enterRoom(socket, roomIds[i]!));
}

export function closeAll(sockets: readonly BenchSocket[]): void {
  for (const s of sockets) s.close();
}
