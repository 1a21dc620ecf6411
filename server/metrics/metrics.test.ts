/**
 * Issue 14 item 5: Prometheus `/metrics` is off by default, needs the bearer token when on, and
 * reports HTTP latency by route pattern, sockets, socket events, DB time and FFmpeg processes.
 * Every response carries its request id.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, command, newUsers, roomWith, startServer, type TestServer } from '../test/harness.js';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('metrics off (default)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.dispose());

  it('has no /metrics, with or without a token', async () => {
    const c = new Client(server.url);
    expect((await c.get('/metrics')).status).toBe(404);
    expect((await c.req('GET', '/metrics', undefined, { authorization: `Bearer ${TOKEN}` })).status).toBe(404);
  });

  it('refuses a METRICS_TOKEN that is too short at boot', async () => {
    const { loadConfig } = await import('../config.js');
    expect(() => loadConfig({ METRICS_TOKEN: 'short', DATA_DIR: server.dataDir })).toThrow(/METRICS_TOKEN/);
  });
});

describe('metrics on (METRICS_TOKEN set)', () => {
  let server: TestServer;
  let owner: Client;
  let anon: Client;
  beforeAll(async () => {
    server = await startServer({ config: { metricsToken: TOKEN } });
    [owner] = await newUsers(server, 'olga');
    anon = new Client(server.url);
  });
  afterAll(() => server.dispose());

  const scrape = (token?: string) => anon.req('GET', '/metrics', undefined, token === undefined ? {} : { authorization: token });

  it('401 without a token, with a wrong one, or not as Bearer; never a metric in the body', async () => {
    for (const auth of [undefined, 'Bearer nope', `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, TOKEN, 'Bearer ']) {
      const r = await scrape(auth);
      expect(r.status, String(auth)).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(JSON.stringify(r.body)).not.toContain('commonroom_');
    }
    // A signed-in user's session is not a metrics token.
    expect((await owner.get('/metrics')).status).toBe(401);
  });

  it('with the token: Prometheus text with HTTP, socket, DB and FFmpeg metrics', async () => {
    const roomId = (await roomWith(owner, [])).id;
    await owner.get(`/api/rooms/${roomId}`);
    await owner.get(`/api/rooms/987654`);
    const socket = await owner.socket();
    try {
      await command(socket, 'room:enter', { roomId });
      await command(socket, 'chat:send', { roomId, text: 'hello' });
      (socket as unknown as { emit(e: string, p: unknown): void }).emit('made:up-event-1', {});
      (socket as unknown as { emit(e: string, p: unknown): void }).emit('made:up-event-2', {});
      await command(socket, 'chat:send', { roomId, text: 'again' }); // after the junk: it has arrived
      const r = await scrape(`Bearer ${TOKEN}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = r.body as string;
      // Route patterns, never raw URLs or ids.
      expect(text).toMatch(/commonroom_http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/api\/rooms\/:id",status_code="200"\} [1-9]/);
      expect(text).toMatch(/commonroom_http_request_duration_seconds_count\{method="GET",route="\/api\/rooms\/:id",status_code="404"\} 1/);
      expect(text).toMatch(/route="\/api\/rooms",status_code="201"/);
      expect(text).not.toContain('987654');
      expect(text).not.toContain(`/api/rooms/${roomId}"`);
      expect(text).toMatch(/^commonroom_sockets_connected 1$/m);
      expect(text).toMatch(/^commonroom_socket_events_total\{event="chat:send"\} 2$/m);
      expect(text).toMatch(/^commonroom_socket_events_total\{event="room:enter"\} 1$/m);
      expect(text).toMatch(/^commonroom_socket_events_total\{event="other"\} 2$/m);
      expect(text).not.toContain('made:up');
      expect(text).toMatch(/^commonroom_db_query_duration_seconds_count\{op="all"\} [1-9]\d*$/m); // awaited drizzle selects run as all()
      expect(text).toMatch(/^commonroom_db_query_duration_seconds_count\{op="run"\} [1-9]\d*$/m);
      expect(text).toMatch(/^commonroom_ffmpeg_processes 0$/m);
      expect(text).toMatch(/^commonroom_audit_entries_total\{action="room.create"\} 1$/m);
      expect(text).toMatch(/^process_cpu_seconds_total \d/m);
      expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds /m);
    } finally {
      socket.disconnect();
    }
  });
});

describe('request ids', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server.dispose());

  it('every response carries x-request-id; a well-formed incoming one is kept, anything else replaced', async () => {
    const c = new Client(server.url);
    const fresh = await c.get('/api/health');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const kept = await c.req('GET', '/api/health', undefined, { 'x-request-id': 'proxy-abc.123' });
    expect(kept.headers.get('x-request-id')).toBe('proxy-abc.123');
    const bad = await c.req('GET', '/api/health', undefined, { 'x-request-id': 'evil\tinjected"line' });
    expect(bad.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const long = await c.req('GET', '/api/me', undefined, { 'x-request-id': 'x'.repeat(65) });
    expect(long.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
