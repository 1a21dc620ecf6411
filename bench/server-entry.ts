/**
 * Our server as a bench child: loadConfig + buildApp, listen on 127.0.0.1 with an ephemeral port,
 * print the port and start-up timings as one JSON line on stdout. main.ts cannot be used because
 * it logs the configured port rather than the one chosen by the OS.
 */
import { announceReady, serveStats } from './lib/child-side.js';

// Time since this process started: node boot and the tsx loader have already happened.
const importStart = performance.now();
const [{ buildApp }, { loadConfig }] = await Promise.all([import('../server/app.js'), import('../server/config.js')]);
const buildStart = performance.now();
const app = await buildApp(loadConfig(process.env, { host: '127.0.0.1', port: 0 }));
const listenStart = performance.now();
await app.listen({ host: '127.0.0.1', port: 0 });
const listened = performance.now();

const address = app.server.address();
if (address === null || typeof address === 'string') throw new Error('unexpected server address');

const countMessages = app.db.$client.prepare<[], { n: number }>('SELECT count(*) AS n FROM messages');
serveStats(() => countMessages.get()?.n ?? 0);

process.on('SIGTERM', () => {
  // Close cleanly (sockets, then the database) so the WAL is checkpointed; the parent kills us after 10 s anyway.
  void app.close().finally(() => process.exit(0));
});

announceReady({
  port: address.port,
  sinceProcessStartMs: listened,
  importMs: buildStart - importStart,
  buildMs: listenStart - buildStart,
  listenMs: listened - listenStart,
});
