/** Live-stream helpers for the end-to-end specs: rooms, a real FFmpeg publisher, the Live tab. */
import { spawn, type ChildProcess } from 'node:child_process';
import { expect, type Page } from '@playwright/test';
import type { User } from '../fixtures.js';

/** `owner` creates an open room and every other user joins it by the invite link. */
export async function roomWith(owner: User, others: User[], name: string): Promise<number> {
  await owner.page.getByRole('button', { name: 'Create room' }).click();
  const create = owner.page.getByRole('dialog', { name: 'Create a room' });
  await create.getByLabel('Name').fill(name);
  await create.getByRole('button', { name: 'Create room' }).click();
  await expect(owner.page).toHaveURL(/\/rooms\/\d+/);
  const roomId = Number(/\/rooms\/(\d+)/.exec(owner.page.url())![1]);
  const ready = owner.page.getByRole('dialog', { name: 'Your room is ready' });
  const link = await ready.getByTestId('invite-link').inputValue();
  await ready.getByRole('button', { name: 'Done' }).click();
  for (const u of others) {
    await u.page.goto(new URL(link).pathname);
    await u.page.getByRole('button', { name: 'Join room' }).click();
    await expect(u.page).toHaveURL(new RegExp(`/rooms/${roomId}`));
  }
  return roomId;
}

/** The Live tab of the room the page is in (it carries data-live="true" and a red dot while live). */
export function liveTab(page: Page) {
  return page.getByRole('navigation', { name: 'Room activities' }).getByRole('button', { name: /Live$/ });
}

export async function openLive(page: Page): Promise<void> {
  await liveTab(page).click();
  await expect(page.getByRole('heading', { name: 'Live', level: 2, exact: true })).toBeVisible();
}

/**
 * A real RTMP publisher: FFmpeg's synthetic test picture and a tone, H.264/AAC with a 1 s GOP
 * (what our OBS guide asks for), in real time.
 */
export function publish(fullUrl: string): ChildProcess {
  const args = [
    '-hide_banner',
    '-loglevel', 'error',
    '-re',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-g', '30', '-pix_fmt', 'yuv420p',
    '-c:a', 'aac', '-ar', '48000',
    '-f', 'flv', fullUrl,
  ];
  const child = spawn(process.env.FFMPEG_PATH ?? 'ffmpeg', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[publisher] ${d.toString().replace(/live_[A-Za-z0-9_-]+/g, 'live_…')}`));
  return child;
}

/** Bits of the frame counter burned into the top of the picture, 40 px wide blocks, 24 px tall. */
const CLOCK_BITS = 16;

export { publishWithClock } from './clock.js';

/**
 * Waits for `count` frames shown `every` frames apart and reads, for each: the frame number burned
 * into the picture, the wall-clock time it was due on screen, and the latency chip's text then.
 * Fewer when the video stalls for 10 s.
 */
export async function readShownFrames(page: Page, count: number, every = 6, testId = 'live-video'): Promise<{ frame: number; shownAt: number; chip: string }[]> {
  return page.getByTestId(testId).evaluate(
    (el, { count, every, bits }) =>
      new Promise<{ frame: number; shownAt: number; chip: string }[]>((resolve) => {
        const v = el as HTMLVideoElement;
        const canvas = document.createElement('canvas');
        canvas.width = v.videoWidth;
        canvas.height = v.videoHeight;
        const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
        const out: { frame: number; shownAt: number; chip: string }[] = [];
        let seen = 0;
        // A stalled video presents no frames: answer with what was read by then.
        setTimeout(() => resolve(out), 10_000);
        const onFrame = (_now: number, meta: { expectedDisplayTime: number }) => {
          if (seen++ % every === 0) {
            ctx.drawImage(v, 0, 0, canvas.width, canvas.height);
            const scale = canvas.width / 640;
            let frame = 0;
            for (let b = 0; b < bits; b++) {
              const px = ctx.getImageData(Math.round((40 * b + 20) * scale), Math.round(12 * scale), 1, 1).data;
              if ((px[0]! + px[1]! + px[2]!) / 3 > 128) frame += 2 ** b;
            }
            const chip = document.querySelector('[data-testid="latency"]')?.textContent ?? '';
            out.push({ frame, shownAt: performance.timeOrigin + meta.expectedDisplayTime, chip });
          }
          if (out.length < count) v.requestVideoFrameCallback(onFrame);
          else resolve(out);
        };
        v.requestVideoFrameCallback(onFrame);
      }),
    { count, every, bits: CLOCK_BITS },
  );
}

/** Stops a publisher by its PID and waits for it to exit (SIGKILL if it lingers). */
export async function stopPublisher(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, signal);
  const timer = setTimeout(() => {
    if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  }, 3000);
  await exited;
  clearTimeout(timer);
}

/** The live <video>'s playback position. */
export function videoTime(page: Page, testId = 'live-video'): Promise<number> {
  return page.getByTestId(testId).evaluate((v) => (v as HTMLVideoElement).currentTime);
}
