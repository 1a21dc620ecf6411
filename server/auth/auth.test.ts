import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawDb, Client, newUser, nextEvent, sleep, startServer, type TestServer } from '../test/harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.dispose());

describe('accounts and sessions', () => {
  it('registers with an httpOnly SameSite=Lax session cookie and an argon2id hash', async () => {
    const c = new Client(server.url);
    const r = await c.post('/api/auth/register', { username: 'Ada', password: 'analytical engine' });
    expect(r.status).toBe(201);
    expect(r.body.user).toMatchObject({ username: 'Ada', displayName: 'Ada', isAdmin: true });
    const cookie = r.headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await c.get('/api/me')).body.user.username).toBe('Ada');
    const row = (await rawDb(server.app.db).get('SELECT password_hash FROM users WHERE username = ?', 'Ada')) as { password_hash: string };
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    // The sessions table stores a keyed hash, never the cookie token itself.
    const token = c.cookie.split('=')[1]!;
    const stored = (await rawDb(server.app.db).all('SELECT id FROM sessions')) as { id: string }[];
    expect(stored.some((s) => s.id === token)).toBe(false);
  });

  it('refuses duplicate usernames case-insensitively and only the first user is admin', async () => {
    const dup = await new Client(server.url).post('/api/auth/register', { username: 'ADA', password: 'something long' });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('USERNAME_TAKEN');
    const second = await newUser(server, 'grace');
    expect((await second.get('/api/me')).body.user.isAdmin).toBe(false);
  });

  it('rejects garbage bodies with VALIDATION and creates nothing', async () => {
    const before = await server.app.auth.userCount();
    for (const body of [{}, { username: 'x', password: 'y' }, { username: '<script>', password: 'longenough' }, 'not json', { username: 'okname', password: 12345678 }]) {
      const r = await new Client(server.url).req('POST', '/api/auth/register', body);
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION');
    }
    expect(await server.app.auth.userCount()).toBe(before);
  });

  it('logs in, refuses wrong passwords with one message for unknown users too', async () => {
    const c = new Client(server.url);
    expect((await c.post('/api/auth/login', { username: 'grace', password: 'correct horse battery' })).status).toBe(200);
    const wrong = await new Client(server.url).post('/api/auth/login', { username: 'grace', password: 'nope nope nope' });
    const unknown = await new Client(server.url).post('/api/auth/login', { username: 'nobody', password: 'nope nope nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error).toEqual(unknown.body.error);
  });

  it('rate-limits repeated failed logins per account with Retry-After', async () => {
    await newUser(server, 'target');
    let last;
    for (let i = 0; i < 11; i++) last = await new Client(server.url).post('/api/auth/login', { username: 'target', password: 'wrong password' });
    expect(last!.status).toBe(429);
    expect(last!.body.error.code).toBe('RATE_LIMITED');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('logout revokes the session and disconnects its live sockets', async () => {
    const c = await newUser(server, 'leaver');
    const s = await c.socket();
    const disconnected = new Promise<string>((r) => s.once('disconnect', r));
    expect((await c.post('/api/auth/logout')).status).toBe(204);
    expect(await disconnected).toBe('io server disconnect');
    const stale = new Client(server.url);
    stale.cookie = c.cookie;
    expect((await stale.get('/api/me')).status).toBe(401);
    // The old cookie cannot open a socket either.
    await expect(stale.socket()).rejects.toThrow(/UNAUTHENTICATED/);
  });

  it('"log out everywhere" ends every session of the user', async () => {
    const a = await newUser(server, 'multi');
    const b = new Client(server.url);
    await b.post('/api/auth/login', { username: 'multi', password: 'correct horse battery' });
    const sb = await b.socket();
    const gone = nextEvent(sb, 'disconnect');
    expect((await a.post('/api/auth/logout-all')).status).toBe(204);
    await gone;
    expect((await b.get('/api/me')).status).toBe(401);
  });

  it('updates the profile with validation', async () => {
    const c = await newUser(server, 'profiled');
    const ok = await c.patch('/api/me', { displayName: 'Pro Filed', avatarColor: '#123abc', timeZone: 'Europe/Berlin', statusLine: 'reading' });
    expect(ok.body.user).toMatchObject({ displayName: 'Pro Filed', timeZone: 'Europe/Berlin' });
    for (const bad of [{ timeZone: 'Mars/Olympus' }, { avatarColor: 'red' }, { isAdmin: true }]) {
      expect((await c.patch('/api/me', bad)).status).toBe(400);
    }
    expect((await new Client(server.url).patch('/api/me', { displayName: 'x' })).status).toBe(401);
  });

  it('refuses state-changing requests and sockets from a foreign Origin', async () => {
    const c = await newUser(server, 'csrf');
    const r = await c.req('POST', '/api/rooms', { name: 'x' }, { origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('ORIGIN_NOT_ALLOWED');
    await expect(c.socket({ origin: 'http://evil.example' })).rejects.toThrow();
    await sleep(10);
  });

  it('answers unknown API routes with a JSON NOT_FOUND and sets security headers', async () => {
    const r = await new Client(server.url).get('/api/nope');
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('NOT_FOUND');
    const h = await new Client(server.url).get('/api/health');
    expect(h.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(h.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves the OpenAPI document at /docs/json', async () => {
    const r = await new Client(server.url).get('/docs/json');
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.paths)).toEqual(expect.arrayContaining(['/api/auth/register', '/api/rooms/{id}/join', '/api/rooms/{id}/messages']));
  });
});
