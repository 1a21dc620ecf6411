import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { healthSnapshotSchemaOut } from '../../protocol/health-schemas.js';
import { requireAdmin } from '../plugins/auth.js';
import { authErrors } from '../plugins/http-schemas.js';

export async function healthRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/api/admin/health', {
    schema: {
      tags: ['admin'],
      summary: 'Instance health now: uptime, CPU, memory, event-loop delay, sockets, active rooms, FFmpeg processes, database and disk, recent errors and alerts (admins; the page polls it every 2 s)',
      response: { 200: healthSnapshotSchemaOut, ...authErrors },
    },
  }, async (req) => {
    requireAdmin(req);
    return app.health.snapshot();
  });
}
