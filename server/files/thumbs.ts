/**
 * Thumbnails (320 px WebP) for images (sharp) and videos (a poster frame by our FFmpeg runner and
 * the VOD poster preset, then sharp). One at a time in the background; files with the same bytes
 * share one thumbnail. A corrupt or hostile file makes its thumbnail `failed`, never a crash:
 * sharp refuses pixel bombs (limitInputPixels) and FFmpeg runs with a time limit.
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { FfmpegRunner } from '../../media/ffmpeg-runner.js';
import { posterJob } from '../../media/presets.js';
import { seekPlan, seekSpriteJob, waveformJob, type SeekPlan } from '../../media/file-presets.js';
import { probeMedia } from './jobs.js';
import type { FileKind } from '../../protocol/files-constants.js';
import type { FilesService } from './files.service.js';
import { blobKey, seekKey, seekMetaKey, thumbKey, waveKey } from './storage.js';

export const THUMB_PX = 320;
const FFMPEG_TIMEOUT_MS = 30_000;

interface ThumbTask {
  fileId: number;
  sha256: string;
  kind: FileKind;
  /** Only the seek sprite / waveform (the thumbnail is already there). */
  extrasOnly?: boolean;
}

/** How many contents FFmpeg could not make extras for are remembered (then forgotten all at once). */
const FAILED_CAP = 10_000;

export class Thumbnailer {
  private readonly queue: ThumbTask[] = [];
  private running = false;
  private stopped = false;
  /** Resolves when the queue is empty (tests). */
  private idleWaiters: (() => void)[] = [];
  private current: ThumbTask | null = null;
  /** Contents FFmpeg made no seek sprite or waveform for in this process: not tried again per preview. */
  private readonly noExtras = new Set<string>();

  constructor(
    private readonly files: FilesService,
    private readonly runner: () => Promise<FfmpegRunner | null>,
    private readonly log: FastifyBaseLogger,
    private readonly ffprobe: () => Promise<string | null> = async () => null,
  ) {}

  add(t: ThumbTask): void {
    if (this.stopped || (t.kind !== 'image' && t.kind !== 'video' && t.kind !== 'audio')) return;
    if (this.queue.some((q) => q.sha256 === t.sha256 && q.fileId === t.fileId)) return;
    this.queue.push(t);
    void this.pump();
  }

  /**
   * Files uploaded before seek sprites and waveforms existed have none: when a preview asks for them
   * (GET /media) and they are missing, they are queued here, through the same one-at-a-time queue
   * and FFmpeg limits as new uploads. A content FFmpeg could not make them for is not tried again
   * in this process, so an unreadable file does not start a run per preview. Returns whether they
   * are on their way (queued now, or already queued or being made).
   */
  backfill(t: { fileId: number; sha256: string; kind: FileKind; thumb: string }): boolean {
    if (this.stopped || (t.kind !== 'video' && t.kind !== 'audio')) return false;
    // A video whose thumbnail is still pending gets its extras right after it; a failed one cannot be read.
    if (t.kind === 'video' && t.thumb !== 'ready') return false;
    if (this.current?.sha256 === t.sha256 || this.queue.some((q) => q.sha256 === t.sha256)) return true;
    if (this.noExtras.has(t.sha256)) return false;
    this.queue.push({ fileId: t.fileId, sha256: t.sha256, kind: t.kind, extrasOnly: true });
    void this.pump();
    return true;
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
        this.current = t;
        if (t.kind === 'audio' || t.extrasOnly) {
          await this.extras(t);
          continue;
        }
        let state: 'ready' | 'failed' = 'failed';
        try {
          const known = await this.files.knownThumb(t.sha256);
          state = known ?? ((await this.make(t)) ? 'ready' : 'failed');
        } catch (err) {
          this.log.warn({ fileId: t.fileId, err: (err as Error).message }, 'thumbnail failed');
        }
        if (!this.stopped) await this.files.setThumb(t.fileId, t.sha256, state).catch(() => undefined);
        if (t.kind === 'video' && state === 'ready' && !this.stopped) await this.extras(t);
      }
    } finally {
      this.current = null;
      this.running = false;
      if (this.queue.length === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async extras(t: ThumbTask): Promise<void> {
    const made = await this.mediaExtras(t).catch((err: Error) => {
      this.log.warn({ fileId: t.fileId, err: err.message }, 'seek thumbnails or waveform failed');
      return false as const;
    });
    // Pushed to the rooms (an open preview shows them at once); a lost announcement only delays them.
    if (made && !this.stopped) await this.files.extrasReady(t.sha256, made === 'existed' ? t.fileId : undefined).catch(() => undefined);
    if (made || this.stopped) return;
    if (this.noExtras.size >= FAILED_CAP) this.noExtras.clear();
    this.noExtras.add(t.sha256);
  }

  /**
   * Seek thumbnails for a video (a sprite of up to 100 tiles + its plan as JSON, served as WebVTT)
   * and a waveform picture for audio, through the same runner with argv presets and a time limit.
   * Made once per content; a file that FFmpeg cannot read just has none. Says whether they were
   * made now or were there already.
   */
  private async mediaExtras(t: ThumbTask): Promise<'made' | 'existed' | false> {
    const done = t.kind === 'video' ? seekMetaKey(t.sha256) : waveKey(t.sha256);
    if (await this.files.store.stat(done)) return 'existed';
    const runner = await this.runner();
    if (!runner) return false;
    const src = await this.files.store.localPath(blobKey(t.sha256));
    const dir = await mkdtemp(join(tmpdir(), 'cr-extras-'));
    try {
      if (t.kind === 'audio') {
        const out = join(dir, 'wave.png');
        const exit = await runner.runToEnd(waveformJob(src, out), 'file-waveform', FFMPEG_TIMEOUT_MS * 2);
        if (exit.error || !(await stat(out).catch(() => null))) return false;
        await this.files.store.putFile(waveKey(t.sha256), out);
        return 'made';
      }
      const probe = await this.ffprobe();
      const info = probe ? await probeMedia(probe, src) : null;
      if (!info?.hasVideo || info.durationSec <= 0) return false;
      const plan: SeekPlan = seekPlan(info.durationSec);
      const out = join(dir, 'seek.jpg');
      const exit = await runner.runToEnd(seekSpriteJob(src, out, plan), 'file-seek', FFMPEG_TIMEOUT_MS * 4);
      if (exit.error || !(await stat(out).catch(() => null))) return false;
      await this.files.store.putFile(seekKey(t.sha256), out);
      const meta = join(dir, 'seek.json');
      await writeFile(meta, JSON.stringify({ ...plan, durationSec: info.durationSec }));
      await this.files.store.putFile(seekMetaKey(t.sha256), meta);
      return 'made';
    } finally {
      await rm(dir, { recursive: true, force: true });
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
      // sharp (libvips) is loaded with the first thumbnail, not at start-up (ADR 0034).
      const { default: sharp } = await import('sharp');
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
