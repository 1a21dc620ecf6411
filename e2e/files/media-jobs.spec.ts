/**
 * Media tools from the Files tab (issue 11, item 6): on a real video (FFmpeg testsrc2 + sine, made
 * here), "Convert to MP4" runs with a moving progress bar and is cancelled (it ends as Cancelled and
 * leaves no file); "Extract audio (M4A)", queued behind it, finishes and its result appears in the
 * same folder for the other member too.
 */
import { expect, test, type Page } from '@playwright/test';
import type { FileDto } from '../../protocol/files.js';
import { docShot, newUserViaApi } from '../fixtures.js';
import { ffmpegMake, hasFfmpeg, readBytes, tusUpload } from './helpers.js';

async function openFolder(page: Page, roomId: number, name: string): Promise<void> {
  await page.goto(`/rooms/${roomId}?a=files`);
  await expect(page.getByTestId('files-stage')).toBeVisible();
  await page.getByRole('table', { name: 'Files' }).getByRole('button', { name, exact: true }).click();
  await expect(page.getByRole('navigation', { name: 'Folder path' })).toContainText(name);
}

const progressOf = async (page: Page, label: string) => Number(await page.getByRole('progressbar', { name: `${label} progress` }).getAttribute('aria-valuenow'));

test('convert with a moving progress bar, cancel it (no file); extract audio finishes and the other member sees the result', async ({ browser }) => {
  test.setTimeout(420_000);
  test.skip(!hasFfmpeg(), 'ffmpeg is not installed');
  // Four minutes of 640x360 video with a tone: long enough to watch the conversion move. Ten seconds
  // are encoded, then looped without re-encoding (cheap for this busy machine).
  const short = ffmpegMake('short.mkv', ['-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', '10', '-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '38', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '48k']);
  const video = readBytes(ffmpegMake('lecture.mkv', ['-stream_loop', '23', '-i', short, '-c', 'copy']));

  const a = await newUserViaApi(browser, 'converter');
  const b = await newUserViaApi(browser, 'listener');
  const room = (await (await a.context.request.post('/api/rooms', { data: { name: 'Media tools' } })).json()).room as { id: number; code: string };
  expect((await b.context.request.post(`/api/rooms/${room.id}/join`, { data: { code: room.code } })).status()).toBe(200);
  const folder = (await (await a.context.request.post(`/api/rooms/${room.id}/folders`, { data: { name: 'Lectures' } })).json()).folder as { id: number };
  await tusUpload(a.context.request, room.id, 'lecture.mkv', video, folder.id);

  await openFolder(a.page, room.id, 'Lectures');
  await openFolder(b.page, room.id, 'Lectures');
  await expect(b.page.getByRole('button', { name: 'lecture.mkv', exact: true })).toBeVisible();

  // Convert to MP4: the bar moves.
  const MP4 = 'Convert to MP4 (H.264/AAC)';
  const M4A = 'Extract audio (M4A)';
  await a.page.getByRole('button', { name: 'Actions for lecture.mkv' }).click();
  await a.page.getByRole('menuitem', { name: MP4 }).click();
  const jobs = a.page.getByTestId('jobs-panel');
  const mp4Row = jobs.locator('li', { hasText: MP4 });
  await expect(mp4Row).toBeVisible();
  let first = 0;
  await expect(async () => {
    first = await progressOf(a.page, MP4);
    expect(first).toBeGreaterThan(0);
  }).toPass({ timeout: 120_000 });
  await expect(async () => expect(await progressOf(a.page, MP4)).toBeGreaterThan(first)).toPass({ timeout: 60_000 });
  await expect(mp4Row).toContainText('Working');

  // Extract audio waits behind it (one FFmpeg at a time by default); the other member sees both.
  await a.page.getByRole('button', { name: 'Actions for lecture.mkv' }).click();
  await a.page.getByRole('menuitem', { name: M4A }).click();
  const m4aRow = jobs.locator('li', { hasText: M4A });
  await expect(m4aRow).toContainText('Waiting');
  await expect(b.page.getByTestId('jobs-panel').locator('li', { hasText: MP4 })).toBeVisible();
  await docShot(a.page, 'docs/screenshots/files-media-jobs.png');

  // Cancel the conversion: it ends as Cancelled; the next job starts.
  await mp4Row.getByRole('button', { name: 'Cancel' }).click();
  await expect(mp4Row).toHaveAttribute('data-status', 'cancelled', { timeout: 30_000 });
  await expect(mp4Row).toContainText('Cancelled');
  await expect(b.page.getByTestId('jobs-panel').locator('li', { hasText: MP4 })).toContainText('Cancelled');

  // The extraction finishes; its file appears in the same folder, for B too.
  await expect(m4aRow).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
  expect(await progressOf(a.page, M4A)).toBe(100);
  await expect(b.page.getByRole('button', { name: 'lecture.m4a', exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(a.page.getByRole('button', { name: 'lecture.m4a', exact: true })).toBeVisible();

  // The cancelled conversion left nothing behind: the folder holds the source and the audio only.
  const listing = (await (await b.context.request.get(`/api/rooms/${room.id}/files?folderId=${folder.id}`)).json()) as { files: FileDto[] };
  expect(listing.files.map((f) => f.name).sort()).toEqual(['lecture.m4a', 'lecture.mkv']);
  const audio = listing.files.find((f) => f.name === 'lecture.m4a')!;
  expect(audio.kind).toBe('audio');
  expect(audio.size).toBeGreaterThan(10_000);
  const root = (await (await b.context.request.get(`/api/rooms/${room.id}/files`)).json()) as { files: FileDto[] };
  expect(root.files).toEqual([]);
});
