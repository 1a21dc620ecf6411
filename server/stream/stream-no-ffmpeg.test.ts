/** Without a working FFmpeg the server stays up and says why; a publish ends with a clear error. */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../media/ffmpeg-binary.js';
import { command, newUsers, nextEvent, roomWith, startServer, type Client, type ClientSocket, type TestServer } from '../test/harness.js';

// The publisher still needs some FFmpeg; the server is pointed at one that does not exist.
const { binary } = await findFfmpeg(process.env.FFMPEG_PATH);
if (!binary) console.warn('[stream tests] SKIPPED: no ffmpeg binary found to act as the publisher');

describe.skipIf(!binary)('live streaming without FFmpeg on the server', () => {
  let server: TestServer;
  let owner: Client;
  let member: Client;
  let roomId: number;
  let ms: ClientSocket;

  beforeAll(async () => {
    server = await startServer({ rtmpPort: 0, config: { ffmpegPath: '/nonexistent/ffmpeg' } });
    [owner, member] = await newUsers(server, 'owner', 'member');
    roomId = (await roomWith(owner, [member])).id;
    ms = await member.socket();
    await command(ms, 'room:enter', { roomId });
  });
  afterAll(async () => {
    ms?.close();
    await server?.dispose();
  });

  it('settings say streaming is unavailable and why', async () => {
    await new Promise((r) => setTimeout(r, 300)); // the binary lookup runs in the background
    const s = await owner.get(`/api/rooms/${roomId}/stream/settings`);
    expect(s.status).toBe(200);
    expect(s.body).toMatchObject({ enabled: false });
    expect(s.body.unavailableReason).toMatch(/FFmpeg is not available: FFMPEG_PATH=\/nonexistent\/ffmpeg does not run \(fix or unset it\)/);
  });

  it('a publish ends at once with reason error; the publisher is disconnected; the server carries on', async () => {
    const key = (await owner.get(`/api/rooms/${roomId}/stream/settings`)).body.streamKey as string;
    const ended = nextEvent<{ reason: string; error: string }>(ms, 'stream:ended', () => true, 10_000);
    const pub = spawn(binary!.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-c:v', 'libx264', '-preset', 'veryfast', '-g', '30', '-f', 'flv', `rtmp://127.0.0.1:${server.app.stream.rtmpPort}/live/${key}`], { stdio: 'ignore' });
    try {
      const fact = await ended;
      expect(fact.reason).toBe('error');
      expect(fact.error).toMatch(/FFmpeg is not available/);
      const exited = await new Promise((r) => {
        if (pub.exitCode !== null) return r(true);
        const t = setTimeout(() => r(false), 8000);
        pub.once('exit', () => (clearTimeout(t), r(true)));
      });
      expect(exited).toBe(true);
      expect((await member.get('/api/health')).status).toBe(200);
      expect((await member.get(`/api/rooms/${roomId}/stream`)).body.status).toBe('offline');
    } finally {
      if (pub.exitCode === null) pub.kill('SIGKILL');
    }
  }, 20_000);
});
