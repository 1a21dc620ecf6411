import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PYODIDE_VERSION } from '../../protocol/docs-constants.js';
import { Client, startServer, type TestServer } from '../test/harness.js';
import { PYODIDE_FILES, pyodideDir } from './pyodide.js';
import { RUNNER_ASSET } from './index.js';

describe('Pyodide served from our origin', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.dispose());

  it('PYODIDE_VERSION is the installed package', () => {
    const pkg = JSON.parse(readFileSync(join(pyodideDir(), 'package.json'), 'utf8')) as { version: string };
    expect(pkg.version).toBe(PYODIDE_VERSION);
  });

  it('serves the runtime files with their media types and an immutable cache', async () => {
    const c = new Client(server.url);
    for (const [file, type] of Object.entries(PYODIDE_FILES)) {
      const r = await fetch(`${c.url}/pyodide/${PYODIDE_VERSION}/${file}`);
      expect(r.status, file).toBe(200);
      expect(r.headers.get('content-type')).toBe(type);
      expect(r.headers.get('cache-control')).toContain('immutable');
      const body = new Uint8Array(await r.arrayBuffer());
      expect(body.byteLength).toBe(readFileSync(join(pyodideDir(), file)).byteLength);
      if (file.endsWith('.wasm')) expect([...body.slice(0, 4)]).toEqual([0, 0x61, 0x73, 0x6d]);
    }
  });

  it('serves nothing else: other files, other versions, traversal', async () => {
    for (const path of [
      `/pyodide/${PYODIDE_VERSION}/package.json`,
      `/pyodide/${PYODIDE_VERSION}/console.html`,
      `/pyodide/0.0.1/pyodide.mjs`,
      `/pyodide/${PYODIDE_VERSION}/..%2Fpackage.json`,
      `/pyodide/${PYODIDE_VERSION}/%2e%2e%2f%2e%2e%2fpackage.json`,
    ]) {
      const r = await fetch(server.url + path);
      expect(r.status, path).toBe(404);
    }
  });

  it('the Python Worker gets the no-network CSP like the JavaScript one', () => {
    expect(RUNNER_ASSET.test('/assets/python-runner.worker-AbC_12.js')).toBe(true);
    expect(RUNNER_ASSET.test('/assets/runner.worker-AbC_12.js')).toBe(true);
    expect(RUNNER_ASSET.test('/assets/index-AbC_12.js')).toBe(false);
  });
});
