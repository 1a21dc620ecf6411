/** An admin opens Analytics: the charts render (uPlot canvases) with today's activity in them. */
import { expect, test } from '@playwright/test';
import { newAdmin } from '../admin-people/admin.js';
import { send, docShot } from '../fixtures.js';

test('an admin opens Analytics and the charts render with data', async ({ browser }) => {
  // Made admin with the real CLI (`npm run admin -- make-admin`).
  const admin = await newAdmin(browser, 'boss');
  await admin.page.goto('/');
  // Some activity today: a room and a few messages.
  await admin.page.getByRole('button', { name: 'Create room' }).click();
  const create = admin.page.getByRole('dialog', { name: 'Create a room' });
  await create.getByLabel('Name').fill('Busy room');
  await create.getByRole('button', { name: 'Create room' }).click();
  await admin.page.getByRole('dialog', { name: 'Your room is ready' }).getByRole('button', { name: 'Done' }).click();
  for (const text of ['one', 'two', 'three']) await send(admin.page, text);
  await expect(admin.page.getByTestId('message').filter({ hasText: 'three' })).toBeVisible();

  await admin.page.goto('/admin/analytics');
  await expect(admin.page.getByRole('heading', { name: 'Analytics' })).toBeVisible();
  await admin.page.getByRole('button', { name: 'Update now' }).click();
  await admin.page.getByRole('tab', { name: '7 days' }).click();

  const messages = admin.page.getByTestId('chart-Messages per day');
  await expect(messages.locator('canvas')).toHaveCount(1);
  await expect(admin.page.locator('.u-wrap canvas')).toHaveCount(8);
  // The accessible table carries the same numbers: today's row has the messages just sent.
  await messages.getByText('Show as table').click();
  const today = messages.locator('tbody tr').last();
  await expect(today.locator('td')).not.toHaveText('0');
  expect(Number(await today.locator('td').textContent())).toBeGreaterThanOrEqual(3);
  await expect(admin.page.getByRole('row', { name: /Busy room/ })).toBeVisible();
  await docShot(admin.page, 'docs/screenshots/admin-analytics.png', { fullPage: true });
  await admin.context.close();
});
