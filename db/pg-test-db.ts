/**
 * One PostgreSQL database per test server (server/test/harness.ts on `npm run test:pg`): a copy of
 * `commonroom_template`, which the runner (db/test-pg.ts) migrated once, so a server boots with
 * nothing left to migrate. Without the template (your own DATABASE_URL) the database starts empty
 * and the server migrates it at boot.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEMPLATE_DB = 'commonroom_template';

const withDatabase = (url: string, database: string) => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

async function admin<T>(adminUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates `t_<random>` and returns its URL. */
export async function createTestDatabase(adminUrl: string): Promise<string> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE_DB]);
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${name}${rowCount ? ` TEMPLATE ${TEMPLATE_DB}` : ''}`);
        return;
      } catch (err) {
        // 55006: the template is briefly in use (another CREATE DATABASE copying it).
        if ((err as { code?: string }).code !== '55006' || attempt > 50) throw err;
        await new Promise((r) => setTimeout(r, 50 + Math.random() * 100));
      }
    }
  });
  return withDatabase(adminUrl, name);
}

/** Drops a database made by {@link createTestDatabase} (never any other). */
export async function dropTestDatabase(adminUrl: string, url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^t_[0-9a-f]{12}$/.test(name)) return;
  await admin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** Creates and migrates the template (the runner, once). */
export async function createTemplate(adminUrl: string): Promise<void> {
  await admin(adminUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  const { closeDb } = await import('./client.js');
  const { openPgDb } = await import('./client-pg.js');
  const { applyPgMigrations } = await import('./migrate.js');
  const db = openPgDb(withDatabase(adminUrl, TEMPLATE_DB), { poolSize: 1 });
  try {
    await applyPgMigrations(db);
  } finally {
    await closeDb(db);
  }
}
