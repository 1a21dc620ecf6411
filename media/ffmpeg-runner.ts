/**
 * Our one way to run FFmpeg. fluent-ffmpeg (archived upstream) stays behind this file so it can be
 * swapped for child_process.spawn: callers hand in argv arrays (from presets.ts) and get a job with
 * its PID, progress lines, a stop() that sends one SIGTERM then SIGKILL, and an exit promise.
 *
 * Every child's PID is tracked; children still running when Node exits are killed (SIGKILL) so a
 * crash of ours never leaves FFmpeg processes behind.
 */
import ffmpeg from 'fluent-ffmpeg';
import { ProgressParser, type ProgressSample } from './progress.js';
import type { HlsJobArgs } from './presets.js';

export interface FfmpegExit {
  /** Exit code (255 after our SIGTERM), null when killed by a signal. */
  code: number | null;
  signal: string | null;
  /** We asked it to stop. */
  stopped: boolean;
  /** The last lines FFmpeg wrote (warnings and errors), for logs. */
  stderrTail: string[];
  /** Spawn failure or non-zero exit, in words; null for a clean or requested end. */
  error: string | null;
}

export interface FfmpegJob {
  readonly label: string;
  /** Set once the process is spawned. */
  pid(): number | null;
  readonly exited: Promise<FfmpegExit>;
  running(): boolean;
  /**
   * One SIGTERM (FFmpeg finishes its outputs: HLS gets ENDLIST), then SIGKILL after `graceMs`.
   * Calling it again while a stop is pending sends no further signal.
   */
  stop(graceMs?: number): Promise<FfmpegExit>;
}

const livePids = new Set<number>();

/** Hears every FFmpeg exit (server/health counts crashes for its crash-loop alert). */
export type FfmpegExitListener = (exit: FfmpegExit, label: string) => void;
const exitListeners = new Set<FfmpegExitListener>();

/** Subscribes to every FFmpeg exit; returns the unsubscribe function. */
export function onFfmpegExit(fn: FfmpegExitListener): () => void {
  exitListeners.add(fn);
  return () => exitListeners.delete(fn);
}

/** PIDs of FFmpeg children this process started that have not exited (tests check this). */
export function runningFfmpegPids(): number[] {
  return [...livePids];
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone (ESRCH)
  }
}

// 'exit' handlers must be synchronous: SIGKILL by PID is.
process.on('exit', () => {
  for (const pid of livePids) killQuietly(pid, 'SIGKILL');
});

export interface RunOptions {
  label: string;
  onProgress?: (sample: ProgressSample) => void;
  /** Lines that are not progress (warnings, errors). */
  onLog?: (line: string) => void;
}

export class FfmpegRunner {
  constructor(readonly binary: string) {}

  /**
   * fluent-ffmpeg lists the binary's formats (`ffmpeg -formats`) before its first run: do it now,
   * not when the first publisher is waiting.
   */
  warmUp(): Promise<void> {
    return new Promise((resolve) => {
      ffmpeg().setFfmpegPath(this.binary).getAvailableFormats(() => resolve());
    });
  }

  run(job: HlsJobArgs, opts: RunOptions): FfmpegJob {
    const cmd = ffmpeg({ stdoutLines: 0 }).setFfmpegPath(this.binary).input(job.input);
    // Spread form: fluent-ffmpeg splits array entries that contain one space (STACK.md).
    if (job.inputArgs.length > 0) cmd.inputOptions(...(job.inputArgs.length === 1 ? [...job.inputArgs, '-hide_banner'] : job.inputArgs));
    for (const out of job.outputs) {
      cmd.output(out.target);
      if (out.args.length > 0) cmd.outputOptions(...(out.args.length === 1 ? [...out.args, '-y'] : out.args));
    }

    let pid: number | null = null;
    let stopped = false;
    let done = false;
    const tail: string[] = [];
    const parser = new ProgressParser();
    let resolveExit!: (e: FfmpegExit) => void;
    const exited = new Promise<FfmpegExit>((r) => (resolveExit = r));

    const finish = (code: number | null, signal: string | null, error: string | null) => {
      if (done) return;
      done = true;
      if (pid !== null) livePids.delete(pid);
      const requested = stopped && (signal !== null || code === 255 || code === 0 || code === null);
      const exit: FfmpegExit = { code, signal, stopped, stderrTail: tail.slice(-15), error: requested || (code === 0 && !error) ? null : error };
      resolveExit(exit);
      for (const fn of exitListeners) fn(exit, opts.label);
    };

    cmd.on('start', () => {
      const proc = (cmd as unknown as { ffmpegProc?: import('node:child_process').ChildProcess }).ffmpegProc;
      pid = proc?.pid ?? null;
      if (pid !== null) livePids.add(pid);
      proc?.once('exit', (code, signal) => {
        // fluent-ffmpeg reports via 'end'/'error' once stderr closes too; the PID is free now.
        if (pid !== null) livePids.delete(pid);
        if (signal || code !== 0) setTimeout(() => finish(code, signal, signal ? `killed by ${signal}` : `exited with code ${code}`), 50);
        else setTimeout(() => finish(0, null, null), 50);
      });
      if (stopped && pid !== null) killQuietly(pid, 'SIGTERM');
    });
    cmd.on('stderr', (line: string) => {
      const sample = parser.push(line);
      if (sample) opts.onProgress?.(sample);
      else if (!/^\s*[a-z_0-9]+=/.test(line) && line.trim()) {
        tail.push(line);
        if (tail.length > 50) tail.shift();
        opts.onLog?.(line);
      }
    });
    cmd.on('end', () => finish(0, null, null));
    cmd.on('error', (err: Error) => {
      const m = /exited with code (\d+)/.exec(err.message);
      const k = /killed with signal (\w+)/.exec(err.message);
      finish(m ? Number(m[1]) : null, k ? k[1]! : null, err.message.split('\n')[0] ?? 'ffmpeg failed');
    });
    cmd.run();

    const self: FfmpegJob = {
      label: opts.label,
      pid: () => pid,
      exited,
      running: () => !done,
      async stop(graceMs = 3000) {
        if (done) return exited;
        // Exactly one SIGTERM, then SIGKILL after the grace period. FFmpeg's first signal ends its
        // main loop and it writes its trailers (HLS: last segment, ENDLIST); a read blocked on a
        // silent input still waits for -rw_timeout, so graceMs must exceed it. A second signal
        // interrupts every I/O, the trailers' writes too: FFmpeg 5.1 then leaves an empty HLS
        // playlist and exits 255 (measured). Never send one; prefer ending the input (EOF).
        if (!stopped) {
          stopped = true;
          if (pid !== null) killQuietly(pid, 'SIGTERM');
        }
        const timer = setTimeout(() => {
          if (pid !== null && !done) killQuietly(pid, 'SIGKILL');
        }, graceMs);
        const exit = await exited;
        clearTimeout(timer);
        return exit;
      },
    };
    return self;
  }

  /** Runs a short job to completion (poster, remux); killed after `timeoutMs`. */
  async runToEnd(job: HlsJobArgs, label: string, timeoutMs: number): Promise<FfmpegExit> {
    const j = this.run(job, { label });
    const timer = setTimeout(() => void j.stop(1000), timeoutMs);
    const exit = await j.exited;
    clearTimeout(timer);
    return exit.stopped ? { ...exit, error: `timed out after ${timeoutMs} ms` } : exit;
  }
}
