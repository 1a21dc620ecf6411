import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
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
 * Every file of the built client as the URL path that names it (`/assets/index-4f2a.js`), listed
 * once at start. Dotfiles are left out, as @fastify/static leaves them out.
 */
export function listClientFiles(root: string): Set<string> {
  const files = new Set<string>();
  for (const e of readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const rel = relative(root, join(e.parentPath, e.name)).split(sep);
    if (rel.some((part) => part.startsWith('.'))) continue;
    files.add(`/${rel.join('/')}`);
  }
  return files;
}

const IMMUTABLE_MAX_AGE_MS = 365 * 24 * 3600 * 1000;

/**
 * Pure: how long browsers may keep a file of the build. Vite's `/assets/` carry a content hash in
 * their names (never change: a year, immutable); the notification service worker must reach
 * browsers at once (revalidate every time); anything else an hour.
 */
export function cachePolicy(path: string): 'immutable' | 'revalidate' | 'hour' {
  if (path.startsWith('/assets/')) return 'immutable';
  if (path === '/sw.js') return 'revalidate';
  return 'hour';
}

/** The request's path, percent-decoded, or null when it does not decode. */
function requestPath(url: string): string | null {
  try {
    return decodeURIComponent(url.split('?')[0]!);
  } catch {
    return null;
  }
}

/**
 * Serves the built client. Its files are answered by one wildcard route that looks the path up in
 * the list taken at start (a path that is not a file of the build, `..` included, is never sent):
 * one route instead of a GET and a HEAD route per file, which cost about 75 ms of every cold start
 * with 165 files (ADR 0034). @fastify/static still sends them (ETag, Range, conditional requests).
 * App pages get index.html (200); API and docs paths get JSON 404s. Any other path (`/health`,
 * `/wp-login.php`) is a real 404: a browser still gets the app, which shows its not-found page,
 * and every other client gets our JSON error.
 */
export const staticClientPlugin = fp<{ root: string }>(
  async (app, { root }) => {
    const files = listClientFiles(root);
    await app.register(fastifyStatic, {
      root,
      serve: false,
      maxAge: '1h',
    });
    app.get('/*', { schema: { hide: true } }, async (req, reply) => {
      if (req.url.startsWith('/api/') || req.url.startsWith('/docs')) throw new AppError('NOT_FOUND', 'Not found.');
      const path = requestPath(req.url);
      if (path !== null && files.has(path)) {
        const policy = cachePolicy(path);
        if (policy === 'revalidate') return reply.header('cache-control', 'no-cache').sendFile(path, { cacheControl: false });
        return reply.sendFile(path, policy === 'immutable' ? { maxAge: IMMUTABLE_MAX_AGE_MS, immutable: true } : {});
      }
      const known = isAppPath(req.url);
      if (!known && !(req.headers.accept ?? '').includes('text/html')) throw new AppError('NOT_FOUND', 'Not found.');
      return reply.status(known ? 200 : 404).header('cache-control', 'no-cache').sendFile('index.html');
    });
  },
  { name: 'static-client' },
);
