/**
 * Media jobs with several server processes (scale-out, ADR 0037). The "nodes" are real MediaJobs on
 * the test server's database, files and room events, each with its own node id (what each process
 * runs with REDIS_URL set), and real FFmpeg. A queued job runs on exactly one node; a job cancelled
 * on another node stops where it runs and leaves no result; the jobs of a node that is gone start
 * over, those of a live node are left alone. Runs on SQLite and on PostgreSQL (npm run test:pg).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fileJobs } from '../../db/schema/index.js';
import { findFfmpeg } from '../../media/ffmpeg-binary.js';
import { FfmpegRunner } from '../../media/ffmpeg-runner.js';
import { newUsers, roomWith, startServer, until, type Client, type TestServer } from '../test/harness.js';
import { MediaJobs } from './jobs.js';
import { makeMedia, uploadBytes } from './test-helpers.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });
const { binary } = await findFfmpeg(process.env.FFMPEG_PATH);

let server: TestServer;
let owner: Client;
let roomId: number;
let clip: Buffer;
let long: Buffer;
const nodes: MediaJobs[] = [];

beforeAll(async () => {
  server = await startServer();
  [owner] = await newUsers(server, 'nowner');
  roomId = (await roomWith(owner!, [])).id;
  if (binary) {
    const dir = mkdtempSync(join(tmpdir(), 'cr-jobs-nodes-'));
    clip = makeMedia(binary.ffmpeg, dir, 'clip.mp4', ['-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '2', '-c:a', 'aac']);
    // Long enough that its conversion is still running when it is cancelled.
    long = makeMedia(binary.ffmpeg, dir, 'long.mp4', ['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=10', '-t', '600', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '40', '-pix_fmt', 'yuv420p']);
    rmSync(dir, { recursive: true, force: true });
  }
});
afterAll(async () => {
  for (const n of nodes) await n.stop();
  await server.dispose();
});

/** A node's media jobs: same database, files and room events; `alive` is what Redis would say. */
function node(id: string, alive: string[], concurrency = 1): MediaJobs {
  const tools = async () => (binary ? { runner: new FfmpegRunner(binary.ffmpeg), ffprobe: binary.ffprobe } : null);
  const n = new MediaJobs(server.app.db, server.app.files, server.app.roomEvents, tools, concurrency, server.app.log, { id, alive: async () => alive });
  nodes.push(n);
  return n;
}

const jobRow = async (id: number) => (await server.app.db.select().from(fileJobs).where(eq(fileJobs.id, id)))[0]!;
/** A job row as a node that is not running it would leave it (no node claimed it yet, or `nodeId`). */
async function jobFor(fileId: number, status: 'queued' | 'running', nodeId: string | null, preset: 'm4a' | 'webm' = 'm4a'): Promise<number> {
  const [row] = await server.app.db.insert(fileJobs).values({ roomId, fileId, userId: owner.userId, preset, status, nodeId, createdAt: Date.now() }).returning();
  return row!.id;
}
const filesNamed = async (q: string) => ((await owner.get(`/api/rooms/${roomId}/files/search?q=${encodeURIComponent(q)}`)).body.files as { name: string }[]).filter((f) => f.name === q);

describe.skipIf(!binary)('media jobs on several nodes', () => {
  it('a queued job runs on exactly one node: one result file', async () => {
    const fileId = await uploadBytes(owner, roomId, 'once.mp4', clip);
    const job = await jobFor(fileId, 'queued', null);
    const [a, b] = [node('n1', ['n1', 'n2']), node('n2', ['n1', 'n2'])];
    // Both look for work at the same moment.
    await Promise.all([a.requeueOrphans(), b.requeueOrphans()]);
    await until(async () => (await jobRow(job)).status !== 'queued' && (await jobRow(job)).status !== 'running', 'the job ended', 90_000);
    await Promise.all([a.idle(), b.idle()]);
    const row = await jobRow(job);
    expect(row.status, row.error ?? '').toBe('done');
    expect(['n1', 'n2']).toContain(row.nodeId);
    expect(await filesNamed('once.m4a')).toHaveLength(1);
  });

  it('a job cancelled from another node stops where it runs and leaves no result', async () => {
    const fileId = await uploadBytes(owner, roomId, 'lecture-long.mp4', long);
    const job = await jobFor(fileId, 'queued', null, 'webm');
    const runner = node('n3', ['n3', 'n4']);
    const other = node('n4', ['n3', 'n4'], 0);
    await runner.requeueOrphans();
    await until(async () => (await jobRow(job)).progress > 0, 'the job is under way on n3', 90_000);
    expect((await jobRow(job)).nodeId).toBe('n3');
    expect((await other.cancel(roomId, owner.userId, job)).status).toBe('cancelled');
    // n3 notices at its next progress report (about a second) and stops FFmpeg.
    await runner.idle();
    expect((await jobRow(job)).status).toBe('cancelled');
    expect(await filesNamed('lecture-long.webm')).toEqual([]);
    // Cancelling it again: it has ended.
    await expect(other.cancel(roomId, owner.userId, job)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('the jobs of a node that is gone start over; a live node’s are left alone; at start a node takes back its own', async () => {
    const fileId = await uploadBytes(owner, roomId, 'orphans.m4a', clip);
    const ofDead = await jobFor(fileId, 'running', 'gone');
    const ofLive = await jobFor(fileId, 'running', 'n6');
    const ofNobody = await jobFor(fileId, 'running', null);
    const ofMine = await jobFor(fileId, 'running', 'n5');
    // Concurrency 0: this node requeues but claims nothing, so the rows show what the requeue did.
    const n5 = node('n5', ['n5', 'n6'], 0);
    await n5.requeueOrphans();
    const status = async () => Object.fromEntries((await server.app.db.select().from(fileJobs).where(inArray(fileJobs.id, [ofDead, ofLive, ofNobody, ofMine]))).map((r) => [r.id, [r.status, r.nodeId]]));
    expect(await status()).toEqual({ [ofDead]: ['queued', null], [ofLive]: ['running', 'n6'], [ofNobody]: ['queued', null], [ofMine]: ['running', 'n5'] });
    // n5 restarting: what it ran before it stopped starts over too; n6's job is still n6's.
    await n5.resume();
    expect(await status()).toEqual({ [ofDead]: ['queued', null], [ofLive]: ['running', 'n6'], [ofNobody]: ['queued', null], [ofMine]: ['queued', null] });
    await server.app.db.delete(fileJobs).where(inArray(fileJobs.id, [ofDead, ofLive, ofNobody, ofMine]));
  });
});
