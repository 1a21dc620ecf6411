/**
 * Live streaming end to end: a real RTMP publish (FFmpeg testsrc) into the real server, HLS out,
 * served to members only. Needs an FFmpeg binary (system, FFMPEG_PATH, or the bundled npm one);
 * without any, the suite is skipped with a message.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFfmpeg } from '../../media/ffmpeg-binary.js';
import { runningFfmpegPids } from '../../media/ffmpeg-runner.js';
import { finishedPlaylistProblems, parseMasterPlaylist, parseMediaPlaylist } from '../../media/hls-playlist.js';
import type { StreamHealth, StreamState, Vod } from '../../protocol/stream.js';
import { rawDb, Client, collect, command, newUsers, nextEvent, roomWith, sleep, startServer, type ClientSocket, type TestServer } from '../test/harness.js';

const { binary } = await findFfmpeg(process.env.FFMPEG_PATH);
if (!binary) console.warn('[stream tests] SKIPPED: no ffmpeg binary found (install ffmpeg, set FFMPEG_PATH, or install the optional @ffmpeg-installer/ffmpeg)');
const FFMPEG = binary?.ffmpeg ?? 'ffmpeg';

const publishers = new Set<ChildProcess>();

/** Publishes testsrc2 + a sine tone over RTMP until killed. */
function publish(port: number, key: string): ChildProcess {
  const child = spawn(
    FFMPEG,
    ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine',
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '30', '-c:a', 'aac', '-f', 'flv', `rtmp://127.0.0.1:${port}/live/${key}`],
    { stdio: 'ignore' },
  );
  publishers.add(child);
  child.once('exit', () => publishers.delete(child));
  return child;
}

function exitOf(child: ChildProcess, timeoutMs: number): Promise<number | null | 'timeout'> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve('timeout'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function fetchBytes(c: Client, path: string): Promise<{ status: number; type: string | null; body: Buffer; cache: string | null }> {
  const res = await fetch(c.url + path, { headers: c.cookie ? { cookie: c.cookie } : {} });
  return { status: res.status, type: res.headers.get('content-type'), cache: res.headers.get('cache-control'), body: Buffer.from(await res.arrayBuffer()) };
}

/**
 * After a stream ended: what a member fetches is a valid, complete HLS presentation (issue 17 #8:
 * it used to be a bare `#EXT-X-ENDLIST` with the last segment left at 0 bytes). Every variant
 * playlist parses, lists segments that exist on disk and are not empty, ends with ENDLIST, and no
 * cut-short leftovers (empty or temp files) sit beside it. Returns the variants' segment counts.
 */
async function expectFinishedHls(c: Client, server: TestServer, roomId: number, streamId: string): Promise<number[]> {
  const base = `/api/rooms/${roomId}/stream/hls/${streamId}/`;
  const master = await fetchBytes(c, `${base}master.m3u8`);
  expect(master.status).toBe(200);
  const parsedMaster = parseMasterPlaylist(master.body.toString());
  expect(parsedMaster).toMatchObject({ ok: true });
  if (!parsedMaster.ok) return [];
  const counts: number[] = [];
  for (const v of parsedMaster.playlist.variants) {
    const res = await fetchBytes(c, base + v.uri);
    expect(res.status, v.uri).toBe(200);
    const text = res.body.toString();
    const dir = server.app.stream.hlsFile(roomId, streamId, v.uri.replace(/\/index\.m3u8$/, ''));
    const files = new Map(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).size] as const));
    expect(finishedPlaylistProblems(text, { files }), `${v.uri}:\n${text}`).toEqual([]);
    const parsed = parseMediaPlaylist(text);
    if (parsed.ok) counts.push(parsed.playlist.segments.length);
    // A member can fetch every listed segment, and the last one holds media.
    if (parsed.ok) {
      const lastSeg = parsed.playlist.segments.at(-1)!;
      const seg = await fetchBytes(c, base + v.uri.replace(/index\.m3u8$/, '') + lastSeg.uri);
      expect(seg.status).toBe(200);
      expect(seg.body.length).toBeGreaterThan(0);
    }
  }
  return counts;
}

