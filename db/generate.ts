/**
 * `npm run db:generate [-- --name <feature>]`: mirrors db/schema into db/schema-pg
 * (db/gen-schema-pg.ts), then drizzle-kit generates the migrations of both dialects
 * (db/migrations for SQLite, db/migrations-pg for PostgreSQL) with the same arguments.
 */
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const run = (cmd: string, argv: string[]) => {
  const r = spawnSync(cmd, argv, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run('npx', ['tsx', 'db/gen-schema-pg.ts']);
run('npx', ['drizzle-kit', 'generate', ...args]);
run('npx', ['drizzle-kit', 'generate', '--config', 'drizzle.pg.config.ts', ...args]);
