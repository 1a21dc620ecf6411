/**
 * Media jobs through the real server: convert and extract on real generated media (testsrc2 + sine),
 * the result is a new decodable file in the same folder; a corrupt file fails cleanly; outsiders,
 * garbage and wrong kinds are refused; a queued job can be cancelled.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findFfmpeg } from '../../media/ffmpeg-binary.js';
import { blobKey } from './storage.js';
import { command, newUsers, nextEvent, roomWith, startServer, type Client, type TestServer } from '../test/harness.js';
import { uploadBytes } from './test-helpers.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });
const { binary } = await findFfmpeg(process.env.FFMPEG_PATH);

let server: TestServer;
let owner: Client, outsider: Client;
let roomId: number;
let clip: Buffer;

beforeAll(async () => {
  server = await startServer();
  [owner, outsider] = await newUsers(server, 'jowner', 'joutsider');
  roomId = (await roomWith(owner, [])).id;
  if (binary) {
    const dir = mkdtempSync(join(tmpdir(), 'cr-job-src-'));
    const out = join(dir, 'clip.mp4');
    spawnSync(binary.ffmpeg, ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', out]);
    clip = readFileSync(out);
    rmSync(dir, { recursive: true, force: true });
  }
});
afterAll(async () => server.dispose());

describe.skipIf(!binary)('media jobs', () => {
  it('converts to WebM, extracts M4A and makes a strip: new decodable files in the same folder', async () => {
    const folder = (await owner.post(`/api/rooms/${roomId}/folders`, { name: 'Clips' })).body.folder;
    const id = await uploadBytes(owner, roomId, 'lecture.mp4', clip, folder.id);
    const sock = await owner.socket();
    await command(sock, 'room:enter', { roomId });
    for (const [preset, mime, name] of [['m4a', 'audio/mp4', 'lecture.m4a'], ['webm', 'video/webm', 'lecture.webm'], ['strip', 'image/jpeg', 'lecture (strip).jpg']] as const) {
      const done = nextEvent(sock, 'files:job', (f) => f.job.preset === preset && (f.job.status === 'done' || f.job.status === 'failed'), 90_000);
      const res = await owner.post(`/api/rooms/${roomId}/files/${id}/jobs`, { preset });
      expect(res.status).toBe(201);
      const { job } = await done;
      expect(job.status, job.error ?? '').toBe('done');
      const file = (await owner.get(`/api/rooms/${roomId}/files/${job.resultFileId}`)).body.file;
      expect(file).toMatchObject({ name, folderId: folder.id });
      expect(file.mime).toBe(mime);
      if (binary!.ffprobe && preset !== 'strip') {
        const path = await server.app.files.store.localPath(blobKey(file.sha256));
        const probe = spawnSync(binary!.ffprobe, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path], { encoding: 'utf8' });
        expect(probe.status).toBe(0);
        expect(Number(probe.stdout)).toBeGreaterThan(1.5);
      }
    }
    sock.close();
  });

  it('a corrupt video fails cleanly; garbage, outsiders and wrong kinds are refused', async () => {
    const broken = Buffer.concat([clip.subarray(0, 4096), Buffer.alloc(50_000, 3)]);
    const id = await uploadBytes(owner, roomId, 'broken.mp4', broken);
    const sock = await owner.socket();
    await command(sock, 'room:enter', { roomId });
    const ended = nextEvent(sock, 'files:job', (f) => f.job.fileId === id && (f.job.status === 'done' || f.job.status === 'failed'), 90_000);
    expect((await owner.post(`/api/rooms/${roomId}/files/${id}/jobs`, { preset: 'mp4' })).status).toBe(201);
    const { job } = await ended;
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/damaged|not supported|could not/);
    expect((await owner.get('/api/health')).status).toBe(200);

    const text = await uploadBytes(owner, roomId, 'notes.txt', Buffer.from('words'));
    expect((await owner.post(`/api/rooms/${roomId}/files/${text}/jobs`, { preset: 'mp3' })).status).toBe(400);
    expect((await owner.post(`/api/rooms/${roomId}/files/${id}/jobs`, { preset: 'gif; rm -rf /' })).status).toBe(400);
    expect((await owner.post(`/api/rooms/${roomId}/files/${id}/jobs`, { preset: 'mp4', args: ['-i'] })).status).toBe(400);
    expect((await outsider.post(`/api/rooms/${roomId}/files/${id}/jobs`, { preset: 'mp4' })).status).toBe(403);
    expect((await outsider.get(`/api/rooms/${roomId}/files/jobs`)).status).toBe(403);
    expect((await outsider.post(`/api/rooms/${roomId}/files/jobs/${job.id}/cancel`)).status).toBe(403);
    expect((await owner.post(`/api/rooms/${roomId}/files/jobs/${job.id}/cancel`)).status).toBe(409);
    expect((await owner.post(`/api/rooms/${roomId}/files/jobs/999999/cancel`)).status).toBe(404);
    sock.close();
  });

  it('a job can be cancelled; the list shows it', async () => {
    const id = await uploadBytes(owner, roomId, 'again.mp4', Buffer.concat([clip, Buffer.from([0])]));
    const res = await owner.post(`/api/rooms/${roomId}/files/${id}/jobs`, { preset: 'webm' });
    const cancelled = await owner.post(`/api/rooms/${roomId}/files/jobs/${res.body.job.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.job.status).toBe('cancelled');
    await server.app.mediaJobs.idle();
    const list = (await owner.get(`/api/rooms/${roomId}/files/jobs`)).body.jobs;
    expect(list.find((j: { id: number }) => j.id === res.body.job.id).status).toBe('cancelled');
    expect((await owner.get(`/api/rooms/${roomId}/files/search?q=again.webm`)).body.files).toEqual([]);
  });
});
