/**
 * The one Socket.IO connection of the app. Typed with the protocol's event maps; `command()` turns
 * an acknowledged command into a promise. Socket.IO reconnects with back-off by itself after
 * network failures; after a server-side disconnect (restart, refused handshake) we retry with our
 * own back-off. Features learn about (re)connections through {@link onConnected} and re-enter their
 * room when the connection could not be recovered.
 */
import { io, type Socket } from 'socket.io-client';
import { reactive, readonly } from 'vue';
import type { Ack } from '@protocol/ack.js';
import type { ErrorBody } from '@protocol/errors.js';
import type { ClientToServerEvents, CommandName, CommandPayload, CommandResults, ServerToClientEvents } from '@protocol/events.js';
import { ApiError } from './errors';

export type AppSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ConnectionStatus = 'offline' | 'connecting' | 'connected' | 'reconnecting';

const state = reactive({ status: 'offline' as ConnectionStatus, everConnected: false });
/** Reactive connection state for banners. */
export const connection = readonly(state);

let socket: AppSocket | null = null;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let retryAttempts = 0;
const connectedListeners = new Set<(recovered: boolean) => void>();
let unauthenticatedHandler: (() => void) | null = null;

/** Called when the server refuses the connection because the session is gone. */
export function setSocketUnauthenticatedHandler(fn: () => void): void {
  unauthenticatedHandler = fn;
}

/**
 * Runs on every successful (re)connection. `recovered` is true when Socket.IO restored the previous
 * session (missed events are replayed); false means state must be fetched again.
 */
export function onConnected(fn: (recovered: boolean) => void): () => void {
  connectedListeners.add(fn);
  return () => connectedListeners.delete(fn);
}

/** Exponential back-off with jitter: 1 s, 2 s, 4 s … capped at 30 s. */
export function backoffMs(attempt: number, random = Math.random()): number {
  return Math.min(30_000, 1000 * 2 ** attempt) * (0.5 + random / 2);
}

function scheduleRetry(): void {
  clearTimeout(retryTimer);
  retryTimer = setTimeout(() => socket?.connect(), backoffMs(retryAttempts++));
}

export function getSocket(): AppSocket {
  if (socket) return socket;
  const s: AppSocket = io({
    path: '/socket.io',
    withCredentials: true,
    autoConnect: false,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 15_000,
    randomizationFactor: 0.5,
  });
  s.on('connect', () => {
    clearTimeout(retryTimer);
    retryAttempts = 0;
    state.status = 'connected';
    state.everConnected = true;
    for (const fn of connectedListeners) fn(s.recovered);
  });
  s.on('disconnect', (reason) => {
    if (reason === 'io client disconnect') {
      state.status = 'offline';
      return;
    }
    state.status = 'reconnecting';
    // The server closed us (restart, logout elsewhere): Socket.IO will not retry on its own.
    if (reason === 'io server disconnect') scheduleRetry();
  });
  s.on('connect_error', (err) => {
    const code = (err as Error & { data?: ErrorBody }).data?.code;
    if (code === 'UNAUTHENTICATED') {
      clearTimeout(retryTimer);
      state.status = 'offline';
      unauthenticatedHandler?.();
      return;
    }
    state.status = state.everConnected ? 'reconnecting' : 'connecting';
    // A refused handshake leaves the socket inactive; transport errors are retried by Socket.IO.
    if (!s.active) scheduleRetry();
  });
  socket = s;
  return s;
}

export function connectSocket(): void {
  const s = getSocket();
  if (s.connected || s.active) return;
  state.status = state.everConnected ? 'reconnecting' : 'connecting';
  s.connect();
}

export function disconnectSocket(): void {
  clearTimeout(retryTimer);
  socket?.disconnect();
  state.status = 'offline';
}

export function isConnected(): boolean {
  return socket?.connected ?? false;
}

type RawEmitter = { emit(ev: string, payload: unknown, cb: (err: Error | null, ack: Ack<unknown>) => void): void };

/**
 * Sends a command and resolves with its ack data, or rejects with an {@link ApiError} carrying the
 * server's error code (or TIMEOUT). Commands sent while offline are buffered until the timeout.
 */
export function command<E extends CommandName>(name: E, payload: CommandPayload<E>, timeoutMs = 10_000): Promise<CommandResults[E]> {
  const s = getSocket();
  return new Promise((resolve, reject) => {
    (s.timeout(timeoutMs) as unknown as RawEmitter).emit(name, payload, (err, ack) => {
      if (err) return reject(new ApiError('TIMEOUT', `${name} timed out`));
      if (ack.ok) resolve(ack.data as CommandResults[E]);
      else reject(ApiError.fromBody(ack.error));
    });
  });
}
