import { describe, expect, it } from 'vitest';
import { findFfmpeg } from './ffmpeg-binary.js';
import { FfmpegRunner, runningFfmpegPids } from './ffmpeg-runner.js';

const { binary } = await findFfmpeg(process.env.FFMPEG_PATH);
const endless = { inputArgs: ['-hide_banner', '-nostats', '-progress', 'pipe:2', '-re', '-f', 'lavfi'], input: 'testsrc2=size=320x240:rate=30', outputs: [{ target: '-', args: ['-f', 'null'] }] };

describe('FFmpeg runner', () => {
  it('reports a missing binary as an exit with an error, never a throw', async () => {
    const job = new FfmpegRunner('/nonexistent/ffmpeg').run(endless, { label: 'missing' });
    const exit = await job.exited;
    expect(exit.error).toBeTruthy();
    expect(job.running()).toBe(false);
    expect(await job.stop()).toBe(exit);
  });

  it.skipIf(!binary)('tracks the PID, reports progress, and stop() ends the process', async () => {
    const samples: number[] = [];
    const job = new FfmpegRunner(binary!.ffmpeg).run(endless, { label: 'endless', onProgress: (p) => samples.push(p.frame) });
    while (samples.length < 2) await new Promise((r) => setTimeout(r, 50));
    const pid = job.pid()!;
    expect(runningFfmpegPids()).toContain(pid);
    const exit = await job.stop(2000);
    expect(exit).toMatchObject({ stopped: true, error: null });
    expect(() => process.kill(pid, 0)).toThrow();
    expect(runningFfmpegPids()).not.toContain(pid);
    expect(samples[samples.length - 1]).toBeGreaterThan(0);
  }, 15_000);

  it.skipIf(!binary)('kills a short job that overruns its time limit', async () => {
    const exit = await new FfmpegRunner(binary!.ffmpeg).runToEnd(endless, 'overrun', 500);
    expect(exit.error).toMatch(/timed out/);
    expect(runningFfmpegPids()).toEqual([]);
  }, 15_000);
});
