/**
 * Seek thumbnails and waveforms in the preview (issue 11): a real video (ffmpeg testsrc2) shows a
 * thumbnail when the pointer is over the seek bar; a real tone (sine) shows its waveform. A video
 * whose sprite is missing (uploaded before sprites existed) gets one once its preview is opened.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { docShot, newUserViaApi } from '../fixtures.js';
import { ffmpegMake, hasFfmpeg, readBytes, sha, tusUpload } from './helpers.js';

test('video preview shows seek thumbnails on hover; audio preview shows its waveform', async ({ browser }) => {
  test.setTimeout(180_000);
  test.skip(!hasFfmpeg(), 'ffmpeg is not installed');
  const make = (name: string, args: string[]) => readBytes(ffmpegMake(name, args));
  const video = make('lecture.mp4', ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '20', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']);
  const audio = make('tone.m4a', ['-f', 'lavfi', '-i', 'sine=frequency=330:duration=6', '-c:a', 'aac']);

  const a = await newUserViaApi(browser, 'watcher');
  const room = (await (await a.context.request.post('/api/rooms', { data: { name: 'Media' } })).json()).room as { id: number };
  await tusUpload(a.context.request, room.id, 'lecture.mp4', video);
  await tusUpload(a.context.request, room.id, 'tone.m4a', audio);

  await a.page.goto(`/rooms/${room.id}?a=files`);
  await a.page.getByRole('button', { name: 'Grid view' }).click();
  await a.page.getByRole('button', { name: 'Preview lecture.mp4' }).click();
  const preview = a.page.getByTestId('file-preview');
  const seekBar = preview.getByTestId('seek-bar');
  await expect(seekBar).toBeVisible({ timeout: 90_000 });
  const box = (await seekBar.boundingBox())!;
  await a.page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
  await expect(preview.getByTestId('seek-thumb')).toBeVisible();
  await expect(preview.getByTestId('seek-thumb')).toContainText(/0:1[12]/); // 60 % of 20 s, give or take a pixel
  await docShot(a.page, 'docs/screenshots/files-seek-thumbnails.png');
  await a.page.keyboard.press('Escape');

  await a.page.getByRole('button', { name: 'Preview tone.m4a' }).click();
  await expect(a.page.getByTestId('file-preview').getByTestId('waveform')).toBeVisible({ timeout: 90_000 });
  await docShot(a.page, 'docs/screenshots/files-waveform.png');
});

test('a video uploaded before seek thumbnails existed gets them when its preview is opened', async ({ browser }) => {
  test.setTimeout(180_000);
  test.skip(!hasFfmpeg(), 'ffmpeg is not installed');
  const video = readBytes(ffmpegMake('old-lecture.mp4', ['-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=10', '-t', '16', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']));
  const a = await newUserViaApi(browser, 'oldfiles');
  const room = (await (await a.context.request.post('/api/rooms', { data: { name: 'Archive' } })).json()).room as { id: number };
  const id = await tusUpload(a.context.request, room.id, 'old-lecture.mp4', video);
  const media = async () => (await (await a.context.request.get(`/api/rooms/${room.id}/files/${id}/media`)).json()) as { seek: unknown };
  await expect(async () => expect((await media()).seek).not.toBeNull()).toPass({ timeout: 90_000 });

  // As if uploaded by an older version: the sprite and its plan are removed from the server's store
  // (rmSync throws if they are not there). Opening the preview is what asks for them again.
  const sum = sha(video);
  for (const name of [`${sum}.jpg`, `${sum}.json`]) rmSync(join(process.env.CR_E2E_DATA_DIR!, 'files', 'store', 'seek', sum.slice(0, 2), name));

  await a.page.goto(`/rooms/${room.id}?a=files`);
  await a.page.getByRole('button', { name: 'old-lecture.mp4', exact: true }).click();
  const seekBar = a.page.getByTestId('file-preview').getByTestId('seek-bar');
  await expect(seekBar).toBeVisible({ timeout: 90_000 });
  const box = (await seekBar.boundingBox())!;
  await a.page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await expect(a.page.getByTestId('file-preview').getByTestId('seek-thumb')).toContainText(/0:0[78]/);
});
