/**
 * ZIP downloads in the browser (issue 11, item 8): a member selects two files and a folder (with a
 * subfolder and an empty folder inside), clicks "Download ZIP", and Chromium saves one archive whose
 * entries and bytes are exactly the selection's.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { expect, test } from '@playwright/test';
import { newUserViaApi } from '../fixtures.js';
import { sha, tusUpload, unzipEntries } from './helpers.js';

test('several files and a folder download as one ZIP with the same entries and bytes', async ({ browser }) => {
  test.setTimeout(180_000);
  const owner = await newUserViaApi(browser, 'zipowner');
  const b = await newUserViaApi(browser, 'zipper');
  const api = owner.context.request;
  const room = (await (await api.post('/api/rooms', { data: { name: 'Past papers' } })).json()).room as { id: number; code: string };
  expect((await b.context.request.post(`/api/rooms/${room.id}/join`, { data: { code: room.code } })).status()).toBe(200);
  const folder = async (name: string, parentId?: number) => ((await (await api.post(`/api/rooms/${room.id}/folders`, { data: { name, parentId } })).json()).folder as { id: number }).id;

  const bytes = {
    'paper-2024.pdf': Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(1_500_000)]),
    'notes.txt': Buffer.from('Integrals: substitute, then by parts.\n'),
    'answers.bin': randomBytes(700_000),
    'week-1.txt': Buffer.from('week one\n'),
    'left-out.txt': Buffer.from('not selected\n'),
  };
  const solutions = await folder('Solutions');
  const week = await folder('Week 1', solutions);
  await folder('Drafts', solutions);
  await tusUpload(api, room.id, 'paper-2024.pdf', bytes['paper-2024.pdf']);
  await tusUpload(api, room.id, 'notes.txt', bytes['notes.txt']);
  await tusUpload(api, room.id, 'left-out.txt', bytes['left-out.txt']);
  await tusUpload(api, room.id, 'answers.bin', bytes['answers.bin'], solutions);
  await tusUpload(api, room.id, 'week-1.txt', bytes['week-1.txt'], week);

  // B (a plain member) selects two files and the folder, then downloads the selection.
  const page = b.page;
  await page.goto(`/rooms/${room.id}?a=files`);
  await expect(page.getByTestId('files-stage')).toBeVisible();
  for (const name of ['paper-2024.pdf', 'notes.txt', 'Solutions']) await page.getByRole('checkbox', { name: `Select ${name}` }).check();
  const bar = page.getByRole('toolbar', { name: 'Selected items' });
  await expect(bar).toContainText('3 selected');
  const downloading = page.waitForEvent('download', { timeout: 60_000 });
  await bar.getByTestId('zip-selection').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('files.zip');
  const saved = join(mkdtempSync(join(tmpdir(), 'cr-e2e-zip-')), 'files.zip');
  await download.saveAs(saved);
  expect(await download.failure()).toBeNull();

  const entries = unzipEntries(saved);
  expect([...entries.keys()].sort()).toEqual(['Solutions/Drafts/', 'Solutions/Week 1/week-1.txt', 'Solutions/answers.bin', 'notes.txt', 'paper-2024.pdf']);
  expect(sha(entries.get('paper-2024.pdf')!)).toBe(sha(bytes['paper-2024.pdf']));
  expect(sha(entries.get('notes.txt')!)).toBe(sha(bytes['notes.txt']));
  expect(sha(entries.get('Solutions/answers.bin')!)).toBe(sha(bytes['answers.bin']));
  expect(sha(entries.get('Solutions/Week 1/week-1.txt')!)).toBe(sha(bytes['week-1.txt']));

  // One folder from its menu: the archive is named after it and holds its tree.
  const folderDownload = page.waitForEvent('download', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Actions for Solutions' }).click();
  await page.getByRole('menuitem', { name: 'Download as ZIP' }).click();
  const one = await folderDownload;
  expect(one.suggestedFilename()).toBe('Solutions.zip');
  const savedOne = join(mkdtempSync(join(tmpdir(), 'cr-e2e-zip-')), 'Solutions.zip');
  await one.saveAs(savedOne);
  const tree = unzipEntries(savedOne);
  expect([...tree.keys()].sort()).toEqual(['Solutions/Drafts/', 'Solutions/Week 1/week-1.txt', 'Solutions/answers.bin']);
  expect(sha(tree.get('Solutions/answers.bin')!)).toBe(sha(bytes['answers.bin']));
});
