/**
 * Media tools as background jobs: convert to MP4/WebM, extract audio, thumbnail strip. A queue
 * runs at most `concurrency` FFmpeg processes (FILES_JOB_CONCURRENCY) through our one runner
 * (media/ffmpeg-runner.ts) with argv presets (media/file-presets.ts), a time limit and an output
 * size limit. Progress comes from FFmpeg's `-progress` output. Jobs live in the database: after a
 * restart, queued and running ones are queued again (never lost). The result is a new file in the
 * source's folder.
 *
 * Several nodes (scale-out, ADR 0037): a node claims a queued job with a conditional update (one
 * runner per job) and records itself in `node_id`; only that node may report progress or finish
 * it, so a job another node took over, or one cancelled from another node, stops here at its next
 * progress report and leaves no second result. Jobs of a node that is gone are queued again.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, desc, eq, inArray, isNull, notInArray, or } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import { fileJobs, roomFiles } from '../../db/schema/index.js';
import { fileJob, PRESET_OUTPUT } from '../../media/file-presets.js';
import type { FfmpegJob, FfmpegRunner } from '../../media/ffmpeg-runner.js';
import type { FilePresetName } from '../../protocol/files-constants.js';
import type { FileJobDto } from '../../protocol/files.js';
import { AppError } from '../plugins/errors.js';
import type { RoomEvents } from '../rooms/room-events.js';
import type { FilesService } from './files.service.js';
import { blobKey } from './storage.js';
import { firstRow, oneRow } from './rows.js';

type JobRow = typeof fileJobs.$inferSelect;

/** This process among the cluster's (one process: itself alone). */
export interface JobNode {
  id: string;
  /** Ids of the nodes alive now, this one included. */
  alive: () => Promise<string[]>;
}

/** Media durations and stream layout from ffprobe (null when it cannot read the file). */
export function probeMedia(ffprobe: string, path: string, timeoutMs = 15_000): Promise<{ durationSec: number; hasVideo: boolean; hasAudio: boolean } | null> {
  return new Promise((resolve) => {
    const child = spawn(ffprobe, ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type', '-of', 'json', path], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', () => resolve(null));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return resolve(null);
      try {
        const j = JSON.parse(out) as { format?: { duration?: string }; streams?: { codec_type?: string }[] };
        const durationSec = Number(j.format?.duration);
        const types = new Set((j.streams ?? []).map((s) => s.codec_type));
        resolve({ durationSec: Number.isFinite(durationSec) ? durationSec : 0, hasVideo: types.has('video'), hasAudio: types.has('audio') });
      } catch {
        resolve(null);
      }
    });
  });
}

