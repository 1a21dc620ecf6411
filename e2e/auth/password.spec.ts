/**
 * Issue 17 item 6: changing the password from the profile dialog; the new one signs in, the old
 * one no longer does, and another signed-in browser is signed out.
 */
import { expect, test } from '@playwright/test';
import { newUser } from '../fixtures.js';

test('change the password from the profile dialog', async ({ browser }) => {
  const me = await newUser(browser, 'pw');
  const { page } = me;
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await otherPage.goto('/login');
  await otherPage.getByLabel('Username').fill(me.username);
  await otherPage.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await otherPage.getByRole('button', { name: 'Log in' }).click();
  await expect(otherPage.getByRole('heading', { name: 'Your rooms' })).toBeVisible();

  await page.getByRole('button', { name: 'Your profile and settings' }).click();
  await page.getByRole('button', { name: 'Change password…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Change password' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByLabel('Current password')).toBeFocused();

  // Client-side checks first, then the server's answer to a wrong current password.
  await dialog.getByLabel('Current password').fill('not my password');
  await dialog.getByLabel('New password', { exact: true }).fill('short');
  await dialog.getByRole('button', { name: 'Change password' }).click();
  await expect(dialog.getByText('Use at least 8 characters.')).toBeVisible();
  await dialog.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
  await dialog.getByLabel('New password again').fill('a brand new passphrase');
  await page.screenshot({ path: '/tmp/access-password-dialog.png' });
  await dialog.getByRole('button', { name: 'Change password' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Your current password is not right.');
  await expect(dialog.getByLabel('Current password')).toBeFocused();

  await dialog.getByLabel('Current password').fill('correct horse battery');
  await dialog.getByRole('button', { name: 'Change password' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Password changed')).toBeVisible();
  await page.screenshot({ path: '/tmp/access-password-done.png' });

  // This browser stays signed in; the other one was signed out.
  expect((await page.request.get('/api/me')).status()).toBe(200);
  expect((await otherPage.request.get('/api/me')).status()).toBe(401);

  const fresh = await browser.newContext();
  const login = async (password: string) =>
    fresh.request.post('/api/auth/login', { data: { username: me.username, password } }).then((r) => r.status());
  expect(await login('correct horse battery')).toBe(401);
  expect(await login('a brand new passphrase')).toBe(200);
  await Promise.all([me.context.close(), other.close(), fresh.close()]);
});
