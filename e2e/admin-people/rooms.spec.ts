/**
 * Issue 14 item 1 (rooms): an admin closes a room from the console; a member inside it sees the
 * closed banner live and can no longer write; reopening gives the composer back.
 */
import { expect, test } from '@playwright/test';
import { newUserViaApi, sharedRoom, docShot } from '../fixtures.js';
import { newAdmin } from './admin.js';

test('an admin closes a room; members see it read-only, then reopened', async ({ browser }) => {
  const admin = await newAdmin(browser, 'radmin');
  const owner = await newUserViaApi(browser, 'rowner');
  const member = await newUserViaApi(browser, 'rmember');
  await owner.page.goto('/');
  await member.page.goto('/');
  const name = `Archive ${owner.username.slice(-6)}`;
  await sharedRoom(owner.page, member.page, name);
  await expect(member.page.getByLabel('Write a message')).toBeVisible();

  const { page } = admin;
  await page.goto('/admin/rooms');
  await page.getByLabel('Search rooms').fill(name);
  await expect(page.getByRole('table', { name: 'Rooms' }).getByRole('row')).toHaveCount(2);
  await docShot(page, 'docs/screenshots/admin-rooms.png');
  await page.getByRole('button', { name: `Open room ${name}` }).click();
  const dialog = page.getByRole('dialog', { name });
  await expect(dialog.getByRole('heading', { name: /Members \(2\)/ })).toBeVisible();
  await dialog.getByRole('button', { name: 'Close room (archive)' }).click();
  await page.getByRole('dialog', { name: `Close ${name}?` }).getByRole('button', { name: 'Close room' }).click();
  await expect(dialog.getByRole('button', { name: 'Reopen room' })).toBeVisible();

  // Live in the member's open room: banner, no composer.
  await expect(member.page.getByTestId('room-closed')).toBeVisible();
  await expect(member.page.getByTestId('composer-closed')).toBeVisible();
  await expect(member.page.getByLabel('Write a message')).toHaveCount(0);
  await docShot(member.page, 'docs/screenshots/room-closed.png');

  await dialog.getByRole('button', { name: 'Reopen room' }).click();
  await expect(member.page.getByTestId('room-closed')).toHaveCount(0);
  await expect(member.page.getByLabel('Write a message')).toBeVisible();
});
