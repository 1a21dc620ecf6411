/**
 * Issue 14 item 1 (users): an admin finds a user by search and disables them; the user's open tab
 * is signed out at once and lands on the login page.
 */
import { expect, test } from '@playwright/test';
import { newUserViaApi, docShot } from '../fixtures.js';
import { newAdmin } from './admin.js';

test('an admin finds a user by search, disables them, and their open tab is signed out', async ({ browser }) => {
  const admin = await newAdmin(browser);
  const victim = await newUserViaApi(browser, 'target');
  await victim.page.goto('/');
  await expect(victim.page.getByRole('heading', { name: 'Your rooms' })).toBeVisible();

  // The profile dialog leads admins to the console.
  const { page } = admin;
  await page.goto('/');
  await page.getByRole('button', { name: 'Your profile and settings' }).click();
  await page.getByRole('link', { name: 'Admin console' }).click();
  await page.getByRole('navigation', { name: 'Admin sections' }).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { name: 'Users' })).toBeVisible();

  await page.getByLabel('Search users').fill(victim.username.slice(0, 12));
  const row = page.getByRole('row').filter({ hasText: `@${victim.username}` });
  await expect(row).toBeVisible();
  await expect(page.getByRole('table', { name: 'Users' }).getByRole('row')).toHaveCount(2);
  await docShot(page, 'docs/screenshots/admin-users.png');
  await row.getByRole('button', { name: `Open ${victim.username}` }).click();

  const dialog = page.getByRole('dialog', { name: `@${victim.username}` });
  await expect(dialog.getByRole('heading', { name: /Sessions \(1\)/ })).toBeVisible();
  await docShot(page, 'docs/screenshots/admin-user-dialog.png');
  await dialog.getByRole('button', { name: 'Disable account' }).click();
  const confirm = page.getByRole('dialog', { name: `Disable @${victim.username}?` });
  await confirm.getByRole('button', { name: 'Disable' }).click();
  await expect(dialog.getByText('Disabled', { exact: true })).toBeVisible();

  // The victim's tab is signed out without them doing anything.
  await expect(victim.page).toHaveURL(/\/login/);
  await expect(victim.page.getByRole('button', { name: 'Log in' })).toBeVisible();
  expect((await victim.page.request.get('/api/me')).status()).toBe(401);

  // Filter "Disabled" shows them.
  await dialog.getByRole('button', { name: 'Close' }).last().click();
  await page.getByRole('tab', { name: 'Disabled' }).click();
  await expect(page.getByRole('row').filter({ hasText: `@${victim.username}` })).toBeVisible();

  // Phone width: the table keeps its essential columns and the section menu scrolls sideways.
  await page.setViewportSize({ width: 390, height: 800 });
  await expect(page.getByRole('columnheader', { name: 'Display name' })).toBeHidden();
  await expect(page.getByRole('columnheader', { name: 'Last seen' })).toBeVisible();
  await docShot(page, 'docs/screenshots/admin-users-phone.png');
});
