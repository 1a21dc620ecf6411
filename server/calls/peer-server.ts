/**
 * The PeerJS signalling server (npm `peer`) inside our HTTP server, on the same port under
 * `/peerjs` (docs/decisions/0007-calls.md):
 *
 * - HTTP: `ExpressPeerServer` mounted on an Express app of its own (PeerJS's Express 4), which
 *   only ever sees `/peerjs` requests (the rest of the app is plain Fastify).
 * - WebSocket: the peer server's `ws` server runs with `noServer`; our own `upgrade` listener takes
 *   only `/peerjs/peerjs` (Socket.IO's engine ignores that path) and hands the socket over only
 *   after checking Origin, the session cookie and the peer token, membership and call roster.
 *   PeerJS itself has no peer-id authentication.
 * - Relay: signalling messages are passed on only between participants of the same room's call.
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { WebSocketServer, type WebSocket } from 'ws';
import { PEER_KEY, PEER_PATH } from '../../protocol/calls.js';
import { SESSION_COOKIE } from '../plugins/auth.js';
import { AppError } from '../plugins/errors.js';
import { isRawRequestAllowed } from '../plugins/origin.js';
import type { CallsService } from './calls.service.js';

/** What is used of an Express application here: a request handler one can mount apps on. */
interface ExpressHost {
  (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void): void;
  use(path: string, app: unknown): unknown;
  disable(setting: string): unknown;
}

/** Where the PeerJS client opens its WebSocket: `<path>/peerjs`. */
export const PEER_WS_PATH = `${PEER_PATH}/peerjs`;
/** SDP offers are a few KB; nothing legitimate comes near this. */
const MAX_MESSAGE_BYTES = 64 * 1024;
const RELAYED = new Set(['OFFER', 'ANSWER', 'CANDIDATE']);
/** Marks a signalling connection another node passed on (scale-out): handled here, never passed again. */
const FORWARDED_HEADER = 'x-commonroom-peer-forwarded';

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden' };

function refuse(socket: Duplex, status: 400 | 401 | 403, reason: string): void {
  const body = `peer connection refused: ${reason}`;
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  socket.destroy();
}

