/**
 * The code pad runs user code in a dedicated Worker, which obeys the Content-Security-Policy of
 * its own script's response: over real HTTP, the runner script must come with a policy that
 * forbids any network access, and other scripts must not get (or loosen) it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../test/harness.js';

/** Directive -> sources. */
const parse = (csp: string) => new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).filter((p) => p[0]).map(([k, ...v]) => [k!, v]));

describe('code pad runner Worker', () => {
  let server: TestServer;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'commonroom-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Commonroom</title>');
    writeFileSync(join(dist, 'assets', 'runner.worker-AbC_12-x.js'), 'self.onmessage = () => {};');
    writeFileSync(join(dist, 'assets', 'index-Zz9.js'), 'console.log(1);');
    server = await startServer({ config: { clientDist: dist } });
  });
  afterAll(async () => {
    await server.dispose();
    rmSync(dist, { recursive: true, force: true });
  });

  it('is served as JavaScript with a CSP that forbids all network access', async () => {
    for (const path of ['/assets/runner.worker-AbC_12-x.js', '/assets/runner.worker-AbC_12-x.js?v=2']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/javascript/);
      expect(await res.text()).toContain('onmessage');
      const header = res.headers.get('content-security-policy');
      expect(header, path).toBeTruthy();
      expect(header).not.toContain(','); // one policy, not the page's and ours combined
      const csp = parse(header!);
      expect(csp.get('default-src')).toEqual(["'none'"]);
      expect(csp.get('connect-src')).toEqual(["'none'"]); // fetch, XHR, WebSocket, EventSource
      // Scripts: only our own origin (the Worker's lazily loaded chunks) and eval for the user's code.
      expect(csp.get('script-src')).toEqual(["'self'", "'unsafe-eval'"]);
      for (const [directive, sources] of csp) {
        for (const s of sources) expect(`${directive} ${s}`).not.toMatch(/\*|https?:|data:|blob:|ws:|wss:|'unsafe-inline'/);
      }
    }
  });

  it('is not applied to the app’s other scripts, and a look-alike path does not get it', async () => {
    const other = await fetch(`${server.url}/assets/index-Zz9.js`);
    expect(other.status).toBe(200);
    expect(other.headers.get('content-security-policy') ?? '').not.toContain("'unsafe-eval'");
    const lookAlike = await fetch(`${server.url}/assets/runner.worker-x.js.map`);
    expect(lookAlike.headers.get('content-security-policy') ?? '').not.toContain("'unsafe-eval'");
  });
});
