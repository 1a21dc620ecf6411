/**
 * Cold start: spawn the server on a fresh data directory (migrations included) and time it until
 * it listens. Reported from the parent (spawn -> ready line: what an operator waits for) and from
 * inside the child (process start -> listening, split into imports, build, listen). The bare
 * Socket.IO server is timed the same way as a floor for node + loader start-up.
 */
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { serverBundleOptions } from '../server/bundle.js';
import { makeDataDir, removeDataDir } from './lib/tempdir.js';
import { REPO_ROOT, spawnServer } from './lib/child.js';
import type { BenchReport } from './lib/report.js';
import type { Cell } from './lib/stats.js';

export interface StartupOptions {
  runs: number;
}

const log = (msg: string) => process.stderr.write(`[startup] ${msg}\n`);

type Target = 'ours (tsx)' | 'ours (bundled)' | 'bare';

/**
 * The bench entry bundled as `npm run build:server` bundles main.ts (server/bundle.ts: pure-JS
 * packages bundled in, native and lazily loaded ones left to node_modules, code splitting).
 */
const BUNDLED_ENTRY = '.tmp/bench/server-entry.js';
async function bundleEntry(): Promise<void> {
  rmSync(`${REPO_ROOT}.tmp/bench`, { recursive: true, force: true });
  await build(serverBundleOptions(`${REPO_ROOT}.tmp/bench`, `${REPO_ROOT}bench/server-entry.ts`));
}

async function timeOnce(target: Target): Promise<Cell[]> {
  const dataDir = makeDataDir('startup');
  const env = { DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', STREAMING_ENABLED: 'false' };
  const server =
    target === 'bare'
      ? await spawnServer('bare', 'bench/bare-server.ts', {})
      : await spawnServer('ours', target === 'ours (tsx)' ? 'bench/server-entry.ts' : BUNDLED_ENTRY, env);
  try {
    const r = server.ready;
    log(`${target}: ${server.spawnToReadyMs.toFixed(0)} ms`);
    return [target, server.spawnToReadyMs, r.cpuMs, r.sinceProcessStartMs, r.sinceProcessStartMs - r.importMs - r.buildMs - r.listenMs, r.importMs, r.buildMs, r.listenMs, r.buildMs + r.listenMs];
  } finally {
    await server.stop();
    removeDataDir(dataDir);
  }
}

export async function startupBench(opts: StartupOptions): Promise<BenchReport> {
  const rows: Cell[][] = [];
  // Sequential on purpose: parallel starts would compete for the two cores.
  for (let i = 0; i < opts.runs; i++) rows.push(await timeOnce('ours (tsx)'));
  await bundleEntry();
  for (let i = 0; i < opts.runs; i++) rows.push(await timeOnce('ours (bundled)'));
  rows.push(await timeOnce('bare'));
  return {
    name: 'startup',
    tables: [
      {
        title: `Server cold start (fresh data dir each run, streaming off; ms). "bundled" is what npm start runs (esbuild bundle, no TypeScript loader); run 1 of tsx may include its transform cache warming. "cpu to ready" is the child's CPU time (user + system, all threads) when it listened: on a busy machine it moves far less than wall time.`,
        columns: ['server', 'spawn->ready', 'cpu to ready', 'proc->listening', 'node+loader', 'imports', 'buildApp', 'listen', 'build+listen'],
        rows,
      },
    ],
    notes: [],
  };
}
