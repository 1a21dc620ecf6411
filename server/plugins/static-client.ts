import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import { AppError } from './errors.js';

/**
 * Serves the built client and answers every other GET with index.html so client-side routes
 * (/r/K7QX2M, /rooms/3) work on reload. API paths still get JSON 404s.
 */
export const staticClientPlugin = fp<{ root: string }>(
  async (app, { root }) => {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      maxAge: '1h',
      setHeaders(res, path) {
        if (path.includes('/assets/')) res.header('cache-control', 'public, max-age=31536000, immutable');
      },
    });
    app.get('/*', { schema: { hide: true } }, async (req, reply) => {
      if (req.url.startsWith('/api/') || req.url.startsWith('/docs')) throw new AppError('NOT_FOUND', 'Not found.');
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  },
  { name: 'static-client' },
);
