/**
 * Real-time live against the real Janus and FFmpeg: an RTMP publish gets a Streaming mountpoint fed
 * by the RTP push; members get Janus's offer (H.264 + Opus); outsiders, kicked users, wrong tokens
 * and offers from viewers are refused; the mountpoint goes when the stream ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../media/ffmpeg-binary.js';
import { loadConfig } from '../config.js';
import { Client, command, newUsers, nextEvent, roomWith, startServer, type ClientSocket, type TestServer } from '../test/harness.js';
import { findExecutable } from './janus-supervisor.js';

const { binary } = await findFfmpeg(process.env.FFMPEG_PATH);
const ready = !!binary && !!findExecutable('janus');

let server: TestServer;
let owner: Client, viewer: Client, kicked: Client, outsider: Client;
let roomId: number;
const S: Record<string, ClientSocket> = {};
let publisher: ChildProcess | null = null;

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const ack = await p;
  if (!ack.ok) throw new Error(`${ack.error.code}: ${ack.error.message}`);
  return ack.data;
}
async function fail(p: Promise<{ ok: boolean; error?: { code: string; message: string } }>): Promise<string> {
  const ack = await p;
  if (ack.ok) throw new Error('expected a refusal');
  return ack.error!.code;
}

describe.skipIf(!ready)('real-time live through Janus Streaming', () => {
  beforeAll(async () => {
    const janus = loadConfig({ JANUS_WS_PORT: '0', JANUS_RTP_PORTS: '32000-32999' }, { dataDir: '/tmp' }).janus;
    server = await startServer({ rtmpPort: 0, config: { janus, streamLadder: 'copy' } });
    await server.app.sfu.supervisor!.waitUp(20_000);
    await new Promise<void>((r) => (server.app.sfu.status() === 'up' ? r() : server.app.sfu.once('status', () => r())));
    [owner, viewer, kicked, outsider] = await newUsers(server, 'owner', 'viewer', 'kicked', 'outsider');
    roomId = (await roomWith(owner, [viewer, kicked])).id;
    for (const [k, c] of Object.entries({ owner, viewer, kicked, outsider })) {
      S[k] = await c.socket();
      if (k !== 'outsider') await ok(command(S[k]!, 'room:enter', { roomId }));
    }
  }, 60_000);
  afterAll(async () => {
    publisher?.kill('SIGKILL');
    for (const s of Object.values(S)) s.close();
    await server?.dispose();
  }, 30_000);

  it('no stream: no real-time playback', async () => {
    const t = await ok(command(S.viewer!, 'sfu:token', { roomId, role: 'live' }));
    expect(t.realtime).toBe(false);
    expect(await fail(command(S.viewer!, 'sfu:live-watch', { roomId, token: t.token }))).toBe('NOT_FOUND');
  }, 30_000);

  it('an RTMP publish is pushed into a mountpoint; members get an H.264 + Opus offer', async () => {
    const key = (await owner.get(`/api/rooms/${roomId}/stream/settings`)).body.streamKey as string;
    const available = nextEvent(S.viewer!, 'sfu:live', (f: any) => f.roomId === roomId && f.available, 45_000);
    publisher = spawn(
      binary!.ffmpeg,
      ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine',
        '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '30', '-c:a', 'aac', '-f', 'flv', `rtmp://127.0.0.1:${server.app.stream.rtmpPort}/live/${key}`],
      { stdio: 'ignore' },
    );
    await available;
    const t = await ok(command(S.viewer!, 'sfu:token', { roomId, role: 'live' }));
    expect(t.realtime).toBe(true);
    const w = await ok(command(S.viewer!, 'sfu:live-watch', { roomId, token: t.token }));
    expect(w.jsep.type).toBe('offer');
    expect(w.jsep.sdp).toMatch(/H264\/90000/);
    expect(w.jsep.sdp).toMatch(/opus\/48000/);
    // Someone else cannot stop or answer this viewer's session.
    const to = (await ok(command(S.owner!, 'sfu:token', { roomId, role: 'live' }))).token;
    expect(await fail(command(S.owner!, 'sfu:live-stop', { roomId, token: to, subId: w.subId }))).toBe('NOT_FOUND');
    expect(await command(S.viewer!, 'sfu:live-stop', { roomId, token: t.token, subId: w.subId })).toMatchObject({ ok: true });
  }, 60_000);

  it('refuses outsiders, kicked users, call tokens and viewer offers', async () => {
    expect(await fail(command(S.outsider!, 'sfu:token', { roomId, role: 'live' }))).toBe('NOT_MEMBER');
    const tk = (await ok(command(S.kicked!, 'sfu:token', { roomId, role: 'live' }))).token;
    expect((await owner.post(`/api/rooms/${roomId}/members/${kicked.userId}/kick`)).status).toBeLessThan(300);
    expect(await fail(command(S.kicked!, 'sfu:live-watch', { roomId, token: tk }))).toBe('NOT_MEMBER');
    const t = (await ok(command(S.viewer!, 'sfu:token', { roomId, role: 'live' }))).token;
    expect(await fail(command(S.outsider!, 'sfu:live-watch', { roomId, token: t }))).toBe('NOT_MEMBER');
    // A viewer never sends an offer (that would be publishing into the mountpoint).
    expect(await fail(command(S.viewer!, 'sfu:live-watch', { roomId, token: t, jsep: { type: 'offer', sdp: 'v=0 xxxxxxxxxxxxxxxxx' } }))).toBe('VALIDATION');
    expect(await fail(command(S.viewer!, 'sfu:live-start', { roomId, token: t, subId: '0123456789abcdef', jsep: { type: 'offer', sdp: 'v=0 xxxxxxxxxxxxxxxxx' } }))).toBe('VALIDATION');
    expect(await fail(command(S.viewer!, 'sfu:live-watch', { roomId, token: t.replace('.live.', '.call.') }))).toBe('FORBIDDEN');
  }, 30_000);

  it('the stream ends: the mountpoint and the push go', async () => {
    const gone = nextEvent(S.viewer!, 'sfu:live', (f: any) => f.roomId === roomId && !f.available, 45_000);
    publisher!.kill('SIGINT');
    await gone;
    expect(server.app.sfu.hasMount(roomId)).toBe(false);
    const t = (await ok(command(S.viewer!, 'sfu:token', { roomId, role: 'live' }))).token;
    expect(await fail(command(S.viewer!, 'sfu:live-watch', { roomId, token: t }))).toBe('NOT_FOUND');
  }, 60_000);
});
