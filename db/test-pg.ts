/**
 * `npm run test:pg [-- <vitest args or test files>]`: the integration suites on PostgreSQL.
 * Starts a throwaway PostgreSQL (db/pg-server.ts: initdb in a temp dir, free 127.0.0.1 port, as the
 * `postgres` user when run as root), migrates `commonroom_template` once, then runs vitest with
 * DATABASE_URL set, so db/schema binds the PostgreSQL tables and the harness gives every test
 * server its own database copied from the template. Default files: every server test that boots
 * the real server (imports startServer from server/test/harness.ts).
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
 * Suites that do not pass on PostgreSQL yet (issue 15, open), each with what fails. They still run
 * on SQLite in `npm test`; here they are left out by default, named on every run, and can be run
 * by naming them (`npm run test:pg -- server/audit/audit-events.test.ts`). Shrink this list.
 */
export const NOT_YET_ON_PG: Record<string, string> = {
  'server/admin/users.test.ts': 'assertions compare booleans as SQLite 0/1',
  'server/analytics/analytics.test.ts': 'a backfill in small batches differs from one run on PostgreSQL',
  'server/health/health.test.ts': 'database timing is measured on SQLite only (server/metrics/sqlite-timing.ts)',
  'server/metrics/metrics.test.ts': 'commonroom_db_query_duration_seconds is measured on SQLite only',
  'server/study/study.test.ts': 'focus statistics per day fail on PostgreSQL (day SQL twin)',
};

if (!havePostgres()) {
  console.error('test:pg: PostgreSQL is not installed (apt-get install postgresql); skipped.');
  process.exit(process.env.CI ? 1 : 0);
}
const server = await startPgServer();
let code = 1;
try {
  process.env.DATABASE_URL = server.url;
  const { createTemplate } = await import('./pg-test-db.js');
  await createTemplate(server.url);
  const args = process.argv.slice(2);
  const named = args.some((a) => !a.startsWith('-'));
  const files = named ? [] : integrationFiles().filter((f) => !(f in NOT_YET_ON_PG));
  if (!named) for (const [f, why] of Object.entries(NOT_YET_ON_PG)) console.log(`test:pg: NOT RUN on PostgreSQL yet: ${f} (${why})`);
  console.log(`test:pg: PostgreSQL on ${server.url}; ${files.length || 'given'} test files`);
  code = await new Promise<number>((resolve) => {
    const child = spawn('npx', ['vitest', 'run', ...files, ...args], { stdio: 'inherit', env: { ...process.env, DATABASE_URL: server.url } });
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (c, sig) => resolve(c ?? (sig ? 1 : 0)));
  });
} finally {
  await server.stop();
}
process.exit(code);
