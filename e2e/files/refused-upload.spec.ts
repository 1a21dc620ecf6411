/**
 * A file the server refuses is final (issue 11): a member's upload is under way when the owner
 * limits uploads to moderators; the next PATCH is refused by the real server (403). The upload list
 * shows "Failed" with the server's reason and offers no Resume; the browser drops the tus URL it
 * remembered and deletes the refused upload on the server (the room's reserved bytes go back to 0).
 * Then uploads are opened to members again, so any retry would now be accepted: after a reload the
 * page offers nothing to resume, and the server holds only the file uploaded afterwards (file list
 * and storage use read from the server; no upload of the refused file was attempted).
 */
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { formatBytes } from '../../protocol/files-constants.js';
import { docShot, newUserViaApi } from '../fixtures.js';
import { writeTemp } from './helpers.js';

test('a refused upload shows Failed with the reason and is never retried, not even after a reload', async ({ browser }) => {
  test.setTimeout(240_000);
  const owner = await newUserViaApi(browser, 'refowner');
  const b = await newUserViaApi(browser, 'refmember');
  const room = (await (await owner.context.request.post('/api/rooms', { data: { name: 'Refusals' } })).json()).room as { id: number; code: string };
  expect((await b.context.request.post(`/api/rooms/${room.id}/join`, { data: { code: room.code } })).status()).toBe(200);
  const usage = async () => ((await (await owner.context.request.get(`/api/rooms/${room.id}/files/settings`)).json()) as { usedBytes: number }).usedBytes;
  const setRole = async (uploadRole: 'member' | 'moderator') =>
    expect((await owner.context.request.patch(`/api/rooms/${room.id}/files/settings`, { data: { uploadRole } })).status()).toBe(200);

  // 17 MiB: two PATCHes of the client's 16 MiB chunks, the first slowed to ~1 MB/s.
  const path = writeTemp('survey-data.bin', randomBytes(17 * 1024 * 1024));
  await b.page.goto(`/rooms/${room.id}?a=files`);
  await expect(b.page.getByText('No files here yet')).toBeVisible({ timeout: 60_000 });
  const cdp = await b.context.newCDPSession(b.page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 1_000_000 });
  await b.page.getByTestId('file-input').setInputFiles(path);
  const bar = b.page.getByRole('progressbar', { name: 'survey-data.bin upload' });
  await expect(async () => expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThanOrEqual(3)).toPass({ timeout: 60_000 });
  expect(await usage()).toBe(17 * 1024 * 1024); // the server reserved the upload's size

  // The owner limits uploads to moderators while the first chunk is on its way: the next PATCH is refused.
  await setRole('moderator');
  const list = b.page.getByTestId('upload-list');
  await expect(list.getByRole('alert')).toHaveText('Only moderators can upload files in this room.', { timeout: 90_000 });
  await expect(list).toContainText('Failed');
  await expect(b.page.getByRole('button', { name: 'Resume survey-data.bin' })).toHaveCount(0);
  await expect(b.page.getByRole('button', { name: 'Dismiss survey-data.bin' })).toBeVisible();
  // The bar shows what the server had accepted (the first chunk), not what left the browser.
  await expect(list).toContainText(`${formatBytes(16 * 1024 * 1024)} of ${formatBytes(17 * 1024 * 1024)}`);
  // The refusal makes the page re-read what this member may do: no Upload button any more.
  await expect(b.page.getByRole('button', { name: 'Upload', exact: true })).toHaveCount(0);
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  // The browser deleted the refused upload on the server (its reserved bytes are free) and forgot its URL.
  await expect.poll(usage, { timeout: 30_000 }).toBe(0);
  await expect(b.page.getByText(/^\s*0 B of .+ used/)).toBeVisible(); // the page re-read the storage use
  await docShot(b.page, 'docs/screenshots/files-upload-refused.png');
  expect(await b.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tus::')))).toEqual([]);

  // Members may upload again: a retry of the refused file would now be accepted. Nothing retries it.
  await setRole('member');
  const tusRequests: string[] = [];
  b.page.on('request', (r) => {
    if (r.url().includes('/api/files/tus')) tusRequests.push(`${r.method()} ${r.headers()['upload-metadata'] ?? r.url()}`);
  });
  await b.page.reload();
  await expect(b.page.getByText('No files here yet')).toBeVisible({ timeout: 60_000 });
  await expect(b.page.getByRole('button', { name: 'Upload', exact: true })).toBeVisible();
  await expect(b.page.getByText('Unfinished uploads from before')).toHaveCount(0);
  const later = writeTemp('later.txt', Buffer.from('written after the refusal\n'));
  await b.page.getByTestId('file-input').setInputFiles(later);
  await expect(list).toContainText('Done', { timeout: 60_000 });
  await expect(b.page.getByRole('button', { name: 'later.txt', exact: true })).toBeVisible();

  // Server side: only the later file; no bytes reserved for another upload of the refused one.
  const files = ((await (await owner.context.request.get(`/api/rooms/${room.id}/files`)).json()) as { files: { name: string }[] }).files;
  expect(files.map((f) => f.name)).toEqual(['later.txt']);
  expect(await usage()).toBe('written after the refusal\n'.length);
  const refusedName = Buffer.from('survey-data.bin').toString('base64');
  expect(tusRequests.filter((r) => r.includes(refusedName))).toEqual([]);
  expect(tusRequests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
});