export async function mountPeerServer(app: FastifyInstance, calls: CallsService): Promise<void> {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false });
  const live = new Map<string, WebSocket>();
  // PeerJS treats a reconnect with a different token as someone else taking the id; our tokens
  // change on every issue, so the peer server sees a stable per-id value instead (ours is checked first).
  const stableKey = createHmac('sha256', app.config.sessionSecret).update('commonroom/peer-realm-token/v1').digest();
  const realmToken = (peerId: string) => createHmac('sha256', stableKey).update(peerId).digest('base64url');

  // The peer server (npm `peer`, with its own Express 4) is created on first use: the first /peerjs
  // request or WebSocket upgrade. Mounting it at /peerjs on an Express app emits 'mount', where
  // PeerJS builds its realm and takes over `wss`, exactly as when it was mounted at start-up; it
  // just is not part of every cold start any more, and neither is any Express
  // (docs/decisions/0034-cold-start.md).
  let peerHost: Promise<ExpressHost> | null = null;
  const mountPeer = () =>
    (peerHost ??= import('peer').then(({ ExpressPeerServer }) => {
      // PeerJS's own Express (a dependency of `peer`), not whatever `express` the app would resolve.
      const require = createRequire(import.meta.url);
      const express = createRequire(require.resolve('peer'))('express') as () => ExpressHost;
      const host = express();
      host.disable('x-powered-by');
      const peerApp = ExpressPeerServer(app.server, {
        path: '/',
        key: PEER_KEY,
        allow_discovery: false,
        alive_timeout: 20_000,
        expire_timeout: 8_000,
        concurrent_limit: 5_000,
        proxied: app.config.trustProxy,
        corsOptions: { origin: false },
        createWebSocketServer: () => wss,
      });
      peerApp.disable('x-powered-by');
      peerApp.on('error', (err: Error) => app.log.warn({ err }, 'peer server error'));
      host.use(PEER_PATH, peerApp);
      return host;
    }));

  // Only /peerjs requests reach Express, in this encapsulated scope: what it does not answer goes
  // on to the NOT_FOUND routes (the hook's `done`), what it answers never reaches a handler.
  await app.register(async (scope) => {
    scope.addHook('onRequest', (request, reply, done) => {
      mountPeer().then((host) => {
        // Headers set by earlier hooks (security headers, request id) go out with Express's answer.
        for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined) reply.raw.setHeader(name, value);
        host(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
      }, done);
    });
    const notFound = async () => {
      throw new AppError('NOT_FOUND', 'No such peer server resource.');
    };
    scope.all(PEER_PATH, notFound);
    scope.all(`${PEER_PATH}/*`, notFound);
  });

  app.server.on('upgrade', async (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://peer.invalid');
    if (url.pathname !== PEER_WS_PATH && url.pathname !== `${PEER_WS_PATH}/`) return; // Socket.IO's, or nobody's
    socket.on('error', () => socket.destroy());
    // Several nodes: a call's roster and relay live on its room's owner; pass the connection on.
    if (app.cluster.enabled && (await passToOwner(app, req, socket, head, url))) return;
    if (!isRawRequestAllowed(req, app.config)) return refuse(socket, 403, 'origin not allowed');
    const session = await app.auth.resolve(app.parseCookie(req.headers.cookie ?? '')[SESSION_COOKIE]);
    const peerId = url.searchParams.get('id');
    const verdict = await calls.authorizePeer(peerId, url.searchParams.get('token'), session?.user.id ?? null);
    if (!verdict.ok) return refuse(socket, verdict.status, verdict.reason);
    url.searchParams.set('token', realmToken(peerId!));
    req.url = url.pathname + url.search;
    await mountPeer();
    wss.handleUpgrade(req, socket, head, (ws) => {
      // A second connection for the same id (a reconnect racing the old one) replaces it.
      const previous = live.get(peerId!);
      live.set(peerId!, ws);
      previous?.close(4000, 'replaced');
      ws.on('close', () => {
        if (live.get(peerId!) === ws) live.delete(peerId!);
      });
      guardRelay(ws, peerId!, calls);
      // The peer server greets only ids it did not know yet; a replaced connection must be greeted
      // too, or the PeerJS client never reports itself open again.
      let greeted = false;
      const send = ws.send.bind(ws);
      ws.send = ((data: unknown, ...rest: unknown[]) => {
        if (typeof data === 'string' && data.startsWith('{"type":"OPEN"')) greeted = true;
        return (send as (...a: unknown[]) => void)(data, ...rest);
      }) as typeof ws.send;
      wss.emit('connection', ws, req);
      ws.send = send;
      if (!greeted && ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'OPEN' }));
    });
  });

  calls.onPeerEnded = (peerId) => {
    const ws = live.get(peerId);
    if (!ws) return;
    live.delete(peerId);
    ws.close(4001, 'left the call');
  };

  app.addHook('preClose', async () => {
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
}

/**
 * Scale-out: the signalling connection of a peer whose room another node owns goes to that node
 * as it came (raw bytes both ways; the owner checks everything). Returns false to handle it here.
 */
async function passToOwner(app: FastifyInstance, req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): Promise<boolean> {
  const room = /^r(\d+)u/.exec(url.searchParams.get('id') ?? '');
  if (!room || req.headers[FORWARDED_HEADER]) return false;
  const roomId = Number(room[1]);
  const owner = await app.cluster.ownerOf(roomId).catch(() => app.cluster.nodeId);
  if (owner === app.cluster.nodeId) return false;
  const address = await app.cluster.addressOf(owner);
  if (!address) return false;
  const target = new URL(address);
  const upstream = connect(Number(target.port || 80), target.hostname);
  const lines = [`${req.method} ${req.url} HTTP/1.1`];
  for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  lines.push(`${FORWARDED_HEADER}: ${app.cluster.nodeId}`);
  upstream.on('error', () => socket.destroy());
  socket.on('close', () => upstream.destroy());
  upstream.on('connect', () => {
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) upstream.write(head);
    upstream.pipe(socket);
    socket.pipe(upstream);
  });
  return true;
}

/**
 * Drops incoming signalling the peer server must not relay: anything to a peer outside the
 * sender's call (the peer server would otherwise pass offers to any id it knows), and anything
 * from a peer that has left the call. Heartbeats pass.
 */
function guardRelay(ws: WebSocket, peerId: string, calls: CallsService): void {
  const emit = ws.emit.bind(ws) as (event: string | symbol, ...args: unknown[]) => boolean;
  (ws as unknown as { emit: typeof emit }).emit = (event, ...args) => {
    if (event !== 'message') return emit(event, ...args);
    let msg: { type?: unknown; dst?: unknown };
    try {
      msg = JSON.parse(String(args[0])) as typeof msg;
    } catch {
      return false;
    }
    if (msg === null || typeof msg !== 'object') return false;
    if (msg.type === 'HEARTBEAT') return emit(event, ...args);
    if (!calls.isPeer(peerId)) return false;
    if (RELAYED.has(msg.type as string) && calls.canSignal(peerId, msg.dst)) return emit(event, ...args);
    // LEAVE / EXPIRE from clients, unknown types, foreign destinations: dropped.
    return false;
  };
}