export class MediaJobs {
  private readonly running = new Map<number, FfmpegJob | null>();
  private readonly lastBroadcast = new Map<number, number>();
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly db: Db,
    private readonly files: FilesService,
    private readonly events: RoomEvents,
    private readonly tools: () => Promise<{ runner: FfmpegRunner; ffprobe: string | null } | null>,
    private readonly concurrency: number,
    private readonly log: FastifyBaseLogger,
    private readonly node: JobNode,
  ) {}

  private async dto(row: JobRow): Promise<FileJobDto> {
    const f = await this.db.select({ name: roomFiles.name }).from(roomFiles).where(eq(roomFiles.id, row.fileId)).limit(1).then(firstRow);
    const { nodeId: _node, ...job } = row;
    return { ...job, fileName: f?.name ?? 'deleted file' };
  }

  private async publish(row: JobRow): Promise<void> {
    void this.events.broadcast(row.roomId, 'files:job', { job: await this.dto(row) });
  }

  async list(roomId: number, userId: number): Promise<FileJobDto[]> {
    await this.files.reader(roomId, userId);
    const rows = await this.db.select().from(fileJobs).where(eq(fileJobs.roomId, roomId)).orderBy(desc(fileJobs.id)).limit(50);
    return Promise.all(rows.map((r) => this.dto(r)));
  }

  /** Queues a tool on a video or audio file (a member who may upload; it makes a new file). */
  async create(roomId: number, userId: number, fileId: number, preset: FilePresetName): Promise<FileJobDto> {
    const src = await this.files.file(roomId, userId, fileId);
    await this.files.checkUpload(roomId, userId, src.folderId, src.name, 0);
    const out = PRESET_OUTPUT[preset];
    if (src.kind !== 'video' && src.kind !== 'audio') throw new AppError('VALIDATION', 'Media tools work on video and audio files.');
    if (out.needsVideo && src.kind !== 'video') throw new AppError('VALIDATION', 'This tool needs a video file.');
    if (!(await this.tools())) throw new AppError('CONFLICT', 'Media tools are not available on this server (FFmpeg is not installed).');
    const active = await this.db.select({ id: fileJobs.id }).from(fileJobs).where(and(eq(fileJobs.roomId, roomId), inArray(fileJobs.status, ['queued', 'running'])));
    if (active.length >= 20) throw new AppError('RATE_LIMITED', 'This room already has 20 media jobs waiting.');
    const row = await this.db.insert(fileJobs).values({ roomId, fileId, userId, preset, status: 'queued', createdAt: Date.now() }).returning().then(oneRow);
    await this.publish(row);
    void this.pump();
    return this.dto(row);
  }

  async cancel(roomId: number, userId: number, jobId: number): Promise<FileJobDto> {
    const actor = await this.files.writer(roomId, userId);
    const row = await this.db.select().from(fileJobs).where(and(eq(fileJobs.id, jobId), eq(fileJobs.roomId, roomId))).limit(1).then(firstRow);
    if (!row) throw new AppError('NOT_FOUND', 'No such job.');
    if (row.userId !== userId && !actor.moderator) throw new AppError('FORBIDDEN', "Only moderators can cancel other people's jobs.");
    // Only while it has not ended (it may end at this moment, here or on another node).
    const updated = await this.db
      .update(fileJobs)
      .set({ status: 'cancelled', finishedAt: Date.now() })
      .where(and(eq(fileJobs.id, row.id), inArray(fileJobs.status, ['queued', 'running'])))
      .returning()
      .then(firstRow);
    if (!updated) throw new AppError('CONFLICT', 'This job has already ended.');
    await this.publish(updated);
    const proc = this.running.get(row.id);
    if (proc) await proc.stop(2000);
    return this.dto(updated);
  }

  /**
   * At start: jobs this node ran before it stopped, and those of nodes that are gone, start over;
   * queued ones keep their place. Other live nodes' jobs are theirs.
   */
  async resume(): Promise<void> {
    await this.requeue((await this.node.alive()).filter((n) => n !== this.node.id));
  }

  /** Several nodes, now and then: the running jobs of nodes that are gone start over (here or elsewhere). */
  async requeueOrphans(): Promise<void> {
    await this.requeue(await this.node.alive());
  }

  private async requeue(keep: string[]): Promise<void> {
    const orphaned = keep.length ? or(isNull(fileJobs.nodeId), notInArray(fileJobs.nodeId, keep)) : undefined;
    await this.db.update(fileJobs).set({ status: 'queued', progress: 0, nodeId: null }).where(and(eq(fileJobs.status, 'running'), orphaned));
    void this.pump();
  }

  idle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.running.values()].flatMap((j) => (j ? [j.stop(2000)] : [])));
  }

  /** The job's row while this node still runs it (not cancelled, not taken over). */
  private async mine(id: number): Promise<JobRow | undefined> {
    return this.db
      .select()
      .from(fileJobs)
      .where(and(eq(fileJobs.id, id), eq(fileJobs.status, 'running'), eq(fileJobs.nodeId, this.node.id)))
      .limit(1)
      .then(firstRow);
  }

  /** Ends a job this node runs; nothing when it is no longer this node's (cancelled, taken over). */
  private async finishMine(id: number, set: Partial<JobRow>): Promise<void> {
    const row = await this.db
      .update(fileJobs)
      .set({ ...set, finishedAt: Date.now() })
      .where(and(eq(fileJobs.id, id), eq(fileJobs.status, 'running'), eq(fileJobs.nodeId, this.node.id)))
      .returning()
      .then(firstRow);
    if (row) await this.publish(row);
  }

  private async pump(): Promise<void> {
    while (!this.stopped && this.running.size < this.concurrency) {
      const next = await this.db.select().from(fileJobs).where(eq(fileJobs.status, 'queued')).orderBy(fileJobs.id).limit(1).then(firstRow);
      if (!next || this.running.has(next.id)) break;
      // Claimed only if still queued: with several nodes, the first to claim it runs it.
      const claimed = await this.db
        .update(fileJobs)
        .set({ status: 'running', nodeId: this.node.id })
        .where(and(eq(fileJobs.id, next.id), eq(fileJobs.status, 'queued')))
        .returning()
        .then(firstRow);
      if (!claimed) continue;
      this.running.set(next.id, null);
      void this.run(claimed).finally(() => {
        this.running.delete(next.id);
        this.lastBroadcast.delete(next.id);
        if (this.running.size === 0) for (const w of this.idleWaiters.splice(0)) w();
        void this.pump();
      });
    }
  }

  private async run(job: JobRow): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'cr-job-'));
    try {
      const tools = await this.tools();
      const src = await this.db.select().from(roomFiles).where(eq(roomFiles.id, job.fileId)).limit(1).then(firstRow);
      if (!tools || !src) return void (await this.finishMine(job.id, { status: 'failed', error: !tools ? 'FFmpeg is not available.' : 'The file was deleted.' }));
      const input = await this.files.store.localPath(blobKey(src.sha256));
      const info = tools.ffprobe ? await probeMedia(tools.ffprobe, input) : { durationSec: 0, hasVideo: src.kind === 'video', hasAudio: true };
      const out = PRESET_OUTPUT[job.preset];
      if (!info || (!info.hasVideo && !info.hasAudio)) return void (await this.finishMine(job.id, { status: 'failed', error: 'The file could not be read as media (damaged or not supported).' }));
      if (out.needsVideo && !info.hasVideo) return void (await this.finishMine(job.id, { status: 'failed', error: 'The file has no video.' }));
      if (!out.needsVideo && !info.hasAudio) return void (await this.finishMine(job.id, { status: 'failed', error: 'The file has no audio.' }));
      const target = join(dir, `out.${out.ext}`);
      const args = fileJob(job.preset, input, target, { durationSec: info.durationSec, maxBytes: this.files.limits.maxFileBytes });
      await this.publish({ ...job, status: 'running' });
      const proc = tools.runner.run(args, {
        label: `file-job-${job.preset}`,
        onProgress: (s) => {
          if (info.durationSec <= 0) return;
          const progress = Math.min(0.99, s.outTimeMs / 1000 / info.durationSec);
          const now = Date.now();
          if (now - (this.lastBroadcast.get(job.id) ?? 0) < 1000) return;
          this.lastBroadcast.set(job.id, now);
          void (async () => {
            const r = await this.db
              .update(fileJobs)
              .set({ progress })
              .where(and(eq(fileJobs.id, job.id), eq(fileJobs.status, 'running'), eq(fileJobs.nodeId, this.node.id)))
              .returning()
              .then(firstRow);
            if (r) await this.publish(r);
            // Cancelled (maybe on another node) or taken over by another node: stop working on it.
            else await proc.stop(2000);
          })();
        },
      });
      this.running.set(job.id, proc);
      // A time limit: 4x the media's length plus ten minutes.
      const timer = setTimeout(() => void proc.stop(2000), Math.max(0, info.durationSec) * 4000 + 600_000);
      const exit = await proc.exited;
      clearTimeout(timer);
      if (!(await this.mine(job.id))) return; // cancelled or taken over meanwhile: no result
      const st = await stat(target).catch(() => null);
      if (exit.error || exit.stopped || !st || st.size === 0) {
        this.log.warn({ jobId: job.id, error: exit.error, tail: exit.stderrTail.slice(-3) }, 'media job failed');
        return void (await this.finishMine(job.id, { status: 'failed', error: exit.stopped ? 'The job took too long and was stopped.' : 'FFmpeg could not process this file (damaged or not supported).' }));
      }
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(target)) hash.update(chunk as Buffer);
      const sha256 = hash.digest('hex');
      await this.files.store.putFile(blobKey(sha256), target);
      if (!(await this.mine(job.id))) return;
      const base = src.name.replace(/\.[^.]{1,8}$/, '');
      const name = job.preset === 'strip' ? `${base} (strip).${out.ext}` : `${base}.${out.ext}`;
      const result = await this.files.register({ roomId: src.roomId, folderId: src.folderId, name, size: st.size, mime: out.mime, kind: out.mime.startsWith('video/') ? 'video' : out.mime.startsWith('audio/') ? 'audio' : 'image', sha256, uploaderId: job.userId });
      await this.finishMine(job.id, { status: 'done', progress: 1, resultFileId: result.id });
    } catch (err) {
      this.log.error({ jobId: job.id, err }, 'media job crashed');
      await this.finishMine(job.id, { status: 'failed', error: 'The job failed.' }).catch(() => undefined);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
