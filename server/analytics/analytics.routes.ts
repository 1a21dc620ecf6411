import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { analyticsQuerySchema, analyticsSchemaOut } from '../../protocol/analytics.js';
import { requireAdmin } from '../plugins/auth.js';
import { authErrors } from '../plugins/http-schemas.js';
import { RateLimiter, perWindow } from '../plugins/rate-limit.js';

const refreshLimiter = new RateLimiter(perWindow(6, 60_000));

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
    return await app.analytics.range(req.query.days);
  });

  app.post('/api/admin/analytics/rollup', {
    schema: {
      tags: ['admin'],
      summary: 'Run the rollup job now (it also runs every 5 minutes) and answer the range (instance admins)',
      querystring: analyticsQuerySchema,
      response: { 200: analyticsSchemaOut, ...authErrors },
    },
  }, async (req) => {
    const { user } = requireAdmin(req);
    // Cheap after the first run (only new rows are read), but not something to hammer.
    refreshLimiter.enforce(`u${user.id}`, 'The figures were just updated: try again in a minute.');
    await app.runRollup();
    return await app.analytics.range(req.query.days);
  });
}
