/** The clocked RTMP publisher shared by the streaming specs and the streaming benches (plain Node, no Playwright). */
import { spawn, type ChildProcess } from 'node:child_process';

/**
 * A publisher with a clock in the picture (issue 17 #9): the frame number is burned into the top
 * strip as 16 black/white blocks, and FFmpeg's own progress reports (`frame=N` at a known wall
 * time, every 100 ms) tell when each frame was made. `capturedAt(n)` is the wall-clock time frame
 * n left the encoder: the best of (report time - frames/fps), since reporting only adds delay.
 */
export function publishWithClock(fullUrl: string): { child: ChildProcess; capturedAt: (frame: number) => number | null } {
  const fps = 30;
  const bit = `mod(floor(N/pow(2\,floor(X/40)))\,2)`;
  const args = [
    '-hide_banner',
    '-loglevel', 'error',
    '-progress', 'pipe:1',
    '-stats_period', '0.1',
    '-re',
    '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=${fps}`,
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-filter_complex', `[0:v]format=yuv420p,split[m][b];[b]crop=640:24:0:0,geq=lum='16+219*${bit}':cb=128:cr=128[bar];[m][bar]overlay=0:0[v]`,
    '-map', '[v]', '-map', '1:a',
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', String(fps), '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-ar', '48000',
    '-f', 'flv', fullUrl,
  ];
  const child = spawn(process.env.FFMPEG_PATH ?? 'ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[publisher] ${d.toString().replace(/live_[A-Za-z0-9_-]+/g, 'live_…')}`));
  let anchor = Number.POSITIVE_INFINITY;
  child.stdout?.on('data', (d: Buffer) => {
    const now = Date.now();
    for (const m of d.toString().matchAll(/^frame=(\d+)/gm)) {
      const frames = Number(m[1]);
      if (frames > 0) anchor = Math.min(anchor, now - (frames * 1000) / fps);
    }
  });
  // Frame n (0-based) is the (n+1)th encoded.
  return { child, capturedAt: (frame) => (Number.isFinite(anchor) ? anchor + ((frame + 1) * 1000) / fps : null) };
}
