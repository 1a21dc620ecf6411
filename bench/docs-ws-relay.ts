/**
 * A second documents baseline: a y-websocket-style relay on a raw WebSocket (`ws`), no Socket.IO.
 * Clients connect to `/<doc>`; every binary message (y-protocols sync framing: messageSync,
 * messageYjsUpdate, update) is forwarded as is to the document's other connections. No auth, no
 * acks, no Yjs on the server, no persistence — what y-websocket's relay does minus its Y.Doc.
 */
import { announceReady, serveStats } from './lib/child-side.js';

const importStart = performance.now();
const [{ createServer }, { WebSocketServer }] = await Promise.all([import('node:http'), import('ws')]);
const buildStart = performance.now();
const http = createServer();
const wss = new WebSocketServer({ server: http });
const docs = new Map<string, Set<import('ws').WebSocket>>();

wss.on('connection', (ws, req) => {
  const name = req.url ?? '/';
  const peers = docs.get(name) ?? new Set();
  docs.set(name, peers);
  peers.add(ws);
  ws.on('message', (data, isBinary) => {
    for (const p of peers) if (p !== ws && p.readyState === p.OPEN) p.send(data, { binary: isBinary });
  });
  ws.on('close', () => peers.delete(ws));
});

const listenStart = performance.now();
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const listened = performance.now();
const address = http.address();
if (address === null || typeof address === 'string') throw new Error('unexpected server address');
serveStats();
process.on('SIGTERM', () => process.exit(0));
announceReady({ port: address.port, sinceProcessStartMs: listened, importMs: buildStart - importStart, buildMs: listenStart - buildStart, listenMs: listened - listenStart });
