import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import { AppError } from './errors.js';

/**
 * The web app's own paths (client/src/app/router.ts): answered with index.html and 200 so a reload
 * of /r/K7QX2M or /rooms/3 works. Keep in step with the router's routes.
 */
const APP_PATHS: readonly RegExp[] = [/^\/$/, /^\/login$/, /^\/register$/, /^\/r\/[^/]+$/, /^\/rooms\/\d+$/, /^\/todos$/, /^\/stats$/];

/** Pure: is this request path (query ignored) one of the web app's pages? */
export function isAppPath(url: string): boolean {
  const path = url.split('?')[0]!.replace(/\/+$/, '') || '/';
  return APP_PATHS.some((re) => re.test(path));
}

/**
 * Serves the built client. App pages get index.html (200); API and docs paths get JSON 404s.
 * Any other path (`/health`, `/wp-login.php`) is a real 404: a browser still gets the app, which
 * shows its not-found page, and every other client gets our JSON error.
 */
export const staticClientPlugin = fp<{ root: string }>(
  async (app, { root }) => {
    await app.register(fastifyStatic, {
      root,
      wildcard: false,
      maxAge: '1h',
      setHeaders(res, path) {
        if (path.includes('/assets/')) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        // The notification service worker: a new version must reach browsers at once.
        if (path.endsWith('/sw.js')) res.setHeader('cache-control', 'no-cache');
      },
    });
    app.get('/*', { schema: { hide: true } }, async (req, reply) => {
      if (req.url.startsWith('/api/') || req.url.startsWith('/docs')) throw new AppError('NOT_FOUND', 'Not found.');
      const known = isAppPath(req.url);
      if (!known && !(req.headers.accept ?? '').includes('text/html')) throw new AppError('NOT_FOUND', 'Not found.');
      return reply.status(known ? 200 : 404).header('cache-control', 'no-cache').sendFile('index.html');
    });
  },
  { name: 'static-client' },
);
