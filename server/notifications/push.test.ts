/**
 * Web Push against a LOCAL push service: an HTTP server in this test receives the encrypted POST.
 * We check the VAPID headers (and the JWT signature with the server's public key) and decrypt the
 * body with the subscription's private key, as a browser would. No real push service is contacted.
 */
import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// web-push's own decryption library (RFC 8188), used here as the browser side.
// @ts-expect-error http_ece ships no types
import ece from 'http_ece';
import type { PushPayload } from '../../protocol/notifications.js';
import { command, newUsers, roomWith, startServer, type Client, type TestServer } from '../test/harness.js';
import { isAllowedEndpoint } from './push.service.js';

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A push service on 127.0.0.1: answers 201, or 410 for paths under /gone. */
class LocalPushService {
  readonly received: Received[] = [];
  private waiters: { pred: (r: Received) => boolean; resolve: (r: Received) => void }[] = [];
  private server!: Server;
  origin = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const r = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
        this.received.push(r);
        res.writeHead(r.path.startsWith('/gone') ? 410 : 201).end();
        this.waiters = this.waiters.filter((w) => (w.pred(r) ? (w.resolve(r), false) : true));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  next(pred: (r: Received) => boolean = () => true, ms = 5000): Promise<Received> {
    const seen = this.received.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no push arrived')), ms);
      this.waiters.push({ pred, resolve: (r) => (clearTimeout(t), resolve(r)) });
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** What a browser keeps for one subscription: its P-256 key pair and auth secret. */
function browserKeys(): { ecdh: ECDH; p256dh: string; auth: string; authSecret: Buffer } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const authSecret = randomBytes(16);
  return { ecdh, p256dh: ecdh.getPublicKey().toString('base64url'), auth: authSecret.toString('base64url'), authSecret };
}

const decrypt = (r: Received, keys: ReturnType<typeof browserKeys>): PushPayload =>
  JSON.parse(ece.decrypt(r.body, { version: 'aes128gcm', privateKey: keys.ecdh, authSecret: keys.auth }).toString('utf8'));

let push: LocalPushService;
let server: TestServer;
let ann: Client;
let bob: Client;
let dan: Client;
let hall: { id: number; code: string };

beforeAll(async () => {
  push = new LocalPushService();
  await push.start();
  server = await startServer({ config: { push: { enabled: true, subject: 'mailto:ops@example.org', allowedHosts: ['127.0.0.1'] } } });
  [ann, bob, dan] = await newUsers(server, 'ann', 'bob', 'dan');
  hall = await roomWith(ann, [bob], { name: 'Study hall' });
});
afterAll(async () => {
  await server?.dispose();
  await push?.close();
});

describe('VAPID keys', () => {
  it('are generated into DATA_DIR on first start (mode 0600), served to members, and kept across restarts', async () => {
    const file = join(server.dataDir, 'vapid.json');
    expect(existsSync(file)).toBe(true);
    const kept = JSON.parse(readFileSync(file, 'utf8'));
    expect((await import('node:fs')).statSync(file).mode & 0o777).toBe(0o600);
    const key = await bob.get('/api/push/key');
    expect(key.body).toEqual({ enabled: true, publicKey: kept.publicKey });
    expect(Buffer.from(kept.publicKey, 'base64url')).toHaveLength(65);
    expect((await new (bob.constructor as typeof Client)(server.url).get('/api/push/key')).status).toBe(401);
    server = await server.restart();
    for (const c of [ann, bob, dan]) c.moveTo(server);
    expect((await bob.get('/api/push/key')).body.publicKey).toBe(kept.publicKey);
  });
});

describe('delivery to a local push service', () => {
  const keys = browserKeys();
  let endpoint: string;

  it('a subscribed user with no tab open gets the mention as an encrypted, VAPID-signed push', async () => {
    endpoint = `${push.origin}/push/bob-${randomBytes(4).toString('hex')}`;
    const sub = await bob.post('/api/push/subscriptions', { endpoint, expirationTime: null, keys: { p256dh: keys.p256dh, auth: keys.auth } });
    expect(sub.status).toBe(204);
    // Bob has no socket at all (his tab is closed); Ann writes.
    const annS = await ann.socket();
    try {
      await command(annS, 'room:enter', { roomId: hall.id });
      const arrived = push.next((r) => r.path === new URL(endpoint).pathname);
      const ack = await command(annS, 'chat:send', { roomId: hall.id, text: '@bob the *quiz* moved to Friday' });
      expect(ack.ok).toBe(true);
      const r = await arrived;

      expect(r.headers['content-encoding']).toBe('aes128gcm');
      expect(r.headers['content-type']).toBe('application/octet-stream');
      expect(r.headers.ttl).toBe('86400');
      expect(r.headers.urgency).toBe('normal');
      const publicKey = (await bob.get('/api/push/key')).body.publicKey as string;
      const m = /^vapid t=([^,]+), k=([A-Za-z0-9_-]+)$/.exec(String(r.headers.authorization));
      expect(m).not.toBeNull();
      expect(m![2]).toBe(publicKey);
      const [h, p, sig] = m![1]!.split('.') as [string, string, string];
      expect(JSON.parse(Buffer.from(h, 'base64url').toString())).toMatchObject({ alg: 'ES256', typ: 'JWT' });
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      expect(claims.aud).toBe(push.origin);
      expect(claims.sub).toBe('mailto:ops@example.org');
      expect(claims.exp * 1000).toBeGreaterThan(Date.now());
      expect(claims.exp * 1000).toBeLessThanOrEqual(Date.now() + 24 * 3_600_000);
      // The JWT is signed by the private half of the key the server hands to browsers.
      const raw = Buffer.from(publicKey, 'base64url');
      const jwk = { kty: 'EC', crv: 'P-256', x: raw.subarray(1, 33).toString('base64url'), y: raw.subarray(33).toString('base64url') };
      const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url'));
      expect(ok).toBe(true);

      // Only the browser holding the subscription's private key can read it.
      const payload = decrypt(r, keys);
      expect(payload).toMatchObject({ kind: 'mention', title: 'ann mentioned you in Study hall', body: '@bob the quiz moved to Friday', url: `/rooms/${hall.id}?m=${(ack as { data: { id: number } }).data.id}` });
      expect(() => decrypt(r, browserKeys())).toThrow();
      expect(r.body.includes(Buffer.from('quiz'))).toBe(false);
    } finally {
      annS.close();
    }
  });

  it('the room settings apply to pushes too: a muted room sends nothing', async () => {
    expect((await bob.patch(`/api/rooms/${hall.id}/notifications`, { mute: '8h' })).status).toBe(200);
    const before = push.received.length;
    const annS = await ann.socket();
    try {
      await command(annS, 'room:enter', { roomId: hall.id });
      await command(annS, 'chat:send', { roomId: hall.id, text: '@bob you are muted' });
      // An alarm (not room-scoped) is pushed after it: once that arrives, the mention would have too.
      await server.app.notifications.notify(bob.userId, { kind: 'alarm', text: 'marker' });
      const marker = await push.next((r) => r.path === new URL(endpoint).pathname && decrypt(r, keys).body === 'marker');
      expect(push.received.slice(before).filter((r) => r !== marker)).toHaveLength(0);
    } finally {
      annS.close();
      await bob.patch(`/api/rooms/${hall.id}/notifications`, { mute: 'off' });
    }
  });

  it('a subscription the push service says is gone (410) is removed', async () => {
    const gone = browserKeys();
    const goneEndpoint = `${push.origin}/gone/${randomBytes(4).toString('hex')}`;
    expect((await dan.post('/api/push/subscriptions', { endpoint: goneEndpoint, keys: { p256dh: gone.p256dh, auth: gone.auth } })).status).toBe(204);
    expect(await server.app.push.count(dan.userId)).toBe(1);
    await server.app.notifications.notify(dan.userId, { kind: 'alarm', text: 'ring' });
    await push.next((r) => r.path === new URL(goneEndpoint).pathname);
    await expect.poll(() => server.app.push.count(dan.userId)).toBe(0);
  });

  it('unsubscribe stops pushes; another user cannot unsubscribe mine; the same browser re-subscribing for someone else moves it', async () => {
    expect((await dan.post('/api/push/unsubscribe', { endpoint })).status).toBe(204);
    expect(await server.app.push.count(bob.userId)).toBe(1);
    expect((await bob.post('/api/push/unsubscribe', { endpoint })).status).toBe(204);
    expect(await server.app.push.count(bob.userId)).toBe(0);
    // Bob logs out, Dan logs in on the same browser: its endpoint is now Dan's.
    await bob.post('/api/push/subscriptions', { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } });
    await dan.post('/api/push/subscriptions', { endpoint, keys: { p256dh: keys.p256dh, auth: keys.auth } });
    expect(await server.app.push.count(bob.userId)).toBe(0);
    expect(await server.app.push.count(dan.userId)).toBe(1);
    await dan.post('/api/push/unsubscribe', { endpoint });
  });

  it('endpoints that are not push services, garbage, anonymous callers and foreign Origins are refused', async () => {
    const k = { p256dh: keys.p256dh, auth: keys.auth };
    for (const ep of ['https://evil.example/push', 'http://10.0.0.1/push', 'http://localhost:9/push', 'ftp://127.0.0.1/x', 'https://fcm.googleapis.com.evil.example/x', 'http://user:pw@127.0.0.1/x']) {
      const r = await bob.post('/api/push/subscriptions', { endpoint: ep, keys: k });
      expect(r.status, ep).toBe(400);
    }
    for (const body of [{}, { endpoint: 'not a url', keys: k }, { endpoint: `${push.origin}/x` }, { endpoint: `${push.origin}/x`, keys: { p256dh: 'short', auth: k.auth } }, { endpoint: `${push.origin}/x`, keys: { ...k, extra: 1 } }, { endpoint: `${push.origin}/x`, keys: k, userId: 1 }, []]) {
      expect((await bob.post('/api/push/subscriptions', body)).status).toBe(400);
    }
    expect((await bob.post('/api/push/unsubscribe', { endpoint: 42 })).status).toBe(400);
    const anon = new (bob.constructor as typeof Client)(server.url);
    expect((await anon.post('/api/push/subscriptions', { endpoint: `${push.origin}/x`, keys: k })).status).toBe(401);
    expect((await anon.post('/api/push/unsubscribe', { endpoint: `${push.origin}/x` })).status).toBe(401);
    expect((await bob.req('POST', '/api/push/subscriptions', { endpoint: `${push.origin}/x`, keys: k }, { origin: 'https://evil.example' })).status).toBe(403);
    expect(await server.app.push.count(bob.userId)).toBe(0);
  });
});

