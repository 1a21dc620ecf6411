import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { userChannel } from '../plugins/socket-io.js';
import { reportsRoutes } from './reports.routes.js';
import { ReportsService } from './reports.service.js';

declare module 'fastify' {
  interface FastifyInstance {
    reports: ReportsService;
  }
}

/** Moderation reports: filing, the queue, actions (docs/decisions/0016-reports-and-analytics.md). */
export const reportsPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorate('reports', new ReportsService(app.db, app.rooms, app.chat, app.audit, (userId, fact) => app.io.to(userChannel(userId)).emit('report:changed', fact)));
    await app.register(reportsRoutes);
  },
  { name: 'reports' },
);
