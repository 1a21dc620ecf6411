import { buildApp } from './app.js';
import { loadConfig } from './config.js';

const started = performance.now();
let config;
try {
  config = loadConfig();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
const app = await buildApp(config);
if (!config.clientDist) app.log.warn('client/dist not found: run `npm run build` to serve the web app');

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  app.log.info({ signal }, 'shutting down');
  const force = setTimeout(() => process.exit(1), 10_000);
  force.unref();
  await app.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

const address = await app.listen({ port: config.port, host: config.host });
app.log.info({ ms: Math.round(performance.now() - started), dataDir: config.dataDir }, `Commonroom ready on ${address.replace('127.0.0.1', 'localhost')}`);
