/**
 * The documents baseline: a bare y-websocket-style relay on Socket.IO. `doc:open` joins the
 * document's channel and returns nothing; `doc:update` is relayed to the others and acked. No
 * auth, no validation, no Yjs on the server, no persistence: the least a relay can do.
 */
import { announceReady, serveStats } from './lib/child-side.js';

const importStart = performance.now();
const [{ createServer }, { Server }] = await Promise.all([import('node:http'), import('socket.io')]);
const buildStart = performance.now();
const http = createServer();
const io = new Server(http, { serveClient: false });

io.on('connection', (socket) => {
  socket.on('doc:open', ({ docId }: { docId: number }, ack: (a: unknown) => void) => {
    void socket.join(`doc:${docId}`);
    ack({ ok: true, data: { update: new Uint8Array(0), stateVector: new Uint8Array(0), awareness: null, canEdit: true } });
  });
  socket.on('doc:update', ({ roomId, docId, update }: { roomId: number; docId: number; update: Uint8Array }, ack: (a: unknown) => void) => {
    socket.to(`doc:${docId}`).emit('doc:updated', { roomId, docId, update });
    ack({ ok: true, data: { stored: true } });
  });
});

const listenStart = performance.now();
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const listened = performance.now();
const address = http.address();
if (address === null || typeof address === 'string') throw new Error('unexpected server address');
serveStats();
process.on('SIGTERM', () => process.exit(0));
announceReady({ port: address.port, sinceProcessStartMs: listened, importMs: buildStart - importStart, buildMs: listenStart - buildStart, listenMs: listened - listenStart });
