/**
 * Seek thumbnails (video sprite + WebVTT) and audio waveforms (issue 11, item 5 of the previews),
 * made by the thumbnailer through our FFmpeg runner on real generated media (testsrc2, sine).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findFfmpeg } from '../../media/ffmpeg-binary.js';
import { seekPlan, seekVtt } from '../../media/file-presets.js';
import { newUsers, roomWith, startServer, type Client, type TestServer } from '../test/harness.js';
import { seekKey, seekMetaKey, waveKey } from './storage.js';
import { makeMedia, sha256, uploadBytes } from './test-helpers.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

let server: TestServer;
let member: Client, outsider: Client;
let roomId: number;
let ffmpeg: string | null = null;
const dir = mkdtempSync(join(tmpdir(), 'cr-media-test-'));

beforeAll(async () => {
  ffmpeg = (await findFfmpeg(process.env.FFMPEG_PATH)).binary?.ffmpeg ?? null;
  server = await startServer();
  let owner: Client;
  [owner, member, outsider] = await newUsers(server, 'mowner', 'mmember', 'moutsider');
  roomId = (await roomWith(owner, [member])).id;
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server.dispose();
});

const make = (name: string, args: string[]): Buffer => makeMedia(ffmpeg!, dir, name, args);

const media = async (c: Client, fileId: number) => (await c.get(`/api/rooms/${roomId}/files/${fileId}/media`)).body;

describe('seek thumbnails and waveforms', () => {
  it('pure: the plan and the WebVTT cues', () => {
    expect(seekPlan(12)).toMatchObject({ interval: 1, count: 12, cols: 10, rows: 2, tileW: 160, tileH: 90 });
    expect(seekPlan(1000)).toMatchObject({ interval: 10, count: 100, cols: 10, rows: 10 });
    const vtt = seekVtt(seekPlan(12), '/s.jpg', 12).split('\n');
    expect(vtt[0]).toBe('WEBVTT');
    expect(vtt).toContain('00:00:11.000 --> 00:00:12.000');
    expect(vtt).toContain('/s.jpg#xywh=160,90,160,90');
  });

  it('a video gets a seek sprite with its WebVTT; an audio file gets a waveform; members only', async (ctx) => {
    if (!ffmpeg) return ctx.skip();
    const video = make('clip.mp4', ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '12', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']);
    const audio = make('tone.m4a', ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=5', '-c:a', 'aac']);
    const v = await uploadBytes(member, roomId, 'clip.mp4', video);
    const a = await uploadBytes(member, roomId, 'tone.m4a', audio);

    await vi.waitFor(async () => expect((await media(member, v)).seek).not.toBeNull(), { timeout: 90_000, interval: 500 });
    const seek = (await media(member, v)).seek;
    expect(seek).toMatchObject({ interval: 1, count: 12, cols: 10, rows: 2, tileW: 160, tileH: 90 });
    expect(seek.durationSec).toBeCloseTo(12, 0);
    const sprite = await fetch(`${member.url}/api/rooms/${roomId}/files/${v}/seek.jpg`, { headers: { cookie: member.cookie } });
    expect(sprite.status).toBe(200);
    expect(sprite.headers.get('content-type')).toBe('image/jpeg');
    const meta = await sharp(Buffer.from(await sprite.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([1600, 180]);
    const vtt = await fetch(`${member.url}/api/rooms/${roomId}/files/${v}/seek.vtt`, { headers: { cookie: member.cookie } });
    expect(vtt.headers.get('content-type')).toContain('text/vtt');
    const cues = await vtt.text();
    expect(cues.startsWith('WEBVTT')).toBe(true);
    expect(cues).toContain(`/api/rooms/${roomId}/files/${v}/seek.jpg#xywh=0,0,160,90`);

    await vi.waitFor(async () => expect((await media(member, a)).waveform).toBe(true), { timeout: 60_000, interval: 500 });
    const wave = await fetch(`${member.url}/api/rooms/${roomId}/files/${a}/waveform.png`, { headers: { cookie: member.cookie } });
    expect(wave.status).toBe(200);
    const wm = await sharp(Buffer.from(await wave.arrayBuffer())).metadata();
    expect([wm.format, wm.width, wm.height]).toEqual(['png', 1200, 160]);
    // Audio has no sprite, video no waveform.
    expect((await media(member, a)).seek).toBeNull();
    expect((await media(member, v)).waveform).toBe(false);
    expect((await member.get(`/api/rooms/${roomId}/files/${a}/seek.jpg`)).status).toBe(404);

    for (const path of [`${v}/media`, `${v}/seek.jpg`, `${v}/seek.vtt`, `${a}/waveform.png`]) {
      expect((await outsider.get(`/api/rooms/${roomId}/files/${path}`)).status, path).toBe(403);
    }
    expect((await member.get(`/api/rooms/${roomId}/files/abc/media`)).status).toBe(400);
    expect((await member.get(`/api/rooms/${roomId}/files/99999999/seek.vtt`)).status).toBe(404);
  });

  it('a corrupt video gets no sprite and nothing crashes', async (ctx) => {
    if (!ffmpeg) return ctx.skip();
    const good = make('good.mp4', ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=5', '-t', '3', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']);
    const bad = Buffer.concat([good.subarray(0, 64), Buffer.alloc(4000, 7)]);
    const id = await uploadBytes(member, roomId, 'broken.mp4', bad);
    await server.app.thumbs.idle();
    await vi.waitFor(async () => expect((await member.get(`/api/rooms/${roomId}/files/${id}`)).body.file.thumb).not.toBe('pending'), { timeout: 30_000 });
    expect((await media(member, id)).seek).toBeNull();
    // Its thumbnail failed: opening the preview queues no FFmpeg run for extras.
    expect((await media(member, id)).making).toBe(false);
  });

  it('files from before seek sprites and waveforms get them when a member opens the preview (queued once, members only)', async (ctx) => {
    if (!ffmpeg) return ctx.skip();
    const video = make('old.mp4', ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '7', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']);
    const audio = make('old.m4a', ['-f', 'lavfi', '-i', 'sine=frequency=550:duration=4', '-c:a', 'aac']);
    const v = await uploadBytes(member, roomId, 'old.mp4', video);
    const a = await uploadBytes(member, roomId, 'old.m4a', audio);
    await vi.waitFor(async () => expect((await media(member, v)).seek).not.toBeNull(), { timeout: 90_000, interval: 500 });
    await vi.waitFor(async () => expect((await media(member, a)).waveform).toBe(true), { timeout: 60_000, interval: 500 });
    await server.app.thumbs.idle();

    // As if uploaded by an older version: the thumbnail is there, the extras are not.
    const store = server.app.files.store;
    for (const key of [seekKey(sha256(video)), seekMetaKey(sha256(video)), waveKey(sha256(audio))]) await store.delete(key);
    expect((await member.get(`/api/rooms/${roomId}/files/${v}`)).body.file.thumb).toBe('ready');

    // An outsider's request queues nothing.
    expect((await outsider.get(`/api/rooms/${roomId}/files/${v}/media`)).status).toBe(403);
    expect((await outsider.get(`/api/rooms/${roomId}/files/${a}/media`)).status).toBe(403);
    await server.app.thumbs.idle();
    expect(await store.stat(seekMetaKey(sha256(video)))).toBeNull();
    expect(await store.stat(waveKey(sha256(audio)))).toBeNull();

    // A member opening the preview queues them; they are made and served.
    expect(await media(member, v)).toEqual({ seek: null, waveform: false, making: true });
    expect(await media(member, a)).toEqual({ seek: null, waveform: false, making: true });
    await vi.waitFor(async () => expect((await media(member, v)).seek).not.toBeNull(), { timeout: 90_000, interval: 500 });
    await vi.waitFor(async () => expect((await media(member, a)).waveform).toBe(true), { timeout: 60_000, interval: 500 });
    expect((await media(member, v)).seek).toMatchObject({ count: 7, cols: 7, rows: 1 });
    expect((await member.get(`/api/rooms/${roomId}/files/${v}/seek.jpg`)).status).toBe(200);
    expect((await member.get(`/api/rooms/${roomId}/files/${a}/waveform.png`)).status).toBe(200);

    // Asked again while it is queued or being made: still on its way, not queued twice.
    await server.app.thumbs.idle();
    await store.delete(waveKey(sha256(audio)));
    expect((await media(member, a)).making).toBe(true);
    expect((await media(member, a)).making).toBe(true);
    await vi.waitFor(async () => expect((await media(member, a)).waveform).toBe(true), { timeout: 60_000, interval: 500 });
  });
});
