/**
 * What the SFU specs share: the small fake camera, the Chromium test with it, whether Janus (and
 * other tools) are installed, joining a large call, and the running Janus child's pid.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { callFlags, callTest, remoteTileOf, remoteTiles, type User } from '../fixtures.js';

/**
 * A fake camera picture: a looping y4m file (ffmpeg's moving test pattern) of that size and rate,
 * made once per machine in the temp dir; null without ffmpeg (then Chromium's own fake camera).
 */
function fakeCamera(width: number, height: number, fps: number): string | null {
  const file = joinPath(tmpdir(), `commonroom-sfu-fake-${width}x${height}-${fps}fps.y4m`);
  if (!existsSync(file)) {
    try {
      const tmp = `${file}.${process.pid}.y4m`;
      execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=size=${width}x${height}:rate=${fps}`, '-t', '4', '-pix_fmt', 'yuv420p', tmp]);
      renameSync(tmp, file);
    } catch {
      return null;
    }
  }
  return file;
}

/** A call test whose fake camera is that picture. */
function cameraTest(width: number, height: number, fps: number) {
  const file = fakeCamera(width, height, fps);
  return callTest(callFlags(file ? [`--use-file-for-fake-video-capture=${file}`] : []));
}

/** The call test (fake devices) with a small camera picture (320x180, 15 fps) so several pages fit on two shared cores. */
export const sfuTest = cameraTest(320, 180, 15);

/**
 * For the eight-person call: a tiny camera (160x120, 5 fps). Eight pages each decoding seven
 * videos at 320x180 15 fps saturated both cores (load ~50) and sockets dropped; this cuts the
 * decode and compositing work per page about ninefold. What is checked does not change.
 */
export const sfuLargeTest = cameraTest(160, 120, 5);

/** True when every command is on PATH. */
export function installed(...commands: string[]): boolean {
  try {
    execFileSync('sh', ['-c', commands.map((c) => `command -v ${c}`).join(' && ')], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Joins the call from its set-up screen and waits to be in it. */
export async function joinCall(page: Page): Promise<void> {
  await page.getByTestId('call-setup').click();
  await expect(page.getByTestId('call-join')).toBeEnabled({ timeout: 30_000 });
  await page.getByTestId('call-join').click();
  await expect(page.locator('.call[data-phase="in-call"]')).toBeVisible({ timeout: 30_000 });
}

/** The running Janus child's pid (its supervisor writes it into DATA_DIR/janus), or null while there is none (between a crash and the restart). */
export function janusPid(): number | null {
  const file = joinPath(process.env.CR_E2E_DATA_DIR!, 'janus', 'janus.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** On `me`'s page, each other user's tile decodes frames, and they keep advancing (tiles found by name: the speaker layout reorders them). */
export async function expectLiveRemotes(me: User, all: User[], timeout = 90_000): Promise<void> {
  const others = all.filter((u) => u !== me);
  await expect(remoteTiles(me.page)).toHaveCount(others.length, { timeout });
  for (const u of others) {
    const tile = remoteTileOf(me.page, u);
    const frames = () => tile.evaluate((el) => Number(el.getAttribute('data-frames'))).catch(() => 0);
    await expect.poll(frames, { timeout, message: `${u.username} shows frames on ${me.username}'s page` }).toBeGreaterThan(3);
    const before = await frames();
    await expect.poll(frames, { timeout: 30_000, message: `${u.username}'s frames advance on ${me.username}'s page` }).toBeGreaterThan(before);
  }
}
