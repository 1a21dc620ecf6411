/**
 * Room files end to end (SPEC F1-F4): two people in a room. One uploads a several-MB image with the
 * upload throttled, pauses, reloads the page and picks the file again: the upload continues from
 * the server's offset. The other sees it appear with its thumbnail, previews it and downloads the
 * same bytes. A folder is created, the file moved into it, deleted to the trash and restored.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { docShot, newUserViaApi } from '../fixtures.js';
import { formatBytes } from '../../protocol/files-constants.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function openFiles(page: Page, roomId: number): Promise<void> {
  await page.goto(`/rooms/${roomId}?a=files`);
  await expect(page.getByTestId('files-stage')).toBeVisible();
}

test('upload paused, reloaded and resumed; the other member sees, previews and downloads it; folders and trash', async ({ browser }) => {
  test.setTimeout(300_000);
  const a = await newUserViaApi(browser, 'uploader');
  const b = await newUserViaApi(browser, 'reader');
  const created = await a.context.request.post('/api/rooms', { data: { name: 'Shared files' } });
  expect(created.status()).toBe(201);
  const room = (await created.json()).room as { id: number; code: string };
  expect((await b.context.request.post(`/api/rooms/${room.id}/join`, { data: { code: room.code } })).status()).toBe(200);

  // A ~6 MB PNG of noise (incompressible).
  const dir = mkdtempSync(join(tmpdir(), 'cr-e2e-files-'));
  const path = join(dir, 'lecture-photo.png');
  const png = await sharp(randomBytes(1400 * 1400 * 3), { raw: { width: 1400, height: 1400, channels: 3 } }).png({ compressionLevel: 0 }).toBuffer();
  writeFileSync(path, png);

  await openFiles(a.page, room.id);
  await openFiles(b.page, room.id);
  await expect(b.page.getByText('No files here yet')).toBeVisible();

  // Throttle A's uploads to ~250 KB/s (slow enough that Pause lands mid-upload on a quiet machine), start, and pause a little way in.
  const cdp = await a.context.newCDPSession(a.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 250_000 });
  await a.page.getByTestId('file-input').setInputFiles(path);
  const bar = a.page.getByRole('progressbar', { name: 'lecture-photo.png upload' });
  await expect(async () => expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(10)).toPass({ timeout: 60_000 });
  await expect(a.page.getByTestId('upload-list')).toContainText('/s');
  await expect(a.page.getByTestId('upload-list')).toContainText('left');
  await docShot(a.page, 'docs/screenshots/files-uploading.png');
  await a.page.getByRole('button', { name: 'Pause lecture-photo.png' }).click();
  await expect(a.page.getByTestId('upload-list')).toContainText('Paused');
  // The server reserved the file's size when the upload began: the storage use already counts it.
  await expect(a.page.getByTestId('files-usage')).toContainText(`${formatBytes(png.length)} of`);

  // Reload: the page remembers the unfinished upload; the server kept the bytes it got.
  await a.page.reload();
  await expect(a.page.getByText('Unfinished uploads from before')).toBeVisible();
  await expect(a.page.getByText('lecture-photo.png', { exact: true })).toBeVisible();
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await a.page.getByTestId('file-input').setInputFiles(path);
  await expect(a.page.getByTestId('upload-list')).toContainText('resumed');
  await expect(a.page.getByTestId('upload-list')).toContainText('Done', { timeout: 60_000 });

  // B sees it appear (pushed), with its thumbnail in the grid view.
  const row = b.page.getByRole('button', { name: 'lecture-photo.png', exact: true });
  await expect(row).toBeVisible({ timeout: 30_000 });
  await b.page.getByRole('button', { name: 'Grid view' }).click();
  await expect(b.page.getByTestId('thumb').first()).toBeVisible({ timeout: 30_000 });
  await docShot(b.page, 'docs/screenshots/files-grid.png');

  // Preview, then download: same bytes.
  await b.page.getByRole('button', { name: 'Preview lecture-photo.png' }).click();
  const preview = b.page.getByTestId('file-preview');
  await expect(preview.getByRole('img', { name: 'lecture-photo.png' })).toBeVisible();
  await expect(preview).toContainText(sha(png));
  await docShot(b.page, 'docs/screenshots/files-preview.png');
  const downloading = b.page.waitForEvent('download');
  await preview.getByRole('link', { name: 'Download' }).click();
  const download = await downloading;
  const saved = join(dir, 'downloaded.png');
  await download.saveAs(saved);
  expect(sha(readFileSync(saved))).toBe(sha(png));
  await b.page.getByRole('button', { name: 'Close dialog' }).click();

  // A: a folder, the file moved into it, then trash and restore.
  await a.page.getByRole('button', { name: 'More ways to add' }).click();
  await a.page.getByRole('menuitem', { name: 'New folder' }).click();
  const nameDialog = a.page.getByRole('dialog', { name: 'New folder' });
  await nameDialog.getByLabel('Name').fill('Week 1');
  await nameDialog.getByRole('button', { name: 'Create' }).click();
  await expect(a.page.getByRole('button', { name: 'Week 1', exact: true })).toBeVisible();
  await expect(b.page.getByRole('button', { name: 'Open folder Week 1' })).toBeVisible(); // B is in the grid view

  await a.page.getByRole('button', { name: 'Actions for lecture-photo.png' }).click();
  await a.page.getByRole('menuitem', { name: 'Move to…' }).click();
  const move = a.page.getByRole('dialog', { name: 'Move 1 item' });
  await move.getByRole('button', { name: 'Week 1', exact: true }).click();
  await move.getByRole('button', { name: 'Move here' }).click();
  await expect(move).toBeHidden();
  await expect(a.page.getByRole('button', { name: 'lecture-photo.png', exact: true })).toHaveCount(0);
  await a.page.getByRole('table', { name: 'Files' }).getByRole('button', { name: 'Week 1', exact: true }).click();
  await expect(a.page.getByRole('navigation', { name: 'Folder path' })).toContainText('Week 1');
  await expect(a.page.getByRole('button', { name: 'lecture-photo.png', exact: true })).toBeVisible();

  await a.page.getByRole('button', { name: 'Actions for lecture-photo.png' }).click();
  await a.page.getByRole('menuitem', { name: 'Move to trash' }).click();
  await a.page.getByRole('dialog').getByRole('button', { name: 'Move to trash' }).click();
  await expect(a.page.getByText('No files here yet')).toBeVisible();
  await a.page.getByRole('tab', { name: 'Trash' }).click();
  await a.page.getByRole('button', { name: 'Actions for lecture-photo.png' }).click();
  await a.page.getByRole('menuitem', { name: 'Restore' }).click();
  await expect(a.page.getByText('The trash is empty')).toBeVisible();
  await a.page.getByRole('tab', { name: 'Files' }).click();
  // Back from the trash, the browser is still in Week 1: its breadcrumb opens it.
  await a.page.getByRole('navigation', { name: 'Folder path' }).getByRole('button', { name: 'Week 1', exact: true }).click();
  await expect(a.page.getByRole('button', { name: 'lecture-photo.png', exact: true })).toBeVisible();
  await docShot(a.page, 'docs/screenshots/files-list.png');
});
