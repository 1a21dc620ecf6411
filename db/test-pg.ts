/**
 * `npm run test:pg [-- <vitest args or test files>]`: the integration suites on PostgreSQL.
 * Starts a throwaway PostgreSQL (db/pg-server.ts: initdb in a temp dir, free 127.0.0.1 port, as the
 * `postgres` user when run as root), migrates `commonroom_template` once, then runs vitest with
 * DATABASE_URL set, so db/schema binds the PostgreSQL tables and the harness gives every test
 * server its own database copied from the template. Default files: every server test that boots
 * the real server (imports startServer from server/test/harness.ts); then the cluster suite
 * (test/cluster) once with CLUSTER_DB=postgres (its nodes on a throwaway PostgreSQL of their own).
 * Named files run alone (a named cluster suite also gets CLUSTER_DB=postgres).
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { havePostgres, startPgServer } from './pg-server.js';

const ROOT = join(import.meta.dirname, '..');

function integrationFiles(dir = join(ROOT, 'server')): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...integrationFiles(p));
    else if (e.name.endsWith('.test.ts') && /\bstartServer\b/.test(readFileSync(p, 'utf8'))) out.push(relative(ROOT, p));
  }
  return out.sort();
}

/**
 * Suites that do not pass on PostgreSQL yet, each with what fails (empty since ADR 0026: every
 * integration suite passes on both dialects). A suite listed here still runs on SQLite in
 * `npm test`; here it is left out by default, named on every run, and can be run by naming it.
 */
export const NOT_YET_ON_PG: Record<string, string> = {};

if (!havePostgres()) {
  console.error('test:pg: PostgreSQL is not installed (apt-get install postgresql); skipped.');
  process.exit(process.env.CI ? 1 : 0);
}
const args = process.argv.slice(2);
const named = args.some((a) => !a.startsWith('-'));
const server = await startPgServer();
let code = 1;
try {
  process.env.DATABASE_URL = server.url;
  const { createTemplate } = await import('./pg-test-db.js');
  await createTemplate(server.url);

  const files = named ? [] : integrationFiles().filter((f) => !(f in NOT_YET_ON_PG));
  if (!named) for (const [f, why] of Object.entries(NOT_YET_ON_PG)) console.log(`test:pg: NOT RUN on PostgreSQL yet: ${f} (${why})`);
  console.log(`test:pg: PostgreSQL on ${server.url}; ${files.length || 'given'} test files`);
  // CLUSTER_DB=postgres: a cluster suite named here (test/cluster) runs its nodes on PostgreSQL too.
  code = await vitest([...files, ...args], { DATABASE_URL: server.url, CLUSTER_DB: 'postgres' });
} finally {
  await server.stop();
}
// The default run ends with the cluster suite (3 nodes + Redis + nginx) once on PostgreSQL: the
// topology starts a throwaway PostgreSQL of its own (deploy/topology.ts), so this one is stopped.
if (!named) {
  console.log('test:pg: the cluster suite (test/cluster) with CLUSTER_DB=postgres');
  const cluster = await vitest(['test/cluster', ...args], { DATABASE_URL: '', CLUSTER_DB: 'postgres' });
  code ||= cluster;
}
process.exit(code);

function vitest(argv: string[], env: Record<string, string>): Promise<number> {
  return new Promise<number>((resolve) => {
    const child = spawn('npx', ['vitest', 'run', ...argv], { stdio: 'inherit', env: { ...process.env, ...env } });
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (c, sig) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(c ?? (sig ? 1 : 0));
    });
  });
}
