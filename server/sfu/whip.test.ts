/**
 * WHIP ingest (RFC 9725) against the real server, the real Janus and FFmpeg, with Chromium's
 * RTCPeerConnection (fake camera) as the WHIP client: the room goes live for members like an RTMP
 * publish (facts, state, HLS playlist), the Real-time mountpoint gets the RTP (a second Chromium
 * page receives and decodes it), DELETE ends it; key rotation ends it and refuses the old key; a
 * publisher that closes its PeerConnection without DELETE ends it too.
 * Refusals (no key, wrong key, wrong content type, garbage SDP, no such room, foreign Origin,
 * already live) change nothing. Skipped without janus, FFmpeg or Chromium.
 */
import { spawn } from 'node:child_process';
import { chromium, type Browser, type Page } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callFlags, chromiumExecutable, HEADLESS_FLAGS } from '../../e2e/chromium.js';
import { findFfmpeg } from '../../media/ffmpeg-binary.js';
import { loadConfig } from '../config.js';
import { collect, command, newUsers, nextEvent, ok, roomWith, startServer, type Client, type ClientSocket, type TestServer } from '../test/harness.js';
import { until, webrtcPage } from '../test/webrtc-page.js';
import { findExecutable } from './janus-supervisor.js';

const { binary } = await findFfmpeg(process.env.FFMPEG_PATH);
const browserPath = (() => {
  try {
    return { ok: true, path: chromiumExecutable() };
  } catch {
    return { ok: false, path: undefined };
  }
})();
const ready = !!binary && !!findExecutable('janus') && browserPath.ok;
if (!ready) console.warn('WHIP tests skipped: they need janus, ffmpeg and Chromium');

// The page is only a WebRTC engine (no app UI, server/test/webrtc-page.ts): a WHIP client's offer,
// and a real-time viewer.
const PAGE_LIB = `
window.whipOffer = async (name) => {
  const pc = new RTCPeerConnection();
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 640, height: 360, frameRate: 30 } });
  for (const t of stream.getTracks()) pc.addTransceiver(t, { direction: 'sendonly', streams: [stream] });
  await pc.setLocalDescription(await pc.createOffer());
  await window.gathered(pc);
  window.pcs[name] = pc;
  return pc.localDescription.sdp;
};
window.drop = (name) => { window.pcs[name]?.close(); delete window.pcs[name]; };
window.videoIn = async (name) => {
  const out = { bytes: 0, frames: 0 };
  (await window.pcs[name].getStats()).forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'video') { out.bytes += s.bytesReceived || 0; out.frames += s.framesDecoded || 0; } });
  return out;
};
`;

let server: TestServer;
let browser: Browser;
let pubPage: Page, viewPage: Page;
let owner: Client, viewer: Client;
let roomId: number;
let otherRoomId: number;
let key = '';
/** The session URL (Location) of the live WHIP stream. */
let sessionUrl = '';
const S: Record<string, ClientSocket> = {};

/** A WHIP request as OBS makes it: no cookie, no Origin. */
function whip(method: string, path: string, opts: { key?: string; type?: string; body?: string; origin?: string } = {}) {
  const headers: Record<string, string> = {};
  if (opts.key !== undefined) headers.authorization = `Bearer ${opts.key}`;
  if (opts.type) headers['content-type'] = opts.type;
  if (opts.origin) headers.origin = opts.origin;
  return fetch(path.startsWith('http') ? path : server.url + path, { method, headers, body: opts.body });
}
const endpoint = (id = roomId) => `/api/rooms/${id}/stream/whip`;
const errorOf = async (r: Response) => ((await r.json()) as { error: { code: string } }).error.code;
const streamState = async () => (await viewer.get(`/api/rooms/${roomId}/stream`)).body as { status: string; streamId: string | null; playlistUrl: string | null };

