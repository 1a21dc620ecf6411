/**
 * Instance health and real-time admin alerts (issue 14 item 4). The Health page polls
 * GET /api/admin/health; alerts are pushed to every admin's sockets as `admin:alert`.
 */
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { users } from '../../db/schema/index.js';
import { onFfmpegExit, runningFfmpegPids } from '../../media/ffmpeg-runner.js';
import { userChannel } from '../plugins/socket-io.js';
import { databaseSize } from './db-size-sql.js';
import { healthRoutes } from './health.routes.js';
import { HealthService } from './health.service.js';

/** How often the sampler closes a window (CPU, event-loop percentiles) and checks the thresholds. */
export const HEALTH_SAMPLE_MS = 5_000;

declare module 'fastify' {
  interface FastifyInstance {
    health: HealthService;
  }
}

/** The ids of the current admins (checked at send time: a demoted admin gets nothing more). */
async function adminIds(app: FastifyInstance): Promise<number[]> {
  const rows = await app.db.select({ id: users.id }).from(users).where(and(eq(users.isAdmin, true), eq(users.disabled, false)));
  return rows.map((u) => u.id);
}

export const healthPlugin = fp(
  async (app: FastifyInstance) => {
    const health = new HealthService({
      databaseSize: databaseSize(app.db, app.config.dbFile),
      dataDir: app.config.dataDir,
      thresholds: app.config.alerts,
      socketCount: () => app.io.of('/').sockets.size,
      activeRooms: () => {
        let n = 0;
        for (const [name, members] of app.io.of('/').adapter.rooms) if (name.startsWith('room:') && members.size > 0) n++;
        return n;
      },
      ffmpegPids: runningFfmpegPids,
      errors: app.errorRing,
      notify: (alert) => {
        app.log.warn({ alert: alert.kind }, alert.title);
        const deliver = async () => {
          const ids = await adminIds(app);
          if (ids.length) app.io.to(ids.map(userChannel)).emit('admin:alert', alert);
          // Kept in each admin's notification centre too (and pushed to a closed tab), linking to Health.
          for (const id of ids) await app.notifications.notify(id, { kind: 'alert', text: `${alert.title}: ${alert.body}`.slice(0, 300) });
        };
        deliver().catch((err: unknown) => app.log.error({ err, alert: alert.kind }, 'delivering an admin alert failed'));
      },
    });
    app.decorate('health', health);
    app.audit.onRecord((e) => {
      if (e.action === 'auth.sign_in_failed') health.signInFailed();
    });
    const unsubscribe = onFfmpegExit((exit) => {
      if (exit.error && !exit.stopped) health.ffmpegCrashed();
    });
    await app.register(healthRoutes);
    const timer = setInterval(() => health.sample(), HEALTH_SAMPLE_MS);
    timer.unref();
    app.addHook('preClose', async () => {
      clearInterval(timer);
      unsubscribe();
      health.dispose();
    });
  },
  { name: 'health', dependencies: ['db', 'auth', 'socket-io', 'features'] },
);
