/**
 * Disk full in the browser (issue 11), on a real small disk: a private server whose
 * `DATA_DIR/files` is a 40 MiB tmpfs. The first PATCH of a 20 MiB upload goes through; before the
 * second one reaches the server, another file fills the disk to 1 MiB free (the request is held
 * only while the disk is filled, then sent on unchanged), so the real server answers from its real
 * statfs: 507 STORAGE_FULL. The upload list shows the server's message at once (no silent
 * retries), marks the upload "Interrupted" (not "Failed": it stays resumable), keeps the bytes
 * sent, lists no file; once the filler is deleted, Resume continues from the server's offset to the
 * same bytes. A write that meets ENOSPC in the middle of a PATCH is tested in
 * server/files/diskfull-real.test.ts. Mounting needs root (CI is root): skipped with the reason
 * otherwise.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { mountSmallDisk, smallDiskUnavailable, type SmallDisk } from '../../server/test/small-disk.js';
import { docShot } from '../fixtures.js';
import { startIsolatedServer, type IsolatedServer } from '../isolated-server.js';
import { sha, writeTemp } from './helpers.js';

const MiB = 1024 * 1024;
const unavailable = smallDiskUnavailable(mkdtempSync(join(tmpdir(), 'cr-e2e-disk-probe-')));

let dataDir: string;
let disk: SmallDisk;
let server: IsolatedServer;
test.beforeAll(async () => {
  if (unavailable) return;
  dataDir = mkdtempSync(join(tmpdir(), 'cr-e2e-diskfull-'));
  disk = mountSmallDisk(join(dataDir, 'files'), 40);
  // No free-space floor: the disk itself is what is full.
  server = await startIsolatedServer(4, { dataDir, env: { FILES_MIN_FREE_MB: '0' } });
});
test.afterAll(async () => {
  await server?.stop();
  disk?.unmount();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test('the server disk fills between two PATCHes: the message shows at once, the upload is kept; Resume after space is freed ends with the same bytes', async ({ browser }) => {
  test.skip(unavailable !== null, `needs a small real disk: ${unavailable}`);
  test.setTimeout(180_000);
  const context = await browser.newContext({ baseURL: server.url });
  expect((await context.request.post('/api/auth/register', { data: { username: 'diskfull', password: 'correct horse battery' } })).status()).toBe(201);
  const page = await context.newPage();
  const room = (await (await context.request.post('/api/rooms', { data: { name: 'Full disk' } })).json()).room as { id: number };
  const bytes = randomBytes(20 * MiB); // two PATCHes of the client's 16 MiB chunks
  const path = writeTemp('dataset.bin', bytes);

  // The second PATCH waits while something else fills the disk, then goes to the server as it was.
  let patches = 0;
  const statuses: number[] = [];
  page.on('response', (r) => {
    if (r.request().method() === 'PATCH' && r.url().includes('/api/files/tus/')) statuses.push(r.status());
  });
  await page.route('**/api/files/tus/*', async (route) => {
    if (route.request().method() === 'PATCH' && ++patches === 2) await disk.fill(MiB);
    await route.continue();
  });

  await page.goto(`/rooms/${room.id}?a=files`);
  await expect(page.getByTestId('files-stage')).toBeVisible();
  await page.getByTestId('file-input').setInputFiles(path);
  const list = page.getByTestId('upload-list');
  await expect(list.getByRole('alert')).toHaveText('The server is out of disk space. Your upload is kept: resume it once space is freed.', { timeout: 60_000 });
  await expect(list).toContainText('Interrupted');
  await expect(list).not.toContainText('Failed');
  expect(statuses).toEqual([204, 507]); // refused by the real server, not retried
  await docShot(page, 'docs/screenshots/files-disk-full.png');
  await expect(page.getByRole('button', { name: 'dataset.bin', exact: true })).toHaveCount(0);
  expect(((await (await context.request.get(`/api/rooms/${room.id}/files`)).json()).files as unknown[]).length).toBe(0);

  // Space freed: Resume continues from the server's offset (16 MiB) and the file is whole.
  disk.free();
  await page.unroute('**/api/files/tus/*');
  const offsets: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PATCH' && r.url().includes('/api/files/tus/')) offsets.push(r.headers()['upload-offset'] ?? '');
  });
  await page.getByRole('button', { name: 'Resume dataset.bin' }).click();
  await expect(list).toContainText('Done', { timeout: 60_000 });
  await expect(page.getByRole('button', { name: 'dataset.bin', exact: true })).toBeVisible({ timeout: 30_000 });
  expect(offsets).toEqual([String(16 * MiB)]);
  const files = (await (await context.request.get(`/api/rooms/${room.id}/files`)).json()).files as { sha256: string; name: string }[];
  expect(files.map((f) => [f.name, f.sha256])).toEqual([['dataset.bin', sha(bytes)]]);
  await context.close();
});