/** Chromium offers, our endpoint answers, Chromium connects to Janus. Returns the session URL and the answer. */
async function publish(name: string): Promise<{ url: string; answer: string }> {
  const offer = (await pubPage.evaluate(`window.whipOffer(${JSON.stringify(name)})`)) as string;
  const r = await whip('POST', endpoint(), { key, type: 'application/sdp', body: offer });
  if (r.status !== 201) throw new Error(`POST answered ${r.status}: ${await r.text()}`);
  expect(r.headers.get('content-type')).toMatch(/^application\/sdp/);
  const location = r.headers.get('location')!;
  expect(location).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/api/rooms/${roomId}/stream/whip/[0-9a-f]{32}$`));
  const answer = await r.text();
  expect(answer).toMatch(/^v=0\r?\n/);
  expect(answer).toMatch(/m=video [1-9]/);
  await pubPage.evaluate(`window.answered(${JSON.stringify(name)}, ${JSON.stringify(answer)})`);
  await until('publisher connected to Janus', async () => (await pubPage.evaluate(`window.state(${JSON.stringify(name)})`)) === 'connected');
  return { url: location, answer };
}

describe.skipIf(!ready)('WHIP ingest into Janus', () => {
  beforeAll(async () => {
    const janus = loadConfig({ JANUS_WS_PORT: '0', JANUS_RTP_PORTS: '33000-33999' }, { dataDir: '/tmp' }).janus;
    server = await startServer({ rtmpPort: 0, config: { janus } });
    await server.app.sfu.supervisor!.waitUp(20_000);
    await new Promise<void>((r) => (server.app.sfu.status() === 'up' ? r() : server.app.sfu.once('status', () => r())));
    let outsider: Client;
    [owner, viewer, outsider] = await newUsers(server, 'owner', 'viewer', 'outsider');
    roomId = (await roomWith(owner, [viewer])).id;
    otherRoomId = (await roomWith(outsider, [])).id;
    for (const [k, c] of Object.entries({ owner, viewer })) {
      S[k] = await c.socket();
      await ok(command(S[k]!, 'room:enter', { roomId }));
    }
    const settings = (await owner.get(`/api/rooms/${roomId}/stream/settings`)).body as { streamKey: string; whipUrl: string | null };
    key = settings.streamKey;
    expect(settings.whipUrl).toBe(`${server.url}${endpoint()}`);
    browser = await chromium.launch({ executablePath: browserPath.path, args: [...HEADLESS_FLAGS, ...callFlags()] });
    [pubPage, viewPage] = [await webrtcPage(browser, server.url, PAGE_LIB), await webrtcPage(browser, server.url, PAGE_LIB)];
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    for (const s of Object.values(S)) s.close();
    await server?.dispose();
  }, 30_000);

  it('refuses a missing or wrong key, a wrong content type, garbage SDP, an unknown room and a foreign Origin; nothing changes', async () => {
    const facts = [collect(S.viewer!, 'stream:started'), collect(S.viewer!, 'stream:ended'), collect(S.viewer!, 'sfu:live')];
    const offer = (await pubPage.evaluate("window.whipOffer('refused')")) as string;
    const sdp = { type: 'application/sdp', body: offer };

    const none = await whip('POST', endpoint(), sdp);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await errorOf(none)).toBe('UNAUTHENTICATED');
    const wrong = await whip('POST', endpoint(), { ...sdp, key: `live_${'A'.repeat(32)}` });
    expect([wrong.status, await errorOf(wrong)]).toEqual([401, 'UNAUTHENTICATED']);
    // This room's key does not open another room.
    const other = await whip('POST', endpoint(otherRoomId), { ...sdp, key });
    expect([other.status, await errorOf(other)]).toEqual([401, 'UNAUTHENTICATED']);
    const json = await whip('POST', endpoint(), { key, type: 'application/json', body: JSON.stringify({ sdp: offer }) });
    expect([json.status, await errorOf(json)]).toEqual([415, 'VALIDATION']);
    const garbage = await whip('POST', endpoint(), { key, type: 'application/sdp', body: 'hello, I am not SDP' });
    expect([garbage.status, await errorOf(garbage)]).toEqual([400, 'VALIDATION']);
    const noVideo = await whip('POST', endpoint(), { key, type: 'application/sdp', body: offer.replace(/m=video[\s\S]*$/, '') });
    expect([noVideo.status, await errorOf(noVideo)]).toEqual([400, 'VALIDATION']);
    const huge = await whip('POST', endpoint(), { key, type: 'application/sdp', body: offer + 'a=x-pad:'.padEnd(70_000, 'x') + '\r\n' });
    expect(huge.status).toBe(413);
    const noRoom = await whip('POST', endpoint(987654), { ...sdp, key });
    expect([noRoom.status, await errorOf(noRoom)]).toEqual([404, 'NOT_FOUND']);
    const foreign = await whip('POST', endpoint(), { ...sdp, key, origin: 'https://evil.example' });
    expect([foreign.status, await errorOf(foreign)]).toEqual([403, 'ORIGIN_NOT_ALLOWED']);
    const patch = await whip('PATCH', `${endpoint()}/${'0'.repeat(32)}`, { key, type: 'application/trickle-ice-sdpfrag', body: 'a=end-of-candidates' });
    expect(patch.status).toBe(405);
    expect(patch.headers.get('allow')).toBe('DELETE');

    expect(await streamState()).toMatchObject({ status: 'offline', streamId: null });
    expect(await server.app.whip!.publishersAtJanus(roomId)).toBe(0);
    expect(server.app.sfu.hasMount(roomId)).toBe(false);
    await pubPage.evaluate("window.drop('refused')");
    for (const f of facts) {
      f.stop();
      expect([...f]).toEqual([]);
    }
  }, 60_000);

  it('a room live over RTMP refuses a WHIP publish (409) and its stream goes on', async () => {
    const started = nextEvent(S.viewer!, 'stream:started', (f: any) => f.roomId === roomId, 45_000);
    const rtmp = spawn(
      binary!.ffmpeg,
      ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=30', '-f', 'lavfi', '-i', 'sine',
        '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-g', '30', '-c:a', 'aac', '-f', 'flv', `rtmp://127.0.0.1:${server.app.stream.rtmpPort}/live/${key}`],
      { stdio: 'ignore' },
    );
    try {
      await started;
      const before = await streamState();
      const offer = (await pubPage.evaluate("window.whipOffer('refused')")) as string;
      const r = await whip('POST', endpoint(), { key, type: 'application/sdp', body: offer });
      expect([r.status, await errorOf(r)]).toEqual([409, 'CONFLICT']);
      expect(await streamState()).toMatchObject({ status: 'live', streamId: before.streamId });
      expect(await server.app.whip!.publishersAtJanus(roomId)).toBe(0);
      await pubPage.evaluate("window.drop('refused')");
    } finally {
      const ended = nextEvent(S.viewer!, 'stream:ended', (f: any) => f.roomId === roomId, 30_000);
      rtmp.kill('SIGINT');
      await ended;
    }
  }, 90_000);

  it('publishing goes live for members: facts, state, HLS playlist, and RTP that a real-time viewer decodes', async () => {
    const realtime = nextEvent(S.viewer!, 'sfu:live', (f: any) => f.roomId === roomId && f.available, 30_000);
    const started = nextEvent(S.viewer!, 'stream:started', (f: any) => f.roomId === roomId, 45_000);
    const pub = await publish('pub');
    sessionUrl = pub.url;
    await realtime;
    const fact = await started;
    expect(fact.state).toMatchObject({ roomId, status: 'live' });
    const st = await streamState();
    expect(st.status).toBe('live');
    expect(st.streamId).toBe(fact.state.streamId);
    // H.264 from the publisher is copied into the HLS (no re-encode); Opus becomes AAC.
    if (/H264\/90000/.test(pub.answer)) expect(fact.state.renditions).toMatchObject([{ copy: true }]);
    expect(await server.app.whip!.publishersAtJanus(roomId)).toBe(1);
    // Moderators' stream health knows the source.
    const health = (await owner.get(`/api/rooms/${roomId}/stream/health`)).body.health;
    expect(health).toMatchObject({ status: 'live', videoCodec: /H264\/90000/.test(pub.answer) ? 'h264' : 'vp8', audioCodec: 'opus' });

    // Standard: the HLS playlists exist and list segments (members only).
    const master = await viewer.get(st.playlistUrl!);
    expect(master.status).toBe(200);
    expect(String(master.body)).toMatch(/#EXTM3U/);
    const variant = await viewer.get(st.playlistUrl!.replace('master.m3u8', 'v0/index.m3u8'));
    expect(String(variant.body)).toMatch(/#EXTINF/);

    // Real-time: the mountpoint relays the publisher's RTP; a Chromium viewer decodes frames.
    const t = await ok<{ token: string; realtime: boolean }>(command(S.viewer!, 'sfu:token', { roomId, role: 'live' }));
    expect(t.realtime).toBe(true);
    const w = await ok<{ subId: string; jsep: { sdp: string } }>(command(S.viewer!, 'sfu:live-watch', { roomId, token: t.token }));
    expect(w.jsep.sdp).toMatch(/H264\/90000|VP8\/90000/);
    const answer = await viewPage.evaluate(`window.answerTo('live', ${JSON.stringify(w.jsep.sdp)})`);
    await ok(command(S.viewer!, 'sfu:live-start', { roomId, token: t.token, subId: w.subId, jsep: { type: 'answer', sdp: answer } }));
    await until('real-time frames decoded', async () => {
      const v = (await viewPage.evaluate("window.videoIn('live')")) as { bytes: number; frames: number };
      return v.frames > 10;
    }, 45_000);
    await ok(command(S.viewer!, 'sfu:live-stop', { roomId, token: t.token, subId: w.subId }));
    await viewPage.evaluate("window.drop('live')");
  }, 120_000);

  it('a room that is live refuses a second publish (409) and keeps its stream; bad DELETEs are refused', async () => {
    const before = await streamState();
    const offer = (await pubPage.evaluate("window.whipOffer('second')")) as string;
    const again = await whip('POST', endpoint(), { key, type: 'application/sdp', body: offer });
    expect([again.status, await errorOf(again)]).toEqual([409, 'CONFLICT']);
    await pubPage.evaluate("window.drop('second')");
    const bogus = await whip('DELETE', `${endpoint()}/${'f'.repeat(32)}`, { key });
    expect([bogus.status, await errorOf(bogus)]).toEqual([404, 'NOT_FOUND']);
    expect(await streamState()).toMatchObject({ status: 'live', streamId: before.streamId });
  }, 30_000);

  it('DELETE of the session URL ends the stream like an RTMP unpublish', async () => {
    const noKey = await whip('DELETE', sessionUrl);
    expect(noKey.status).toBe(401);
    const ended = nextEvent(S.viewer!, 'stream:ended', (f: any) => f.roomId === roomId, 30_000);
    const gone = nextEvent(S.viewer!, 'sfu:live', (f: any) => f.roomId === roomId && !f.available, 30_000);
    const del = await whip('DELETE', sessionUrl, { key });
    expect(del.status).toBe(200);
    expect((await ended).reason).toBe('stopped');
    await gone;
    expect(await streamState()).toMatchObject({ status: 'offline', streamId: null });
    expect(await server.app.whip!.publishersAtJanus(roomId)).toBe(0);
    expect(server.app.sfu.hasMount(roomId)).toBe(false);
    expect((await whip('DELETE', sessionUrl, { key })).status).toBe(404);
    await pubPage.evaluate("window.drop('pub')");
  }, 60_000);

  it('rotating the key ends a WHIP stream and the old key is refused', async () => {
    const started = nextEvent(S.viewer!, 'stream:started', (f: any) => f.roomId === roomId, 45_000);
    await publish('pub2');
    await started;
    const ended = nextEvent(S.viewer!, 'stream:ended', (f: any) => f.roomId === roomId, 30_000);
    const rotated = await owner.post(`/api/rooms/${roomId}/stream/key/rotate`);
    expect(rotated.status).toBe(200);
    expect((await ended).reason).toBe('key_rotated');
    expect(await server.app.whip!.publishersAtJanus(roomId)).toBe(0);
    const offer = (await pubPage.evaluate("window.whipOffer('old')")) as string;
    const old = await whip('POST', endpoint(), { key, type: 'application/sdp', body: offer });
    expect([old.status, await errorOf(old)]).toEqual([401, 'UNAUTHENTICATED']);
    expect(await streamState()).toMatchObject({ status: 'offline' });
    await pubPage.evaluate("window.drop('old'); window.drop('pub2')");
  }, 90_000);

  it('a publisher that goes away without DELETE (its PeerConnection closed) ends the stream', async () => {
    key = ((await owner.get(`/api/rooms/${roomId}/stream/settings`)).body as { streamKey: string }).streamKey;
    const started = nextEvent(S.viewer!, 'stream:started', (f: any) => f.roomId === roomId, 45_000);
    await publish('pub3');
    await started;
    const ended = nextEvent(S.viewer!, 'stream:ended', (f: any) => f.roomId === roomId, 45_000);
    await pubPage.evaluate("window.drop('pub3')");
    expect((await ended).reason).toBe('stopped');
    expect(await streamState()).toMatchObject({ status: 'offline' });
    expect(await server.app.whip!.publishersAtJanus(roomId)).toBe(0);
    expect(server.app.sfu.hasMount(roomId)).toBe(false);
  }, 90_000);
});
