import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../test/harness.js';
import { isAppPath, listClientFiles } from './static-client.js';

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
    writeFileSync(join(dist, 'assets', 'app-4f2a.js'), 'console.log("commonroom");\n'.repeat(100));
    writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("push", () => {});');
    writeFileSync(join(dist, '.env'), 'SECRET=1');
    mkdirSync(join(dist, 'pdf', 'cmaps'), { recursive: true });
    writeFileSync(join(dist, 'pdf', 'cmaps', 'a b.bcmap'), 'x');
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

  it('lists the build\'s files once, dotfiles left out', () => {
    expect([...listClientFiles(dist)].sort()).toEqual(['/assets/app-4f2a.js', '/index.html', '/pdf/cmaps/a b.bcmap', '/sw.js']);
  });

  it('sends the build\'s files with validators, ranges and their cache policy', async () => {
    const res = await fetch(`${server.url}/assets/app-4f2a.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    const body = await res.text();
    expect(body.startsWith('console.log("commonroom");')).toBe(true);
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    // Through inject: fetch adds "cache-control: no-cache" to a conditional request (the Fetch standard).
    expect((await server.app.inject({ url: '/assets/app-4f2a.js', headers: { 'if-none-match': etag! } })).statusCode).toBe(304);
    const part = await fetch(`${server.url}/assets/app-4f2a.js`, { headers: { range: 'bytes=0-10' } });
    expect(part.status).toBe(206);
    expect(await part.text()).toBe(body.slice(0, 11));
    const head = await fetch(`${server.url}/assets/app-4f2a.js`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(body.length);
    const sw = await fetch(`${server.url}/sw.js`);
    expect(sw.status).toBe(200);
    expect(sw.headers.get('cache-control')).toBe('no-cache');
    const spaced = await fetch(`${server.url}/pdf/cmaps/a%20b.bcmap`);
    expect(spaced.status).toBe(200);
    expect(await spaced.text()).toBe('x');
  });

  it('never sends a file that is not part of the build: dotfiles, traversal, bad escapes', async () => {
    for (const p of ['/.env', '/assets/..%2F.env', '/assets/missing.js', '/../package.json']) {
      const res = await fetch(`${server.url}${p}`);
      expect(res.status, p).toBe(404);
      expect((await res.json()).error.code, p).toBe('NOT_FOUND');
    }
    // A path that does not decode is refused by the router before it reaches the lookup.
    expect((await fetch(`${server.url}/%E0%A4%A`)).status).toBe(400);
  });

  it('keeps JSON 404s under /api', async () => {
    const res = await fetch(`${server.url}/api/nope`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('NOT_FOUND');
  });
});
