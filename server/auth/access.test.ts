/**
 * Issue 17: sign-in throttling that a stranger cannot turn into a lock-out (item 4), the Origin
 * check and the first-admin rule (item 5), and changing the password (item 6).
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb, Client, newUser, nextEvent, startServer, type TestServer } from '../test/harness.js';

let server: TestServer;
beforeAll(async () => {
  // Many accounts sign up from 127.0.0.1 here; the per-address limit has its own test below.
  server = await startServer({ config: { authAttemptsPer15Min: 200 } });
  await newUser(server, 'admin'); // the first account, from 127.0.0.1
});
afterAll(() => server.dispose());

/** A request from another address: Fastify's inject sets the remote address, no proxy trust needed. */
async function from(ip: string, method: 'POST' | 'GET', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const r = await server.app.inject({ method, url, payload: payload as object, remoteAddress: ip, headers });
  return { status: r.statusCode, body: r.json() as any, headers: r.headers };
}
const login = (ip: string, username: string, password: string) => from(ip, 'POST', '/api/auth/login', { username, password });

/** A raw HTTP GET with any Host and Origin headers (fetch will not send a foreign Host). */
function rawGet(url: string, path: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = httpRequest({ host: u.hostname, port: u.port, path, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

// Each attempt verifies an argon2id hash (19 MiB, t=2): a dozen in a row outlast 5 s on a loaded 2-core machine.
describe('sign-in throttling (issue 17 item 4)', { timeout: 60_000 }, () => {
  it('ten wrong passwords from one address do not lock the owner out of another address', async () => {
    await newUser(server, 'victim');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login('203.0.113.7', 'victim', `guess number ${i}`)).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    // The guessing address stays blocked for this account, even with the right password…
    expect((await login('203.0.113.7', 'victim', 'correct horse battery')).status).toBe(429);
    // …while the owner signs in from a fresh address.
    const owner = await login('198.51.100.20', 'victim', 'correct horse battery');
    expect(owner.status).toBe(200);
    expect(owner.body.user.username).toBe('victim');
  });

  it('guesses spread over many addresses only slow the account down, briefly, and never for known devices', async () => {
    await newUser(server, 'popular'); // signed up from 127.0.0.1: a live session there
    for (let i = 0; i < 12; i++) expect((await login(`192.0.2.${i + 1}`, 'popular', 'not the password')).status).toBe(401);
    const slowed = await login('192.0.2.200', 'popular', 'correct horse battery');
    expect(slowed.status).toBe(429);
    expect(slowed.body.error.code).toBe('RATE_LIMITED');
    expect(slowed.body.error.retryAfter).toBeGreaterThan(0);
    expect(slowed.body.error.retryAfter).toBeLessThanOrEqual(60);
    expect(slowed.headers['retry-after']).toBe(String(slowed.body.error.retryAfter));
    // The owner's own device (an address with a live session) is not slowed by strangers.
    expect((await login('127.0.0.1', 'popular', 'correct horse battery')).status).toBe(200);
  });

  it('keeps a hard per-address limit across accounts (AUTH_ATTEMPTS_PER_15MIN)', async () => {
    const small = await startServer({ config: { authAttemptsPer15Min: 3 } });
    try {
      const go = (username: string) => small.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'whatever pass' }, remoteAddress: '203.0.113.50' });
      const codes = [];
      for (const u of ['a1a', 'b2b', 'c3c', 'd4d']) codes.push((await go(u)).statusCode);
      expect(codes).toEqual([401, 401, 401, 429]);
    } finally {
      await small.dispose();
    }
  });
});

