/**
 * Pyodide (CPython compiled to WebAssembly) served from our own origin, straight out of the npm
 * package `pyodide`, for code pads in Python. Never a CDN. Only the five files the runtime needs
 * are served, under a versioned path with a year-long immutable cache (a new package version is a
 * new path). The browser's Python Worker gets them through the page (see
 * client/src/features/documents/python-runner.worker.ts), so the Worker itself needs no network.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { PYODIDE_VERSION } from '../../protocol/docs-constants.js';

const require = createRequire(import.meta.url);

/** The package's folder (resolved once, through its package.json, which it exports). */
export function pyodideDir(): string {
  return dirname(require.resolve('pyodide/package.json'));
}

/** File -> media type. Anything else under /pyodide/ is 404. */
export const PYODIDE_FILES: Record<string, string> = {
  'pyodide.mjs': 'text/javascript; charset=utf-8',
  'pyodide.asm.mjs': 'text/javascript; charset=utf-8',
  'pyodide.asm.wasm': 'application/wasm',
  'python_stdlib.zip': 'application/zip',
  'pyodide-lock.json': 'application/json; charset=utf-8',
};

export async function pyodideRoutes(app: FastifyInstance): Promise<void> {
  const dir = pyodideDir();
  const installed = (require('pyodide/package.json') as { version: string }).version;
  if (installed !== PYODIDE_VERSION) app.log.warn({ installed, expected: PYODIDE_VERSION }, 'pyodide package version differs from PYODIDE_VERSION');

  app.get('/pyodide/:version/:file', { schema: { hide: true } }, async (req, reply) => {
    const { version, file } = req.params as { version: string; file: string };
    const type = Object.hasOwn(PYODIDE_FILES, file) ? PYODIDE_FILES[file] : undefined;
    if (version !== installed || !type) return reply.code(404).send({ error: { code: 'NOT_FOUND', message: 'No such file.' } });
    const path = join(dir, file);
    const { size } = await stat(path);
    return reply
      .header('content-type', type)
      .header('content-length', size)
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .header('cross-origin-resource-policy', 'same-origin')
      .send(createReadStream(path));
  });
}
