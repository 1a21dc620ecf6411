/**
 * Thumbnails (320 px WebP) for images (sharp) and videos (a poster frame by our FFmpeg runner and
 * the VOD poster preset, then sharp). One at a time in the background; files with the same bytes
 * share one thumbnail. A corrupt or hostile file makes its thumbnail `failed`, never a crash:
 * sharp refuses pixel bombs (limitInputPixels) and FFmpeg runs with a time limit.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import sharp from 'sharp';
import type { FfmpegRunner } from '../../media/ffmpeg-runner.js';
import { posterJob } from '../../media/presets.js';
import type { FileKind } from '../../protocol/files-constants.js';
import type { FilesService } from './files.service.js';
import { blobKey, thumbKey } from './storage.js';

export const THUMB_PX = 320;
const FFMPEG_TIMEOUT_MS = 30_000;

interface ThumbTask {
  fileId: number;
  sha256: string;
  kind: FileKind;
}

export class Thumbnailer {
  private readonly queue: ThumbTask[] = [];
  private running = false;
  private stopped = false;
  /** Resolves when the queue is empty (tests). */
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly files: FilesService,
    private readonly runner: () => Promise<FfmpegRunner | null>,
    private readonly log: FastifyBaseLogger,
  ) {}

  add(t: ThumbTask): void {
    if (this.stopped || (t.kind !== 'image' && t.kind !== 'video')) return;
    if (this.queue.some((q) => q.sha256 === t.sha256 && q.fileId === t.fileId)) return;
    this.queue.push(t);
    void this.pump();
  }

  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let t = this.queue.shift(); t && !this.stopped; t = this.queue.shift()) {
        let state: 'ready' | 'failed' = 'failed';
        try {
          const known = await this.files.knownThumb(t.sha256);
          state = known ?? ((await this.make(t)) ? 'ready' : 'failed');
        } catch (err) {
          this.log.warn({ fileId: t.fileId, err: (err as Error).message }, 'thumbnail failed');
        }
        if (!this.stopped) await this.files.setThumb(t.fileId, t.sha256, state).catch(() => undefined);
      }
    } finally {
      this.running = false;
      if (this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async make(t: ThumbTask): Promise<boolean> {
    const src = await this.files.store.localPath(blobKey(t.sha256));
    const dir = await mkdtemp(join(tmpdir(), 'cr-thumb-'));
    try {
      let input = src;
      if (t.kind === 'video') {
        const runner = await this.runner();
        if (!runner) return false;
        input = join(dir, 'poster.jpg');
        let exit = await runner.runToEnd(posterJob(src, input, 1), 'file-thumb', FFMPEG_TIMEOUT_MS);
        // Shorter than a second: the first frame.
        if (!exit.error && !(await stat(input).catch(() => null))) exit = await runner.runToEnd(posterJob(src, input, 0), 'file-thumb', FFMPEG_TIMEOUT_MS);
        if (exit.error || !(await stat(input).catch(() => null))) return false;
      }
      const out = join(dir, 'thumb.webp');
      await sharp(input, { limitInputPixels: 100_000_000, failOn: 'error', animated: false })
        .rotate()
        .resize(THUMB_PX, THUMB_PX, { fit: 'cover', position: 'attention' })
        .webp({ quality: 72 })
        .toFile(out);
      await this.files.store.putFile(thumbKey(t.sha256), out);
      return true;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
