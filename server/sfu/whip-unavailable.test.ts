/**
 * WHIP while the media server is down: the endpoint exists (Janus is configured, here an external
 * one that does not answer), the room's own key is right, and the answer is 503 UNAVAILABLE with
 * nothing changed: the room stays offline and no fact is sent. Needs FFmpeg (streaming on), not
 * Janus.
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../media/ffmpeg-binary.js';
import { loadConfig } from '../config.js';
import { collect, command, newUsers, ok, roomWith, startServer, type Client, type ClientSocket, type TestServer } from '../test/harness.js';

const { binary } = await findFfmpeg(process.env.FFMPEG_PATH);

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

// A minimal WebRTC offer; the media server is never asked, so it only has to pass our own checks.
const OFFER = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', 'm=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0', 'a=mid:0', 'a=ice-ufrag:abcd', 'a=ice-pwd:abcdefghijklmnopqrstuv', `a=fingerprint:sha-256 ${Array(32).fill('AB').join(':')}`, 'a=setup:actpass', 'a=sendonly', 'a=rtpmap:96 H264/90000', ''].join('\r\n');

describe.skipIf(!binary)('WHIP with the media server down', () => {
  let server: TestServer;
  let owner: Client;
  let sock: ClientSocket;
  let roomId: number;
  let key: string;

  beforeAll(async () => {
    const janus = loadConfig({ JANUS_URL: `ws://127.0.0.1:${await closedPort()}`, JANUS_API_SECRET: 'x'.repeat(24) }, { dataDir: '/tmp' }).janus;
    server = await startServer({ rtmpPort: 0, config: { janus } });
    expect(server.app.sfu.status()).not.toBe('up');
    [owner] = await newUsers(server, 'owner');
    roomId = (await roomWith(owner!, [])).id;
    sock = await owner!.socket();
    await ok(command(sock, 'room:enter', { roomId }));
    key = ((await owner!.get(`/api/rooms/${roomId}/stream/settings`)).body as { streamKey: string }).streamKey;
  }, 60_000);
  afterAll(async () => {
    sock?.close();
    await server?.dispose();
  });

  it('answers 503 UNAVAILABLE with the room unchanged', async () => {
    const facts = [collect(sock, 'stream:started'), collect(sock, 'stream:ended')];
    const r = await fetch(`${server.url}/api/rooms/${roomId}/stream/whip`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/sdp' }, body: OFFER });
    expect(r.status).toBe(503);
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('UNAVAILABLE');
    expect(body.error.message).toMatch(/media server is not available/);
    expect(((await owner.get(`/api/rooms/${roomId}/stream`)).body as { status: string }).status).toBe('offline');
    // Something that does reach the room afterwards, so the collectors have seen everything before it.
    await ok(command(sock, 'chat:send', { roomId, text: 'after' }));
    expect(facts.map((f) => f.length)).toEqual([0, 0]);
  });
});
