import { expect, test } from '@playwright/test';
import { newUser } from '../fixtures.js';

test('a countdown timer rings with a notice; one that rang while the page was closed shows as missed', async ({ browser }) => {
  const u = await newUser(browser, 'ala');
  await u.context.grantPermissions(['notifications']);
  const page = u.page;

  await page.getByRole('button', { name: 'Alarms' }).click();
  const dialog = page.getByRole('dialog', { name: 'Timers & alarms' });
  await dialog.getByLabel('Minutes').fill('0.05');
  await dialog.getByLabel('Label').fill('Tea');
  await dialog.getByRole('button', { name: 'Start timer' }).click();
  await expect(dialog.getByTestId('alarm').filter({ hasText: 'Tea' })).toContainText('Rings at');

  // Three seconds later it rings: a toast says so and the list shows it rang.
  await expect(page.getByText("Tea — time's up")).toBeVisible({ timeout: 8000 });
  await expect(page.getByText("Tea — time's up")).toHaveCount(1);
  await expect(dialog.getByTestId('alarm').filter({ hasText: 'Tea' })).toContainText('Rang at');
  await page.waitForTimeout(800);
  await expect(page.getByText("Tea — time's up"), 'the server echo is de-duplicated').toHaveCount(1);

  // A second timer rings while the page is closed: the next visit says it was missed, once.
  await dialog.getByLabel('Minutes').fill('0.05');
  await dialog.getByLabel('Label').fill('Stretch');
  await dialog.getByRole('button', { name: 'Start timer' }).click();
  await expect(dialog.getByTestId('alarm').filter({ hasText: 'Stretch' })).toBeVisible();
  await page.close();
  await new Promise((r) => setTimeout(r, 4000));
  const again = await u.context.newPage();
  await again.goto('/');
  await expect(again.getByText("Missed: Stretch — time's up")).toBeVisible();
  await expect(again.getByText('Missed: Tea')).toHaveCount(0);
  await again.reload();
  await expect(again.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
  await again.waitForTimeout(1000);
  await expect(again.getByText('Missed: Stretch')).toHaveCount(0);

  await u.context.close();
});