describe('Origin check (issue 17 item 5)', () => {
  it('refuses an https Origin on the http server, for writes and socket handshakes', async () => {
    const c = await newUser(server, 'schemer');
    const foreignScheme = server.url.replace('http://', 'https://');
    const r = await c.req('POST', '/api/rooms', { name: 'x' }, { origin: foreignScheme });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('ORIGIN_NOT_ALLOWED');
    await expect(c.socket({ origin: foreignScheme })).rejects.toThrow();
    // The server's own origin still works.
    expect((await c.req('POST', '/api/rooms', { name: 'mine' }, { origin: server.url })).status).toBe(201);
    const s = await c.socket({ origin: server.url });
    s.close();
  });

  it('refuses a DNS-rebinding Host/Origin pair, for writes and socket handshakes', async () => {
    const port = new URL(server.url).port;
    const evil = `rebind.attacker.test:${port}`;
    const write = await from('127.0.0.1', 'POST', '/api/auth/login', { username: 'admin', password: 'correct horse battery' }, { host: evil, origin: `http://${evil}` });
    expect(write.status).toBe(403);
    expect(write.body.error.code).toBe('ORIGIN_NOT_ALLOWED');
    const poll = '/socket.io/?EIO=4&transport=polling';
    expect(await rawGet(server.url, poll, { host: evil, origin: `http://${evil}` })).toBe(403);
    expect(await rawGet(server.url, poll, { host: `127.0.0.1:${port}`, origin: server.url })).toBe(200);
    // The PeerJS signalling upgrade applies the same rule (it checks Origin before anything else).
    const upgrade = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
    expect(await rawGet(server.url, '/peerjs/peerjs?id=x&token=y&key=peerjs', { ...upgrade, host: evil, origin: `http://${evil}` })).toBe(403);
    expect(await rawGet(server.url, '/peerjs/peerjs?id=x&token=y&key=peerjs', { ...upgrade, host: `127.0.0.1:${port}`, origin: `https://127.0.0.1:${port}` })).toBe(403);
  });

  it('with PUBLIC_URL set accepts only that origin (plus the own loopback origin)', async () => {
    const pub = await startServer({ config: { allowedOrigins: ['https://study.example.org'] } });
    try {
      const port = new URL(pub.url).port;
      const post = (host: string, origin: string) =>
        pub.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'whatever pass' }, headers: { host, origin } });
      expect((await post('study.example.org', 'https://study.example.org')).statusCode).toBe(401);
      expect((await post('study.example.org', 'http://study.example.org')).statusCode).toBe(403);
      expect((await post('evil.test', 'http://evil.test')).statusCode).toBe(403);
      expect((await post(`192.168.1.5:${port}`, `http://192.168.1.5:${port}`)).statusCode).toBe(403);
      expect((await post(`localhost:${port}`, `http://localhost:${port}`)).statusCode).toBe(401);
      const poll = '/socket.io/?EIO=4&transport=polling';
      expect(await rawGet(pub.url, poll, { host: 'evil.test', origin: 'http://evil.test' })).toBe(403);
      expect(await rawGet(pub.url, poll, { host: `192.168.1.5:${port}`, origin: `http://192.168.1.5:${port}` })).toBe(403);
      expect(await rawGet(pub.url, poll, { host: 'study.example.org', origin: 'https://study.example.org' })).not.toBe(403);
    } finally {
      await pub.dispose();
    }
  });

  it('creates the first (admin) account only from the machine itself', async () => {
    const fresh = await startServer();
    try {
      const reg = (username: string, remoteAddress: string, headers: Record<string, string> = {}) =>
        fresh.app.inject({ method: 'POST', url: '/api/auth/register', payload: { username, password: 'long enough pass' }, remoteAddress, headers });
      const remote = await reg('lanadmin', '192.168.1.20');
      expect(remote.statusCode).toBe(403);
      expect(remote.json().error.code).toBe('FORBIDDEN');
      // A proxied request is not local, even from the proxy on 127.0.0.1.
      expect((await reg('proxied', '127.0.0.1', { 'x-forwarded-for': '127.0.0.1' })).statusCode).toBe(403);
      expect(await fresh.app.auth.userCount()).toBe(0);

      const local = await reg('realadmin', '127.0.0.1');
      expect(local.statusCode).toBe(201);
      expect(local.json().user.isAdmin).toBe(true);
      const later = await reg('lanuser', '192.168.1.21');
      expect(later.statusCode).toBe(201);
      expect(later.json().user.isAdmin).toBe(false);
    } finally {
      await fresh.dispose();
    }
  });
});

describe('changing the password (issue 17 item 6)', () => {
  it('checks the current password, sets the new one, signs out the other sessions and keeps this one', async () => {
    const here = await newUser(server, 'changer');
    const there = new Client(server.url);
    expect((await there.post('/api/auth/login', { username: 'changer', password: 'correct horse battery' })).status).toBe(200);
    const thereSocket = await there.socket();
    const hereSocket = await here.socket();
    const dropped = nextEvent(thereSocket, 'disconnect');

    const r = await here.post('/api/auth/password', { currentPassword: 'correct horse battery', newPassword: 'a brand new passphrase' });
    expect(r.status).toBe(204);
    expect(await dropped).toBe('io server disconnect');
    expect((await there.get('/api/me')).status).toBe(401);
    expect((await here.get('/api/me')).status).toBe(200);
    expect(hereSocket.connected).toBe(true);
    hereSocket.close();

    expect((await new Client(server.url).post('/api/auth/login', { username: 'changer', password: 'correct horse battery' })).status).toBe(401);
    expect((await new Client(server.url).post('/api/auth/login', { username: 'changer', password: 'a brand new passphrase' })).status).toBe(200);
    const row = (await rawDb(server.app.db).get('SELECT password_hash FROM users WHERE username = ?', 'changer')) as { password_hash: string };
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a wrong current password, a weak or unchanged new one, garbage and outsiders', async () => {
    const u = await newUser(server, 'careful');
    const wrong = await u.post('/api/auth/password', { currentPassword: 'not my password', newPassword: 'a brand new passphrase' });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('WRONG_PASSWORD');
    // Still signed in after a wrong current password.
    expect((await u.get('/api/me')).status).toBe(200);
    for (const bad of [
      { currentPassword: 'correct horse battery', newPassword: 'short' },
      { currentPassword: 'correct horse battery', newPassword: 'correct horse battery' },
      { currentPassword: 'correct horse battery', newPassword: 'x'.repeat(300) },
      { currentPassword: 'correct horse battery' },
      { currentPassword: 5, newPassword: 'a brand new passphrase' },
      { currentPassword: 'correct horse battery', newPassword: 'a brand new passphrase', isAdmin: true },
    ]) {
      const r = await u.post('/api/auth/password', bad);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    }
    const outsider = await new Client(server.url).post('/api/auth/password', { currentPassword: 'correct horse battery', newPassword: 'a brand new passphrase' });
    expect(outsider.status).toBe(401);
    expect((await new Client(server.url).post('/api/auth/login', { username: 'careful', password: 'correct horse battery' })).status).toBe(200);
  });

  it('limits wrong current passwords like sign-in', async () => {
    const u = await newUser(server, 'bruteforced');
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) codes.push((await u.post('/api/auth/password', { currentPassword: `guess ${i} long`, newPassword: 'a brand new passphrase' })).status);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill(403));
    expect(codes[10]).toBe(429);
    expect((await u.post('/api/auth/password', { currentPassword: 'correct horse battery', newPassword: 'a brand new passphrase' })).status).toBe(429);
  });

  it('is in the OpenAPI document', async () => {
    const doc = await new Client(server.url).get('/docs/json');
    expect(doc.body.paths['/api/auth/password'].post.requestBody.content['application/json'].schema.required).toEqual(['currentPassword', 'newPassword']);
  });
});