describe('PUSH_ENABLED=false', () => {
  it('makes no keys, says so, and refuses subscriptions', async () => {
    const off = await startServer({ config: { push: { enabled: false, subject: 'mailto:x@example.org', allowedHosts: ['127.0.0.1'] } } });
    try {
      const [u] = await newUsers(off, 'una');
      expect((await u.get('/api/push/key')).body).toEqual({ enabled: false, publicKey: null });
      const k = browserKeys();
      expect((await u.post('/api/push/subscriptions', { endpoint: `${push.origin}/x`, keys: { p256dh: k.p256dh, auth: k.auth } })).status).toBe(409);
      expect(existsSync(join(off.dataDir, 'vapid.json'))).toBe(false);
    } finally {
      await off.dispose();
    }
  });
});

describe('isAllowedEndpoint', () => {
  const hosts = ['fcm.googleapis.com', 'push.apple.com', '127.0.0.1'];
  it.each([
    ['https://fcm.googleapis.com/fcm/send/abc', true],
    ['https://web.push.apple.com/QH', true],
    ['https://evilfcm.googleapis.com.attacker.test/x', false],
    ['https://xpush.apple.com/x', false],
    ['http://fcm.googleapis.com/x', false],
    ['http://127.0.0.1:1234/x', true],
    ['https://127.0.0.1/x', true],
    ['http://localhost/x', false],
    ['javascript:alert(1)', false],
    ['nonsense', false],
  ])('%s -> %s', (url, ok) => expect(isAllowedEndpoint(url, hosts)).toBe(ok));
});
