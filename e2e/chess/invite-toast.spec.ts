/**
 * Issue 17 items 10 and 12: a challenge toast follows the challenge (closes when it is accepted on
 * another device or withdrawn), and toasts stay clickable above an open dialog.
 */
import { expect, test, type Browser } from '@playwright/test';
import type { User } from '../fixtures.js';
import { challenge, gotoApp, openChess, roomWith, users } from './helpers.js';

/** A second browser (own cookies) signed in as `user`: their other device. */
async function otherDevice(browser: Browser, user: User) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await gotoApp(page, '/login');
  await page.getByLabel('Username').fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: 'Your rooms' })).toBeVisible();
  return { context, page };
}

test.setTimeout(120_000);

const invite = (page: User['page'], from: string) => page.locator('.toast').filter({ hasText: `${from} challenges you` });

test('a challenge toast closes on every device once the challenge is accepted elsewhere or withdrawn', async ({ browser }) => {
  const [ada, bob] = await users(browser, 'ada', 'bob');
  const roomId = await roomWith(ada, [bob], 'Toast club');
  // Bob's phone looks at the room's games (where the toast stayed before the fix).
  const phone = await otherDevice(browser, bob);
  await gotoApp(phone.page, `/rooms/${roomId}`);
  await openChess(phone.page);
  await openChess(bob.page);
  await openChess(ada.page);

  await challenge(ada.page, { opponent: bob.username, color: 'White', tc: 'Untimed' });
  await expect(invite(bob.page, ada.username)).toBeVisible();
  await expect(invite(phone.page, ada.username)).toBeVisible();
  const sent = ada.page.locator('.toast').filter({ hasText: `Challenge sent to ${bob.username}` });

  // Bob accepts on the laptop: the phone's toast goes away instead of offering a dead "Accept".
  await invite(bob.page, ada.username).getByRole('button', { name: 'Accept' }).click();
  await expect(bob.page).toHaveURL(/a=chess&g=\d+/);
  await expect(invite(phone.page, ada.username)).toHaveCount(0);
  await expect(phone.page.locator('.toast').filter({ hasText: 'no longer open' })).toHaveCount(0);
  // Ada's own "waiting for Bob" toast follows the challenge too.
  await expect(sent).toHaveCount(0);

  // A second challenge that Ada withdraws: gone on both of Bob's devices.
  await ada.page.getByRole('button', { name: 'Back to the games' }).click();
  await challenge(ada.page, { opponent: bob.username, color: 'Black', tc: 'Untimed' });
  await expect(invite(phone.page, ada.username)).toBeVisible();
  await expect(invite(bob.page, ada.username)).toBeVisible();
  await ada.page.getByRole('button', { name: 'Cancel', exact: true }).first().click();
  await expect(invite(phone.page, ada.username)).toHaveCount(0);
  await expect(invite(bob.page, ada.username)).toHaveCount(0);
  await phone.context.close();
});

test('a toast shown while a dialog is open is above its backdrop and its action works', async ({ browser }) => {
  const [ada, bob] = await users(browser, 'ada', 'bob');
  const roomId = await roomWith(ada, [bob], 'Dialog club');
  await openChess(ada.page);
  await openChess(bob.page);
  await bob.page.getByRole('button', { name: 'Your profile and settings' }).click();
  const dialog = bob.page.getByRole('dialog', { name: /profile/i });
  await expect(dialog).toBeVisible();

  await challenge(ada.page, { opponent: bob.username, color: 'White', tc: 'Untimed' });
  const toast = invite(bob.page, ada.username);
  await expect(toast).toBeVisible();
  // A real click (no force): it fails if the toast is under the modal's backdrop or inert.
  await toast.getByRole('button', { name: 'Accept' }).click({ timeout: 5000 });
  await expect(bob.page).toHaveURL(new RegExp(`/rooms/${roomId}\\?a=chess&g=\\d+`));
  // The dialog it was shown over closes, so the board is in view.
  await expect(dialog).toBeHidden();
});

test('the challenge toast reaches the addressee anywhere in the app, not only on the chess tab', async ({ browser }) => {
  const [ada, bob] = await users(browser, 'ada', 'bob');
  await roomWith(ada, [bob], 'Lobby club');
  await gotoApp(bob.page, '/');
  await openChess(ada.page);
  await challenge(ada.page, { opponent: bob.username, color: 'White', tc: 'Untimed' });
  await expect(invite(bob.page, ada.username)).toBeVisible();
  await ada.page.getByRole('button', { name: 'Cancel', exact: true }).first().click();
  await expect(invite(bob.page, ada.username)).toHaveCount(0);
});
