/**
 * One live stream's FFmpeg: RTMP in, low-latency HLS out (plus an optional source recording).
 * Knows when the output became playable (master playlist and a first segment in every variant),
 * keeps the latest progress sample, and on stop makes sure every playlist ends with ENDLIST.
 */
import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FfmpegExit, FfmpegJob, FfmpegRunner } from './ffmpeg-runner.js';
import { hlsJob, type PlannedRendition } from './presets.js';
import type { ProgressSample } from './progress.js';

export interface TranscoderOptions {
  input: string;
  outDir: string;
  renditions: PlannedRendition[];
  hasAudio: boolean;
  sourceAudioAac: boolean;
  fps: number;
  recordFile?: string;
  /** Give up waiting for the first segment after this long. */
  playableTimeoutMs?: number;
  onLog?: (line: string) => void;
}

export class HlsTranscoder {
  private job: FfmpegJob | null = null;
  /** stop() may come while start() is still preparing directories: then nothing is spawned. */
  private stopRequested = false;
  progress: ProgressSample | null = null;
  /** Wall-clock instant the output became playable. */
  playableAt: number | null = null;
  readonly startedAt = Date.now();

  constructor(
    private readonly runner: FfmpegRunner,
    readonly opts: TranscoderOptions,
  ) {}

  async start(): Promise<void> {
    for (const r of this.opts.renditions) await mkdir(join(this.opts.outDir, `v${r.index}`), { recursive: true });
    if (this.stopRequested) return;
    const args = hlsJob(this.opts);
    this.job = this.runner.run(args, {
      label: `hls ${this.opts.outDir}`,
      onProgress: (p) => (this.progress = p),
      onLog: this.opts.onLog,
    });
  }

  pid(): number | null {
    return this.job?.pid() ?? null;
  }

  get exited(): Promise<FfmpegExit> {
    if (!this.job) return Promise.resolve({ code: null, signal: null, stopped: true, stderrTail: [], error: 'stopped before it started' });
    return this.job.exited;
  }

  running(): boolean {
    return this.job?.running() ?? false;
  }

  /** True once the master and every variant playlist list a segment. */
  async isPlayable(): Promise<boolean> {
    if (!existsSync(join(this.opts.outDir, 'master.m3u8'))) return false;
    for (const r of this.opts.renditions) {
      const text = await readFile(join(this.opts.outDir, `v${r.index}`, 'index.m3u8'), 'utf8').catch(() => '');
      if (!text.includes('#EXTINF')) return false;
    }
    return true;
  }

  /**
   * Resolves when playable; rejects when FFmpeg exits first or the timeout passes. Polls every
   * 50 ms: file watchers are unreliable across platforms and this costs nothing.
   */
  async waitPlayable(): Promise<void> {
    const deadline = Date.now() + (this.opts.playableTimeoutMs ?? 20_000);
    let exit: FfmpegExit | null = null;
    void this.exited.then((e) => (exit = e));
    for (;;) {
      if (await this.isPlayable()) {
        this.playableAt = Date.now();
        return;
      }
      if (exit) throw new Error(describeExit(exit));
      if (Date.now() > deadline) throw new Error('no HLS segment within the time limit');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Duration (s) of the newest segment of the first variant; 0 when unknown. */
  async lastSegmentSeconds(): Promise<number> {
    const first = this.opts.renditions[0];
    if (!first) return 0;
    const text = await readFile(join(this.opts.outDir, `v${first.index}`, 'index.m3u8'), 'utf8').catch(() => '');
    const all = [...text.matchAll(/#EXTINF:([\d.]+)/g)];
    const last = all[all.length - 1];
    return last ? Number.parseFloat(last[1]!) : 0;
  }

  /** Stops FFmpeg (SIGTERM, then SIGKILL) and ends every playlist with ENDLIST. */
  async stop(graceMs = 3000): Promise<FfmpegExit | null> {
    this.stopRequested = true;
    const exit = this.job ? await this.job.stop(graceMs) : null;
    await this.ensureEndlist();
    return exit;
  }

  /** A killed FFmpeg leaves live playlists behind: close them so players stop polling. */
  async ensureEndlist(): Promise<void> {
    for (const r of this.opts.renditions) {
      const file = join(this.opts.outDir, `v${r.index}`, 'index.m3u8');
      const text = await readFile(file, 'utf8').catch(() => null);
      if (text !== null && !text.includes('#EXT-X-ENDLIST')) await appendFile(file, '#EXT-X-ENDLIST\n').catch(() => {});
    }
  }

  /** Size of the recording so far (bytes), 0 when none. */
  async recordedBytes(): Promise<number> {
    if (!this.opts.recordFile) return 0;
    return (await stat(this.opts.recordFile).catch(() => null))?.size ?? 0;
  }
}

export function describeExit(exit: FfmpegExit): string {
  const detail = exit.stderrTail.filter((l) => !/^\s*$/.test(l)).slice(-2).join(' | ');
  const what = exit.error ?? (exit.code !== null ? `FFmpeg exited with code ${exit.code}` : `FFmpeg was killed (${exit.signal})`);
  return detail ? `${what}: ${detail}` : what;
}
