import fp from 'fastify-plugin';
import { closeDb, type Db } from '../../db/client.js';
import { openDatabase } from '../../db/migrate.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

/**
 * Opens the database (PostgreSQL when DATABASE_URL is set, else the SQLite file), applies the
 * committed migrations of its dialect, closes it on shutdown.
 */
export const dbPlugin = fp<{ file: string; sharedByProcesses?: boolean; databaseUrl?: string; poolSize?: number }>(
  async (app, opts) => {
    const started = performance.now();
    const db = await openDatabase(opts);
    app.log.debug({ ms: Math.round(performance.now() - started), dialect: opts.databaseUrl ? 'postgresql' : 'sqlite' }, 'database ready');
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      await closeDb(db);
    });
  },
  { name: 'db' },
);
