import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { analyticsQuerySchema, analyticsSchemaOut } from '../../protocol/analytics.js';
import { requireAdmin } from '../plugins/auth.js';
import { authErrors } from '../plugins/http-schemas.js';

export async function analyticsRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/api/admin/analytics', {
    schema: {
      tags: ['admin'],
      summary: 'Daily usage for the last 7, 30 or 90 days, read from the rollups (instance admins)',
      querystring: analyticsQuerySchema,
      response: { 200: analyticsSchemaOut, ...authErrors },
    },
  }, async (req) => {
    requireAdmin(req);
    return app.analytics.range(req.query.days);
  });
}
