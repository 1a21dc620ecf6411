/**
 * What the SFU specs share: the small fake camera, the Chromium test with it, whether Janus (and
 * other tools) are installed, joining a large call, and the running Janus child's pid.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { callFlags, callTest } from '../fixtures.js';

// A small camera picture (320x180, 15 fps) so several browsers fit on two shared cores.
const FAKE_VIDEO = joinPath(tmpdir(), 'commonroom-sfu-fake-320x180.y4m');
if (!existsSync(FAKE_VIDEO)) {
  try {
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=15', '-t', '4', '-pix_fmt', 'yuv420p', FAKE_VIDEO]);
  } catch {
    /* no ffmpeg: Chromium's own fake camera */
  }
}

/** The call test (fake devices) with the small camera picture. */
export const sfuTest = callTest(callFlags(existsSync(FAKE_VIDEO) ? [`--use-file-for-fake-video-capture=${FAKE_VIDEO}`] : []));

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
