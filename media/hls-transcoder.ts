/**
 * One live stream's FFmpeg: RTMP in, low-latency HLS out (plus an optional source recording).
 * Knows when the output became playable (master playlist and a first segment in every variant),
 * keeps the latest progress sample, and on stop ends FFmpeg by ending its input, so it finishes
 * every output itself: the last segment listed, ENDLIST written, the recording complete.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FfmpegExit, FfmpegJob, FfmpegRunner } from './ffmpeg-runner.js';
import { parseMediaPlaylist, programDateLagMs, withEndlist } from './hls-playlist.js';
import { hlsJob, type PlannedRendition } from './presets.js';
import type { ProgressSample } from './progress.js';

/** How long FFmpeg gets to finish by itself once its input ended (measured: ~0.3 s). */
export const EOF_WAIT_MS = 5_000;
/** After the one SIGTERM: longer than the input's -rw_timeout (3 s), which a blocked read waits out. */
export const SIGTERM_GRACE_MS = 6_000;

export interface TranscoderOptions {
  input: string;
  outDir: string;
  renditions: PlannedRendition[];
  hasAudio: boolean;
  sourceAudioAac: boolean;
  fps: number;
  recordFile?: string;
  /** Options before `-i` (WHIP's SDP input: see media/whip-sdp.ts). */
  inputFormatArgs?: string[];
  /** Give up waiting for the first segment after this long. */
  playableTimeoutMs?: number;
  /**
   * Ends FFmpeg's input (closes the connection it reads from); true when there was one to close.
   * Without it (or when it closes nothing) stop() falls back to one SIGTERM.
   */
  closeInput?: () => boolean;
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

  /**
   * How late (ms) the program date-times of the first variant run behind the moment their media
   * reached us (see programDateLagMs), or null when unknown. Players add it to the delay they
   * compute from the dates.
   */
  async programDateLagMs(): Promise<number | null> {
    const first = this.opts.renditions[0];
    if (!first) return null;
    const dir = join(this.opts.outDir, `v${first.index}`);
    const parsed = parseMediaPlaylist(await readFile(join(dir, 'index.m3u8'), 'utf8').catch(() => ''));
    if (!parsed.ok) return null;
    const segs = [];
    for (const seg of parsed.playlist.segments) {
      const st = await stat(join(dir, seg.uri)).catch(() => null);
      if (st) segs.push({ programDateTime: seg.programDateTime, duration: seg.duration, finishedAt: st.mtimeMs });
    }
    return programDateLagMs(segs);
  }

  /**
   * Stops FFmpeg the way that keeps its outputs whole: end its input (EOF) and let it finish by
   * itself; only if it has not exited after EOF_WAIT_MS, one SIGTERM, and SIGKILL after `graceMs`
   * (never a second signal while its trailers are pending: see FfmpegJob.stop). Then every playlist
   * is checked and closed, and cut-short leftovers removed.
   */
  async stop(graceMs = SIGTERM_GRACE_MS): Promise<FfmpegExit | null> {
    this.stopRequested = true;
    let exit: FfmpegExit | null = null;
    const job = this.job;
    if (job) {
      if (job.running() && this.opts.closeInput?.()) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([job.exited, new Promise((r) => (timer = setTimeout(r, EOF_WAIT_MS)))]);
        clearTimeout(timer);
        if (job.running()) this.opts.onLog?.(`FFmpeg did not finish within ${EOF_WAIT_MS} ms of its input ending; sending SIGTERM`);
      }
      exit = await job.stop(graceMs);
    }
    await this.ensureEndlist();
    return exit;
  }

  /**
   * After FFmpeg exited: close every variant playlist with ENDLIST (a killed FFmpeg leaves live
   * ones behind; players would keep polling), and remove what a killed FFmpeg leaves half-written
   * (temp files, empty unlisted segments). A playlist that is not valid HLS is not appended to:
   * that would only make a different broken file; it is reported instead.
   */
  async ensureEndlist(): Promise<void> {
    for (const r of this.opts.renditions) {
      const dir = join(this.opts.outDir, `v${r.index}`);
      const file = join(dir, 'index.m3u8');
      const text = await readFile(file, 'utf8').catch(() => null);
      if (text === null) continue;
      const closed = withEndlist(text);
      if (closed === null) {
        const parsed = parseMediaPlaylist(text);
        this.opts.onLog?.(`playlist v${r.index} is not valid HLS after FFmpeg ended: ${parsed.ok ? '' : parsed.errors.join('; ')}`);
      } else if (closed !== text) {
        await writeFile(`${file}.end`, closed).then(() => rename(`${file}.end`, file)).catch(() => {});
      }
      const final = closed === null ? null : parseMediaPlaylist(closed);
      const listed = new Set(final?.ok ? final.playlist.segments.map((s) => s.uri) : []);
      for (const name of await readdir(dir).catch(() => [] as string[])) {
        if (name === 'index.m3u8' || listed.has(name)) continue;
        const path = join(dir, name);
        if (name.endsWith('.tmp') || name.endsWith('.end') || (name.endsWith('.ts') && (await stat(path).catch(() => null))?.size === 0)) await rm(path, { force: true });
      }
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
