import fp from 'fastify-plugin';
import { openDb, type Db } from '../../db/client.js';
import { applyMigrations } from '../../db/migrate.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

/** Opens the SQLite file, applies committed migrations, closes the file on shutdown. */
export const dbPlugin = fp<{ file: string; sharedByProcesses?: boolean }>(
  async (app, opts) => {
    const started = performance.now();
    const db = openDb(opts.file, { sharedByProcesses: opts.sharedByProcesses });
    applyMigrations(db);
    app.log.debug({ ms: Math.round(performance.now() - started) }, 'database ready');
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      db.$client.close();
    });
  },
  { name: 'db' },
);