/** A media file's duration (s), decoded to the end: FFmpeg's last `time=` on a null output. */
function mediaSeconds(file: string): number {
  const r = spawnSync(FFMPEG, ['-hide_banner', '-nostats', '-progress', 'pipe:1', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
  const times = [...r.stdout.matchAll(/out_time_us=(\d+)/g)].map((m) => Number(m[1]));
  return (times.at(-1) ?? 0) / 1e6;
}

describe.skipIf(!binary)('live streaming (real RTMP publish)', () => {
  let server: TestServer;
  let owner: Client;
  let mod: Client;
  let member: Client;
  let outsider: Client;
  let anon: Client;
  let roomId: number;
  let ms: ClientSocket;
  let os: ClientSocket;
  let port: number;
  const tmp = mkdtempSync(join(tmpdir(), 'commonroom-stream-test-'));

  beforeAll(async () => {
    server = await startServer({ rtmpPort: 0, config: { ffmpegPath: process.env.FFMPEG_PATH } });
    port = server.app.stream.rtmpPort;
    expect(port).toBeGreaterThan(0);
    [owner, mod, member, outsider] = await newUsers(server, 'owner', 'moddy', 'member', 'outsider');
    anon = new Client(server.url);
    roomId = (await roomWith(owner, [mod, member])).id;
    expect((await owner.put(`/api/rooms/${roomId}/members/${mod.userId}/role`, { role: 'moderator' })).status).toBe(200);
    ms = await member.socket();
    os = await owner.socket();
    await command(ms, 'room:enter', { roomId });
    await command(os, 'room:enter', { roomId });
  }, 30_000);

  afterAll(async () => {
    for (const p of publishers) p.kill('SIGKILL');
    ms?.close();
    os?.close();
    await server?.dispose();
    rmSync(tmp, { recursive: true, force: true });
  });

  const settings = async (c: Client = owner) => {
    const r = await c.get(`/api/rooms/${roomId}/stream/settings`);
    expect(r.status).toBe(200);
    return r.body as { rtmpUrl: string; streamKey: string; fullUrl: string; enabled: boolean; record: boolean };
  };

  it('owner and moderators get the RTMP URL and key; others do not; the database keeps no key in the clear', async () => {
    const s = await settings(owner);
    expect(s.enabled).toBe(true);
    expect(s.rtmpUrl).toBe(`rtmp://127.0.0.1:${port}/live`);
    expect(s.streamKey).toMatch(/^live_[A-Za-z0-9_-]{32}$/);
    expect(s.fullUrl).toBe(`${s.rtmpUrl}/${s.streamKey}`);
    expect((await settings(mod)).streamKey).toBe(s.streamKey);
    const r = await owner.get(`/api/rooms/${roomId}/stream/settings`);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(await member.get(`/api/rooms/${roomId}/stream/settings`)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    expect(await outsider.get(`/api/rooms/${roomId}/stream/settings`)).toMatchObject({ status: 403, body: { error: { code: 'NOT_MEMBER' } } });
    expect(await anon.get(`/api/rooms/${roomId}/stream/settings`)).toMatchObject({ status: 401 });
    expect(await member.post(`/api/rooms/${roomId}/stream/key/rotate`)).toMatchObject({ status: 403 });
    expect(await outsider.patch(`/api/rooms/${roomId}/stream/settings`, { record: true })).toMatchObject({ status: 403 });
    const row = (await rawDb(server.app.db).get('SELECT * FROM room_streams WHERE room_id = ?', roomId)) as Record<string, unknown>;
    expect(JSON.stringify(row)).not.toContain(s.streamKey);
    expect(JSON.stringify(row)).not.toContain(s.streamKey.slice(5, 20));
  });

  it('refuses outsiders and logged-out users on every route, and members on moderator routes', async () => {
    const routes: [string, string, 'member' | 'moderator'][] = [
      ['GET', `/api/rooms/${roomId}/stream`, 'member'],
      ['GET', `/api/rooms/${roomId}/stream/settings`, 'moderator'],
      ['PATCH', `/api/rooms/${roomId}/stream/settings`, 'moderator'],
      ['POST', `/api/rooms/${roomId}/stream/key/rotate`, 'moderator'],
      ['POST', `/api/rooms/${roomId}/stream/stop`, 'moderator'],
      ['GET', `/api/rooms/${roomId}/stream/health`, 'moderator'],
      ['GET', `/api/rooms/${roomId}/stream/hls/abcdef123/master.m3u8`, 'member'],
      ['GET', `/api/rooms/${roomId}/vods`, 'member'],
      ['GET', `/api/rooms/${roomId}/vods/1/video.mp4`, 'member'],
      ['GET', `/api/rooms/${roomId}/vods/1/poster.jpg`, 'member'],
      ['DELETE', `/api/rooms/${roomId}/vods/1`, 'moderator'],
    ];
    const before = (await settings()).streamKey;
    for (const [method, path, min] of routes) {
      const body = method === 'PATCH' ? { record: true } : method === 'POST' ? {} : undefined;
      expect(await outsider.req(method, path, body), `${method} ${path}`).toMatchObject({ status: 403, body: { error: { code: 'NOT_MEMBER' } } });
      expect((await anon.req(method, path, body)).status, `${method} ${path}`).toBe(401);
      if (min === 'moderator') expect(await member.req(method, path, body), `${method} ${path}`).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
    }
    const after = await settings();
    expect(after.streamKey).toBe(before);
    expect(after.record).toBe(false);
  });

  it('refuses garbage input', async () => {
    expect(await owner.get('/api/rooms/abc/stream/settings')).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION' } } });
    expect(await owner.patch(`/api/rooms/${roomId}/stream/settings`, { record: 'yes' })).toMatchObject({ status: 400 });
    expect(await owner.patch(`/api/rooms/${roomId}/stream/settings`, { record: true, key: 'mine' })).toMatchObject({ status: 400 });
    expect(await owner.get('/api/rooms/999999/stream')).toMatchObject({ status: 404 });
    expect(await owner.post(`/api/rooms/${roomId}/stream/stop`)).toMatchObject({ status: 404 });
    expect(await member.post(`/api/rooms/${roomId}/stream/stop`)).toMatchObject({ status: 403 });
    expect(await owner.get(`/api/rooms/${roomId}/vods/abc/video.mp4`)).toMatchObject({ status: 400 });
    expect(await command(ms, 'stream:status', { roomId: 'x' })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await command(ms, 'stream:status', { roomId, extra: 1 })).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const xs = await outsider.socket();
    expect(await command(xs, 'stream:status', { roomId })).toMatchObject({ ok: false, error: { code: 'NOT_MEMBER' } });
    xs.close();
    expect(await command(ms, 'stream:status', { roomId })).toMatchObject({ ok: true, data: { status: 'offline', playlistUrl: null } });
  });

  it('refuses a publish with an unknown key', async () => {
    const started = collect(ms, 'stream:started');
    const p = publish(port, `live_${'A'.repeat(32)}`);
    expect(await exitOf(p, 8000)).not.toBe('timeout');
    const q = publish(port, 'not-even-a-key');
    expect(await exitOf(q, 8000)).not.toBe('timeout');
    started.stop();
    expect(started).toHaveLength(0);
    expect((await member.get(`/api/rooms/${roomId}/stream`)).body.status).toBe('offline');
  }, 20_000);

  it('refuses a publish with a rotated key', async () => {
    const old = (await settings()).streamKey;
    const rotated = await owner.post(`/api/rooms/${roomId}/stream/key/rotate`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.streamKey).not.toBe(old);
    const p = publish(port, old);
    expect(await exitOf(p, 8000)).not.toBe('timeout');
    expect((await member.get(`/api/rooms/${roomId}/stream`)).body.status).toBe('offline');
  }, 20_000);

  it('refuses a publish into a closed (archived) room, with its current key', async () => {
    const { streamKey } = await settings();
    server.app.rooms.setClosed(roomId, true);
    try {
      const started = collect(ms, 'stream:started');
      const p = publish(port, streamKey);
      expect(await exitOf(p, 8000)).not.toBe('timeout');
      started.stop();
      expect(started).toHaveLength(0);
      expect((await member.get(`/api/rooms/${roomId}/stream`)).body.status).toBe('offline');
    } finally {
      server.app.rooms.setClosed(roomId, false);
    }
  }, 20_000);

  it('goes live: members are told, members fetch playable HLS, outsiders cannot, the broadcaster sees health', async () => {
    const { streamKey } = await settings();
    const t0 = Date.now();
    const lobby = collect<{ roomId: number; live: boolean }>(ms, 'lobby:stream');
    const viewers = collect<{ roomId: number; viewers: number }>(ms, 'stream:viewers');
    const startedP = nextEvent<{ state: StreamState; seq: number }>(ms, 'stream:started', () => true, 20_000);
    const pub = publish(port, streamKey);
    const { state } = await startedP;
    const startMs = Date.now() - t0;
    console.info(`[stream tests] publish -> stream:started in ${startMs} ms`);
    expect(state).toMatchObject({ roomId, status: 'live' });
    expect(state.playlistUrl).toBe(`/api/rooms/${roomId}/stream/hls/${state.streamId}/master.m3u8`);
    expect(state.renditions.length).toBeGreaterThan(0);

    // Master playlist, variant playlist, a segment that decodes.
    const master = await fetchBytes(member, state.playlistUrl!);
    expect(master.status).toBe(200);
    expect(master.type).toBe('application/vnd.apple.mpegurl');
    expect(master.cache).toContain('no-cache');
    const variants = master.body.toString().split('\n').filter((l) => l && !l.startsWith('#'));
    expect(variants.length).toBe(state.renditions.length);
    const base = state.playlistUrl!.replace(/master\.m3u8$/, '');
    const variant = await fetchBytes(member, base + variants[0]);
    expect(variant.status).toBe(200);
    const text = variant.body.toString();
    expect(text).toContain('#EXT-X-TARGETDURATION:1');
    expect(text).not.toContain('#EXT-X-ENDLIST');
    // Every segment is dated (players show the real delay from it), dates close to the server clock.
    const livePl = parseMediaPlaylist(text);
    expect(livePl.ok).toBe(true);
    if (livePl.ok) {
      for (const sg of livePl.playlist.segments) expect(Math.abs(Date.now() - sg.programDateTime!)).toBeLessThan(60_000);
    }
    expect(state.ingestLagMs).toBeGreaterThanOrEqual(0);
    expect(state.ingestLagMs).toBeLessThan(10_000);
    const segName = text.split('\n').filter((l) => l.endsWith('.ts')).pop()!;
    const segPath = base + variants[0]!.replace(/index\.m3u8$/, '') + segName;
    const seg = await fetchBytes(member, segPath);
    expect(seg.status).toBe(200);
    expect(seg.type).toBe('video/mp2t');
    const segFile = join(tmp, 'seg.ts');
    writeFileSync(segFile, seg.body);
    expect(spawnSync(FFMPEG, ['-v', 'error', '-i', segFile, '-f', 'null', '-']).status).toBe(0);

    // Members only.
    expect((await fetchBytes(outsider, state.playlistUrl!)).status).toBe(403);
    expect((await fetchBytes(anon, state.playlistUrl!)).status).toBe(401);
    expect((await fetchBytes(outsider, segPath)).status).toBe(403);
    // No way out of the stream directory, no other file names.
    for (const bad of ['../../../../etc/passwd', '%2e%2e/%2e%2e/commonroom.sqlite', `${state.streamId}/../../../commonroom.sqlite`, `${state.streamId}/v0/../../x.m3u8`, `${state.streamId}/master.m3u8.bak`, `${state.streamId}/v0/seg1.mp4`]) {
      const r = await fetchBytes(member, `/api/rooms/${roomId}/stream/hls/${bad}`);
      expect([400, 404], bad).toContain(r.status);
      expect(r.body.toString()).not.toContain('SQLite');
    }

    // Viewer counted (the member fetched a playlist), lobby flag set, status via socket and HTTP.
    const st = await command(ms, 'stream:status', { roomId });
    expect(st).toMatchObject({ ok: true, data: { status: 'live', streamId: state.streamId, viewers: 1 } });
    const mine = await member.get('/api/rooms/mine');
    expect(mine.body.rooms.find((r: { id: number }) => r.id === roomId)).toMatchObject({ live: true });

    // Health reaches the owner (a moderator), not the member.
    const memberHealth = collect(ms, 'stream:health');
    const health = await nextEvent<StreamHealth>(os, 'stream:health', (h) => h.roomId === roomId && h.fps > 0, 8000);
    memberHealth.stop();
    expect(memberHealth).toHaveLength(0);
    expect(health).toMatchObject({ streamId: state.streamId, status: 'live', width: 640, height: 360, videoCodec: 'h264', audioCodec: 'aac' });
    expect(health.inputKbps).toBeGreaterThan(0);
    expect(health.speed).toBeGreaterThan(0.5);
    expect(health.uptimeMs).toBeGreaterThan(1000);
    expect((await member.get(`/api/rooms/${roomId}/stream/health`)).status).toBe(403);
    expect((await owner.get(`/api/rooms/${roomId}/stream/health`)).body.health).toMatchObject({ streamId: state.streamId });
    // Lobbies learn the room is live; members in the room get the viewer count.
    expect(lobby).toContainEqual({ roomId, live: true });
    expect(viewers.some((v) => v.roomId === roomId && v.viewers === 1)).toBe(true);
    viewers.stop();

    // A second publisher with the same key while live is refused; the stream goes on.
    const second = publish(port, streamKey);
    expect(await exitOf(second, 8000)).not.toBe('timeout');
    expect(server.app.stream.isLive(roomId)).toBe(true);

    // The publisher stops: the room is told within a few seconds, FFmpeg is gone, playlists end.
    const pids = server.app.stream.transcoderPids();
    expect(pids).toHaveLength(1);
    const endedP = nextEvent<{ streamId: string; reason: string }>(ms, 'stream:ended', () => true, 10_000);
    const stoppedAt = Date.now();
    pub.kill('SIGKILL');
    const ended = await endedP;
    const endMs = Date.now() - stoppedAt;
    console.info(`[stream tests] publisher killed -> stream:ended in ${endMs} ms`);
    expect(ended).toMatchObject({ streamId: state.streamId, reason: 'stopped' });
    expect(endMs).toBeLessThan(5000);
    expect(alive(pids[0]!)).toBe(false);
    expect(runningFfmpegPids()).toEqual([]);
    // The member's playlists are a valid, complete, ended HLS presentation (issue 17 #8).
    await expectFinishedHls(member, server, roomId, state.streamId!);
    expect((await member.get(`/api/rooms/${roomId}/stream`)).body.status).toBe('offline');
    expect((await member.get('/api/rooms/mine')).body.rooms.find((r: { id: number }) => r.id === roomId)).toMatchObject({ live: false });
    lobby.stop();
    expect(lobby).toContainEqual({ roomId, live: false });
  }, 60_000);

  it('rotating the key disconnects the live publisher at once', async () => {
    const { streamKey } = await settings();
    const startedP = nextEvent<{ state: StreamState }>(ms, 'stream:started', () => true, 20_000);
    const pub = publish(port, streamKey);
    const { state } = await startedP;
    const endedP = nextEvent<{ streamId: string; reason: string }>(ms, 'stream:ended', () => true, 10_000);
    expect((await mod.post(`/api/rooms/${roomId}/stream/key/rotate`)).status).toBe(200);
    expect(await endedP).toMatchObject({ streamId: state.streamId, reason: 'key_rotated' });
    expect(await exitOf(pub, 8000)).not.toBe('timeout');
    expect(runningFfmpegPids()).toEqual([]);
    await expectFinishedHls(member, server, roomId, state.streamId!);
  }, 40_000);

  it('a moderator stopping the stream disconnects the publisher and leaves complete playlists', async () => {
    const { streamKey } = await settings();
    const startedP = nextEvent<{ state: StreamState }>(ms, 'stream:started', () => true, 20_000);
    const pub = publish(port, streamKey);
    const { state } = await startedP;
    const endedP = nextEvent<{ streamId: string; reason: string }>(ms, 'stream:ended', () => true, 10_000);
    expect((await mod.post(`/api/rooms/${roomId}/stream/stop`)).status).toBe(204);
    expect(await endedP).toMatchObject({ streamId: state.streamId, reason: 'kicked' });
    expect(await exitOf(pub, 8000)).not.toBe('timeout');
    expect(runningFfmpegPids()).toEqual([]);
    await expectFinishedHls(member, server, roomId, state.streamId!);
  }, 40_000);

  it('an FFmpeg crash ends the stream with an error and the server carries on', async () => {
    const { streamKey } = await settings();
    const startedP = nextEvent<{ state: StreamState }>(ms, 'stream:started', () => true, 20_000);
    const pub = publish(port, streamKey);
    const { state } = await startedP;
    const [pid] = server.app.stream.transcoderPids();
    const endedP = nextEvent<{ reason: string; error: string | null }>(ms, 'stream:ended', () => true, 10_000);
    process.kill(pid!, 'SIGKILL');
    const ended = await endedP;
    expect(ended.reason).toBe('error');
    expect(ended.error).toMatch(/SIGKILL|killed/);
    expect(ended.error).not.toMatch(/live_/);
    expect(await exitOf(pub, 8000)).not.toBe('timeout'); // the publisher was disconnected too
    // Even a killed FFmpeg leaves playable, closed playlists (no half-written leftovers).
    await expectFinishedHls(member, server, roomId, state.streamId!);
    expect((await member.get('/api/health')).status).toBe(200);
    expect(runningFfmpegPids()).toEqual([]);
  }, 40_000);

  it('a publisher sending garbage does not hurt the server', async () => {
    for (const payload of [Buffer.alloc(4096, 0xff), Buffer.concat([Buffer.from([3]), Buffer.alloc(1536, 7), Buffer.alloc(3000, 0x41)]), Buffer.from('GET / HTTP/1.1\r\n\r\n')]) {
      await new Promise<void>((resolve) => {
        const sock = connect(port, '127.0.0.1', () => sock.write(payload));
        sock.on('error', () => resolve());
        sock.on('close', () => resolve());
        setTimeout(() => {
          sock.destroy();
          resolve();
        }, 1500);
      });
    }
    expect((await member.get('/api/health')).status).toBe(200);
    expect((await member.get(`/api/rooms/${roomId}/stream`)).body.status).toBe('offline');
  }, 20_000);

  it('records a VOD with a poster when the room records; members can list and play it', async () => {
    expect((await owner.patch(`/api/rooms/${roomId}/stream/settings`, { record: true })).body.record).toBe(true);
    const { streamKey } = await settings();
    const startedP = nextEvent<{ state: StreamState }>(ms, 'stream:started', () => true, 20_000);
    const pub = publish(port, streamKey);
    const { state } = await startedP;
    const liveFrom = Date.now();
    await sleep(2500);
    const endedP = nextEvent<{ vodId: number | null }>(ms, 'stream:ended', () => true, 10_000);
    // A publisher that vanishes (network loss, crash): NMS keeps FFmpeg's read open and silent.
    pub.kill('SIGKILL');
    const liveFor = (Date.now() - liveFrom) / 1000;
    const { vodId } = await endedP;
    await expectFinishedHls(member, server, roomId, state.streamId!);
    expect(vodId).toBeGreaterThan(0);
    const { vod } = await nextEvent<{ vod: Vod }>(ms, 'stream:recorded', (f) => f.vod.id === vodId, 30_000);
    expect(vod).toMatchObject({ status: 'ready', videoUrl: `/api/rooms/${roomId}/vods/${vodId}/video.mp4` });
    expect(vod.durationMs).toBeGreaterThan(2000);
    const list = await member.get(`/api/rooms/${roomId}/vods`);
    expect(list.body.vods[0]).toMatchObject({ id: vodId, status: 'ready' });
    const ranged = await fetch(server.url + vod.videoUrl!, { headers: { cookie: member.cookie, range: 'bytes=0-99' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-type')).toBe('video/mp4');
    expect(Buffer.from(await ranged.arrayBuffer()).subarray(4, 8).toString()).toBe('ftyp');
    const full = await fetchBytes(member, vod.videoUrl!);
    const mp4 = join(tmp, 'vod.mp4');
    writeFileSync(mp4, full.body);
    expect(spawnSync(FFMPEG, ['-v', 'error', '-i', mp4, '-f', 'null', '-']).status).toBe(0);
    // Complete: the recording holds at least what viewers saw live, up to the publisher's last second.
    const media = mediaSeconds(mp4);
    expect(media).toBeGreaterThan(liveFor - 0.5);
    expect(media).toBeLessThan(vod.durationMs / 1000 + 1);
    const poster = await fetchBytes(member, vod.posterUrl!);
    expect(poster).toMatchObject({ status: 200, type: 'image/jpeg' });
    expect((await fetchBytes(outsider, vod.videoUrl!)).status).toBe(403);
    expect((await outsider.get(`/api/rooms/${roomId}/vods`)).status).toBe(403);
    expect((await member.del(`/api/rooms/${roomId}/vods/${vodId}`)).status).toBe(403);
    expect((await mod.del(`/api/rooms/${roomId}/vods/${vodId}`)).status).toBe(204);
    expect((await member.get(`/api/rooms/${roomId}/vods`)).body.vods).toEqual([]);
    await owner.patch(`/api/rooms/${roomId}/stream/settings`, { record: false });
  }, 60_000);

  it('shutdown ends a live stream and leaves no FFmpeg behind; a restart serves again', async () => {
    const { streamKey } = await settings();
    const startedP = nextEvent<{ state: StreamState }>(ms, 'stream:started', () => true, 20_000);
    const pub = publish(port, streamKey);
    await startedP;
    const pids = server.app.stream.transcoderPids();
    expect(pids).toHaveLength(1);
    ms.close();
    os.close();
    server = await server.restart();
    expect(alive(pids[0]!)).toBe(false);
    expect(runningFfmpegPids()).toEqual([]);
    expect(await exitOf(pub, 8000)).not.toBe('timeout');
    for (const c of [owner, mod, member, outsider, anon]) c.moveTo(server);
    port = server.app.stream.rtmpPort;
    expect((await settings()).streamKey).toBe(streamKey); // the key survives restarts
    ms = await member.socket();
    os = await owner.socket();
  }, 40_000);
});
