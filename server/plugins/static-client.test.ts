import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../test/harness.js';
import { isAppPath } from './static-client.js';

describe('isAppPath', () => {
  it('knows the web app pages', () => {
    for (const p of ['/', '/login', '/register', '/r/K7QX2M', '/rooms/3', '/rooms/3/', '/todos', '/stats', '/login?next=%2Frooms%2F1']) {
      expect(isAppPath(p), p).toBe(true);
    }
  });
  it('rejects everything else', () => {
    for (const p of ['/health', '/rooms/abc', '/r', '/r/a/b', '/wp-login.php', '/favicon.ico.bak']) expect(isAppPath(p), p).toBe(false);
  });
});

describe('static client', () => {
  let server: TestServer;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'commonroom-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Commonroom</title>');
    server = await startServer({ config: { clientDist: dist } });
  });
  afterAll(async () => {
    await server.dispose();
    rmSync(dist, { recursive: true, force: true });
  });

  it('serves the app for its own pages', async () => {
    const res = await fetch(`${server.url}/rooms/12`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Commonroom</title>');
  });

  // Regression (issue 17 #24): /health answered 200 with the app page.
  it('answers 404 for unknown paths: JSON for API clients, the app (its 404 page) for browsers', async () => {
    const api = await fetch(`${server.url}/health`);
    expect(api.status).toBe(404);
    expect((await api.json()).error.code).toBe('NOT_FOUND');
    const browser = await fetch(`${server.url}/health`, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(browser.status).toBe(404);
    expect(await browser.text()).toContain('<title>Commonroom</title>');
  });

  it('keeps JSON 404s under /api', async () => {
    const res = await fetch(`${server.url}/api/nope`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('NOT_FOUND');
  });
});
