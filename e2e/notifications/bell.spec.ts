/**
 * Issue 13 item 3: the bell shows a mention from another room and a chess challenge; clicking the
 * mention opens that room and marks it read. Three users, three browsers.
 */
import { expect, test } from '@playwright/test';
import { send, docShot } from '../fixtures.js';
import { challenge, gotoApp, openChess, roomWith, users } from '../chess/helpers.js';

test.setTimeout(150_000);

test('the bell lists a mention from another room and a chess challenge; the mention opens its room', async ({ browser }) => {
  const [ada, bob, cal] = await users(browser, 'ada', 'bob', 'cal');
  const chessRoom = await roomWith(ada, [bob], 'Chess club');
  const readingRoom = await roomWith(cal, [bob], 'Reading room');

  // Bob is in the chess club; Cal mentions him in the reading room, Ada challenges him.
  await gotoApp(bob.page, `/rooms/${chessRoom}`);
  await expect(bob.page.getByRole('heading', { name: 'Chess club', level: 1 })).toBeVisible();
  const bell = bob.page.getByTestId('bell');
  await expect(bell).toHaveAccessibleName('Notifications');

  await send(cal.page, `@${bob.username} chapter 4 is on the shared drive`);
  // The mention also shows as a toast (the old mention toast, now fed by the notification centre).
  await expect(bob.page.locator('.toast').filter({ hasText: `${cal.username} mentioned you in Reading room` })).toBeVisible();

  await openChess(ada.page);
  await challenge(ada.page, { opponent: bob.username, color: 'White', tc: 'Untimed' });
  await expect(bob.page.getByTestId('bell-count')).toHaveText('2');
  await expect(bell).toHaveAccessibleName('Notifications, 2 unread');

  // Keyboard: the bell opens with Enter and closes with Escape, focus back on the bell.
  await bell.focus();
  await bob.page.keyboard.press('Enter');
  const panel = bob.page.getByRole('dialog', { name: 'Notifications' });
  await expect(panel).toBeVisible();
  const items = panel.locator('.item');
  await expect(items).toHaveCount(2);
  // Newest first: the challenge, then the mention.
  await expect(items.nth(0)).toContainText(`${ada.username} challenges you to a game`);
  await expect(items.nth(0)).toContainText('Untimed game in Chess club');
  await expect(items.nth(1)).toContainText(`${cal.username} mentioned you in Reading room`);
  await expect(items.nth(1)).toContainText('chapter 4 is on the shared drive');
  await docShot(bob.page, 'docs/screenshots/notifications-bell.png');
  await bob.page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  await expect(bell).toBeFocused();

  // Clicking the mention opens the reading room; it is read now, the challenge still waits.
  await bell.click();
  await panel.locator('.item').filter({ hasText: 'mentioned you' }).click();
  await expect(bob.page).toHaveURL(new RegExp(`/rooms/${readingRoom}\\?m=\\d+`));
  await expect(bob.page.getByRole('heading', { name: 'Reading room', level: 1 })).toBeVisible();
  await expect(bob.page.getByTestId('bell-count')).toHaveText('1');

  // Mark all read empties the count; the list keeps the items, read.
  await bell.click();
  await panel.getByRole('button', { name: 'Mark all read' }).click();
  await expect(bob.page.getByTestId('bell-count')).toHaveCount(0);
  await expect(panel.locator('.item.unread')).toHaveCount(0);
  await expect(panel.locator('.item')).toHaveCount(2);

  // On a phone the panel spans the screen.
  await bob.page.setViewportSize({ width: 390, height: 780 });
  await expect(panel).toBeVisible();
  const box = (await panel.boundingBox())!;
  expect(box.width).toBeGreaterThan(360);
  await docShot(bob.page, 'docs/screenshots/notifications-bell-phone.png');
});

test('invite someone by username: they get a notification that leads to the invite', async ({ browser }) => {
  const [ada, bob] = await users(browser, 'ada', 'bob');
  await roomWith(ada, [bob], 'Common ground');
  // Ada makes a second room and invites Bob (they share the first one).
  await gotoApp(ada.page, '/');
  const roomId = await roomWith(ada, [], 'Quiet corner');
  await ada.page.getByRole('button', { name: 'Invite', exact: true }).click();
  const d = ada.page.getByRole('dialog', { name: 'Invite people' });
  await d.getByLabel('Invite someone').fill(bob.username);
  await d.getByRole('button', { name: 'Send invite' }).click();
  await expect(d.getByText(`Invite sent to ${bob.username}.`)).toBeVisible();
  // A stranger's name is refused with a clear message.
  await d.getByLabel('Invite someone').fill('nobody_at_all');
  await d.getByRole('button', { name: 'Send invite' }).click();
  await expect(d.getByRole('alert')).toContainText('shares a room with you');

  await gotoApp(bob.page, '/');
  await bob.page.getByTestId('bell').click();
  const item = bob.page.getByRole('dialog', { name: 'Notifications' }).locator('.item').filter({ hasText: `${ada.username} invited you to Quiet corner` });
  await item.click();
  await expect(bob.page).toHaveURL(/\/r\/[A-Z0-9]+$/);
  await bob.page.getByRole('button', { name: 'Join room' }).click();
  await expect(bob.page).toHaveURL(new RegExp(`/rooms/${roomId}`));
});

test('per-room notification settings: level and mute are saved on the server', async ({ browser }) => {
  const [ada] = await users(browser, 'ada');
  const roomId = await roomWith(ada, [], 'Quiet study');
  await ada.page.getByTestId('room-notify-settings').click();
  const d = ada.page.getByRole('dialog', { name: 'Notifications for Quiet study' });
  await expect(d.getByRole('radio', { name: /Mentions only/ })).toBeChecked();
  await d.getByRole('radio', { name: /All messages/ }).check();
  await expect(d.getByRole('radio', { name: /All messages/ })).toBeChecked();
  await d.getByRole('button', { name: '8 hours' }).click();
  await expect(d.getByText(/^Muted until /)).toBeVisible();
  await docShot(ada.page, 'docs/screenshots/notifications-room-settings.png');
  const saved = await (await ada.context.request.get(`/api/rooms/${roomId}/notifications`)).json();
  expect(saved.level).toBe('all');
  expect(saved.mutedUntil).toBeGreaterThan(Date.now() + 7.9 * 3_600_000);
  await d.getByRole('button', { name: 'Unmute' }).click();
  await expect(d.getByText(/^Muted until /)).toHaveCount(0);
  expect((await (await ada.context.request.get(`/api/rooms/${roomId}/notifications`)).json()).mutedUntil).toBeNull();
  await d.getByRole('button', { name: 'Done' }).click();
  await expect(d).toBeHidden();
  // On a phone the header keeps the room's name; the room's settings are reached from the bell.
  await ada.page.setViewportSize({ width: 390, height: 780 });
  await expect(ada.page.getByRole('heading', { name: 'Quiet study', level: 1 })).toBeInViewport();
  await docShot(ada.page, 'docs/screenshots/notifications-room-header-phone.png');
  await ada.page.getByTestId('bell').click();
  await ada.page.getByRole('dialog', { name: 'Notifications' }).getByRole('button', { name: 'Notification settings for Quiet study' }).click();
  await expect(d.getByRole('radio', { name: /All messages/ })).toBeChecked();
});
