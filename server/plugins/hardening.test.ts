/**
 * Issue 17 item 6: framework-level answers keep our `{error:{code,message}}` shape without echoing
 * input, a command sent without a payload is still answered, and the security headers are tight.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../protocol/ack.js';
import { Client, newUser, startServer, type ClientSocket, type TestServer } from '../test/harness.js';

let server: TestServer;
let ada: Client;
beforeAll(async () => {
  server = await startServer();
  ada = await newUser(server, 'ada');
});
afterAll(() => server.dispose());

const MARK = 'ECHOMARK';

/** Sends raw bytes and returns the whole answer: status line, headers, body. */
function rawHttp(request: string): Promise<{ status: number; headers: string; body: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const c = connect(Number(port), '127.0.0.1');
    let out = '';
    c.on('data', (d) => (out += d.toString('latin1')));
    c.on('close', () => {
      const [head = '', body = ''] = out.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), headers: head.toLowerCase(), body });
    });
    c.on('error', reject);
    c.write(request);
  });
}

function expectOurShape(body: unknown, code: string) {
  expect(body).toMatchObject({ error: { code, message: expect.any(String) } });
  expect(Object.keys(body as object)).toEqual(['error']);
  expect(JSON.stringify(body)).not.toContain(MARK);
}

describe('framework errors use our shape and never echo input (issue 17 #6)', () => {
  it('431: a huge header is refused by the HTTP parser in our shape', async () => {
    const r = await rawHttp(`GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-${MARK}: ${'a'.repeat(20_000)}\r\nConnection: close\r\n\r\n`);
    expect(r.status).toBe(431);
    expect(r.headers).toContain('content-type: application/json');
    expectOurShape(JSON.parse(r.body), 'VALIDATION');
  });

  it('431: a huge URL is refused in our shape without the URL', async () => {
    const r = await rawHttp(`GET /api/rooms/${MARK}${'9'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(r.status).toBe(431);
    expectOurShape(JSON.parse(r.body), 'VALIDATION');
  });

  it('414: a path parameter longer than maxParamLength', async () => {
    const r = await ada.get(`/api/rooms/${'9'.repeat(300)}${MARK}`);
    expect(r.status).toBe(414);
    expectOurShape(r.body, 'VALIDATION');
  });

  it('400: a malformed percent-encoding in the path', async () => {
    const r = await rawHttp(`GET /api/rooms/%zz${MARK} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(r.status).toBe(400);
    expectOurShape(JSON.parse(r.body), 'VALIDATION');
  });

  it('400: a request line the parser cannot read', async () => {
    const r = await rawHttp(`GET /${MARK} HTTP/9\r\n\r\n`);
    expect(r.status).toBe(400);
    expectOurShape(JSON.parse(r.body), 'VALIDATION');
  });

  it('400 bad JSON, 415 wrong content type, 413 too large, 404 unknown route', async () => {
    const badJson = await ada.req('POST', '/api/rooms', `{"name": ${MARK}`);
    expect(badJson.status).toBe(400);
    expectOurShape(badJson.body, 'VALIDATION');

    const media = await ada.req('POST', '/api/rooms', MARK, { 'content-type': `text/${MARK}` });
    expect(media.status).toBe(415);
    expectOurShape(media.body, 'VALIDATION');

    const big = await ada.req('POST', '/api/rooms', JSON.stringify({ name: MARK, pad: 'a'.repeat(70_000) }), { connection: 'close' });
    expect(big.status).toBe(413);
    expectOurShape(big.body, 'VALIDATION');

    const missing = await ada.get(`/api/${MARK}`);
    expect(missing.status).toBe(404);
    expectOurShape(missing.body, 'NOT_FOUND');
  });
});

describe('commands emitted without a payload are answered (issue 17 #6)', () => {
  it('acks VALIDATION when the callback comes first, for several commands', async () => {
    const s: ClientSocket = await ada.socket();
    try {
      for (const name of ['clock:sync', 'chat:send', 'room:enter', 'todo:add', 'chess:list', 'bj:watch', 'music:state', 'call:state', 'stream:status']) {
        const ack = await new Promise<Ack<unknown>>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no ack for ${name}`)), 5000);
          (s.emit as (ev: string, cb: (a: Ack<unknown>) => void) => void)(name, (a) => {
            clearTimeout(timer);
            resolve(a);
          });
        });
        expect(ack, name).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
      }
    } finally {
      s.disconnect();
    }
  });
});

describe('security headers (issue 17 #6)', () => {
  it('authenticated API JSON carries Cache-Control: no-store, errors too', async () => {
    const me = await ada.get('/api/me');
    expect(me.status).toBe(200);
    expect(me.headers.get('cache-control')).toBe('no-store');
    const rooms = await ada.get('/api/rooms');
    expect(rooms.headers.get('cache-control')).toBe('no-store');
    const refused = await new Client(server.url).get('/api/me');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });

  it('CSP connect-src names our own ws origin, not any host', async () => {
    const r = await ada.get('/api/health');
    const csp = r.headers.get('content-security-policy')!;
    const connect = /connect-src ([^;]*)/.exec(csp)![1]!.split(' ');
    const host = new URL(server.url).host;
    expect(connect).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
  });

  it('with PUBLIC_URL, connect-src names its wss origin only', async () => {
    const other = await startServer({ config: { publicUrl: 'https://study.example.org' } });
    try {
      const r = await new Client(other.url).get('/api/health');
      const connect = /connect-src ([^;]*)/.exec(r.headers.get('content-security-policy')!)![1]!.split(' ');
      expect(connect).toEqual(["'self'", 'wss://study.example.org']);
    } finally {
      await other.dispose();
    }
  });
});
