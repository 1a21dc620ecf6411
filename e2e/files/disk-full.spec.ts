/**
 * Disk full in the browser (issue 11). WHAT THIS FAKES: the server's disk is not filled here. The
 * e2e server is a separate process on the machine's real disk, so the 507 for the second PATCH is
 * injected at the browser's network layer (page.route), with the very body the server builds for
 * a write that hit ENOSPC (writeFailure from server/files/upload-store.ts). The server side is
 * tested for real in server/files/diskfull.test.ts: the statfs floor, an injected free-space probe
 * at the storage layer (creation and PATCH refused with 507 before a byte is written, no partial
 * file), and ENOSPC in the middle of a write.
 * What this spec checks for real: the upload list shows the server's message at once (no silent
 * retries), marks the upload "Interrupted" (not "Failed": it stays resumable), keeps the bytes sent,
 * and Resume continues from the real server's offset to the same bytes.
 */
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { writeFailure } from '../../server/files/upload-store.js';
import { docShot, newUserViaApi } from '../fixtures.js';
import { sha, writeTemp } from './helpers.js';

test('a PATCH answered 507 STORAGE_FULL (injected in the browser) shows the message; Resume continues from the kept offset', async ({ browser }) => {
  test.setTimeout(180_000);
  const a = await newUserViaApi(browser, 'diskfull');
  const room = (await (await a.context.request.post('/api/rooms', { data: { name: 'Full disk' } })).json()).room as { id: number };
  const bytes = randomBytes(20 * 1024 * 1024); // two PATCHes of the client's 16 MiB chunks
  const path = writeTemp('dataset.bin', bytes);

  // The first PATCH goes through; the second meets a full disk.
  let patches = 0;
  const full = writeFailure(Object.assign(new Error('no space'), { code: 'ENOSPC' }));
  await a.page.route('**/api/files/tus/*', async (route) => {
    if (route.request().method() !== 'PATCH' || ++patches === 1) return route.continue();
    await route.fulfill({ status: full.status_code, headers: { 'tus-resumable': '1.0.0', 'content-type': 'application/json' }, body: full.body });
  });

  await a.page.goto(`/rooms/${room.id}?a=files`);
  await expect(a.page.getByTestId('files-stage')).toBeVisible();
  await a.page.getByTestId('file-input').setInputFiles(path);
  const list = a.page.getByTestId('upload-list');
  await expect(list.getByRole('alert')).toHaveText('The server is out of disk space. Your upload is kept: resume it once space is freed.', { timeout: 60_000 });
  await expect(list).toContainText('Interrupted');
  await expect(list).not.toContainText('Failed');
  expect(patches).toBe(2); // refused at once, not retried
  await docShot(a.page, 'docs/screenshots/files-disk-full.png');
  await expect(a.page.getByRole('button', { name: 'dataset.bin', exact: true })).toHaveCount(0);

  // Space freed: Resume continues from the server's offset (16 MiB) and the file is whole.
  await a.page.unroute('**/api/files/tus/*');
  const offsets: string[] = [];
  a.page.on('request', (r) => {
    if (r.method() === 'PATCH' && r.url().includes('/api/files/tus/')) offsets.push(r.headers()['upload-offset'] ?? '');
  });
  await a.page.getByRole('button', { name: 'Resume dataset.bin' }).click();
  await expect(list).toContainText('Done', { timeout: 60_000 });
  await expect(a.page.getByRole('button', { name: 'dataset.bin', exact: true })).toBeVisible({ timeout: 30_000 });
  expect(offsets).toEqual([String(16 * 1024 * 1024)]);
  const files = (await (await a.context.request.get(`/api/rooms/${room.id}/files`)).json()).files as { sha256: string; name: string }[];
  expect(files.map((f) => [f.name, f.sha256])).toEqual([['dataset.bin', sha(bytes)]]);
});
