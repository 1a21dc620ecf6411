/**
 * Child process of server/cold-start.test.ts: records every package the ESM loader resolves, boots
 * the real server (buildApp + listen on 127.0.0.1, port 0) with the environment it was given, and
 * prints as one JSON line once it listens: the bare specifiers imported (`imported`) and the
 * packages of every CommonJS module loaded so far, required by packages included (`required`).
 */
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';

const seen = new Set<string>();
const SENTINEL = 'commonroom-boot-imports-sentinel';
let sentinelSeen: () => void = () => {};
const drained = new Promise<void>((resolve) => (sentinelSeen = resolve));
const { port1, port2 } = new MessageChannel();
port1.on('message', (specifier: string) => {
  if (specifier === SENTINEL) sentinelSeen();
  else seen.add(specifier);
});
register('./record-imports.mjs', import.meta.url, { data: { port: port2 }, transferList: [port2] });

const [{ buildApp }, { loadConfig }] = await Promise.all([import('../app.js'), import('../config.js')]);
const app = await buildApp(loadConfig(process.env, { host: '127.0.0.1', port: 0 }));
await app.listen({ host: '127.0.0.1', port: 0 });
// Messages on one port arrive in order: once the sentinel's resolution is seen, every earlier one is.
await import(SENTINEL).catch(() => {});
await drained;
port1.close();
const required = new Set(Object.keys(createRequire(import.meta.url).cache).flatMap((file) => /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file)?.[1] ?? []));
process.stdout.write(`${JSON.stringify({ imported: [...seen].sort(), required: [...required].sort() })}\n`);
await app.close();
