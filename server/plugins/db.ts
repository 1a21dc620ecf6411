import fp from 'fastify-plugin';
import { openDb, type Db } from '../../db/client.js';
import { applyMigrations } from '../../db/migrate.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

/** Opens the SQLite file, applies committed migrations, closes the file on shutdown. */
export const dbPlugin = fp<{ file: string }>(
  async (app, opts) => {
    const started = performance.now();
    const db = openDb(opts.file);
    applyMigrations(db);
    app.log.debug({ ms: Math.round(performance.now() - started) }, 'database ready');
    app.decorate('db', db);
    app.addHook('onClose', async () => {
      db.$client.close();
    });
  },
  { name: 'db' },
);
