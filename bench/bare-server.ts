/**
 * The baseline: a bare Socket.IO server doing the least a chat broadcast can do. Clients join a
 * room and send; the server broadcasts to the room (sender included, like ours) and acks. No auth,
 * no validation, no persistence, default Socket.IO options. It speaks the bench's contract slice
 * (lib/contract.ts) so the same load driver runs against both servers. `BENCH_PARSER=msgpack`: the
 * MessagePack parser instead of JSON (`bench --only wire`).
 */
import { announceReady, serveStats } from './lib/child-side.js';
import type { BenchClientEvents, BenchServerEvents } from './lib/contract.js';

const importStart = performance.now();
const msgpack = process.env.BENCH_PARSER === 'msgpack';
const [{ createServer }, { Server }, parser] = await Promise.all([import('node:http'), import('socket.io'), msgpack ? import('socket.io-msgpack-parser') : null]);
const buildStart = performance.now();
const http = createServer();
const io = new Server<BenchClientEvents, BenchServerEvents>(http, { serveClient: false, ...(parser ? { parser: parser.default } : {}) });

// Per-room sequence numbers and message ids, so the broadcast carries what ours carries.
const seqs = new Map<number, number>();
let lastMessageId = 0;

io.on('connection', (socket) => {
  socket.on('room:enter', ({ roomId }, ack) => {
    void socket.join(`room:${roomId}`);
    ack({ ok: true, data: null });
  });
  socket.on('chat:send', ({ roomId, text }, ack) => {
    const seq = (seqs.get(roomId) ?? 0) + 1;
    seqs.set(roomId, seq);
    const message = { id: ++lastMessageId, roomId, text, createdAt: Date.now() };
    io.to(`room:${roomId}`).emit('chat:message', { roomId, seq, message });
    ack({ ok: true, data: message });
  });
});

const listenStart = performance.now();
await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
const listened = performance.now();
const address = http.address();
if (address === null || typeof address === 'string') throw new Error('unexpected server address');

serveStats();
process.on('SIGTERM', () => process.exit(0));

announceReady({
  port: address.port,
  sinceProcessStartMs: listened,
  importMs: buildStart - importStart,
  buildMs: listenStart - buildStart,
  listenMs: listened - listenStart,
});
