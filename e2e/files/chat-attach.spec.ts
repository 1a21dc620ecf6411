/**
 * Files shared into chat (issue 11, item 7): A attaches an image uploaded from the composer (tus,
 * with a progress chip) and a file picked from the room's Files; B sees the message with the file
 * cards (the image with its thumbnail) and opens the same preview as in the Files tab.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import sharp from 'sharp';
import { docShot, newUserViaApi } from '../fixtures.js';

test('attach files in chat: upload from the composer and pick from Files; the other member sees cards and previews', async ({ browser }) => {
  test.setTimeout(180_000);
  const a = await newUserViaApi(browser, 'attacher');
  const b = await newUserViaApi(browser, 'viewer');
  const created = await a.context.request.post('/api/rooms', { data: { name: 'Chat files' } });
  const room = (await created.json()).room as { id: number; code: string };
  expect((await b.context.request.post(`/api/rooms/${room.id}/join`, { data: { code: room.code } })).status()).toBe(200);

  const dir = mkdtempSync(join(tmpdir(), 'cr-e2e-attach-'));
  const imgPath = join(dir, 'whiteboard.png');
  writeFileSync(imgPath, await sharp({ create: { width: 800, height: 500, channels: 3, background: '#2d6cdf' } }).png().toBuffer());
  // A file already in the room's Files (uploaded there by A through tus).
  const txtPath = join(dir, 'reading-list.txt');
  writeFileSync(txtPath, 'Chapter 3\nChapter 4\n');

  await a.page.goto(`/rooms/${room.id}`);
  await b.page.goto(`/rooms/${room.id}`);
  const composerA = a.page.locator('form.composer');
  await expect(composerA).toBeVisible();

  // Upload from the composer: a chip with progress, then send with words.
  await a.page.getByRole('button', { name: 'Attach files' }).click();
  const chooser = a.page.waitForEvent('filechooser');
  await a.page.getByRole('menuitem', { name: 'Upload from this device' }).click();
  await (await chooser).setFiles([imgPath, txtPath]);
  await expect(a.page.getByTestId('composer-chip')).toHaveCount(2);
  // Uploading chips carry a progress bar; ready ones do not.
  await expect(a.page.getByTestId('composer-chip').getByRole('progressbar')).toHaveCount(0, { timeout: 60_000 });
  await a.page.getByLabel('Write a message').fill('Photos from today');
  await docShot(a.page, 'docs/screenshots/chat-attach-composer.png');
  await a.page.getByRole('button', { name: 'Send message' }).click();
  await expect(a.page.getByTestId('composer-chip')).toHaveCount(0);

  // B sees the message with two cards; the image card gets its thumbnail.
  const msg = b.page.getByTestId('message').filter({ hasText: 'Photos from today' });
  await expect(msg.getByTestId('attachment-card')).toHaveCount(2, { timeout: 30_000 });
  await expect(msg.getByTestId('attachment-card').first()).toContainText('whiteboard.png');
  await expect(msg.getByTestId('attachment-card').nth(1)).toContainText('reading-list.txt');
  // Thumbnails are made in the background and pushed to cards already on screen.
  await expect(msg.getByTestId('attachment-thumb')).toBeVisible({ timeout: 60_000 });
  await docShot(b.page, 'docs/screenshots/chat-attach-cards.png');

  // Clicking opens the same preview as in Files.
  await b.page.getByTestId('message').filter({ hasText: 'Photos from today' }).getByRole('button', { name: 'Preview whiteboard.png' }).click();
  const preview = b.page.getByTestId('file-preview');
  await expect(preview.getByRole('img', { name: 'whiteboard.png' })).toBeVisible();
  await expect(preview).toContainText('SHA-256');
  await b.page.keyboard.press('Escape');
  await expect(preview).toHaveCount(0);

  // Pick from the room's Files: no words, the message names the file.
  await a.page.getByRole('button', { name: 'Attach files' }).click();
  await a.page.getByRole('menuitem', { name: /Pick from the room/ }).click();
  await a.page.getByLabel("Search the room's files").fill('reading');
  await a.page.getByTestId('attach-pick').filter({ hasText: 'reading-list.txt' }).click();
  await expect(a.page.getByTestId('composer-chip')).toContainText('reading-list.txt');
  await a.page.getByRole('button', { name: 'Send message' }).click();
  const second = b.page.getByTestId('message').filter({ hasText: 'reading-list.txt' }).filter({ has: b.page.getByTestId('attachment-card') }).last();
  await expect(second.getByTestId('attachment-card')).toHaveCount(1, { timeout: 30_000 });
  await second.getByRole('button', { name: 'Preview reading-list.txt' }).click();
  await expect(b.page.getByTestId('file-preview')).toContainText('Chapter 4');
});
